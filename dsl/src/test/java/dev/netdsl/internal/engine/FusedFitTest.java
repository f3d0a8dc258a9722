package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netdsl.Dataset;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.TrainingDivergedException;
import dev.netdsl.training.Fit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fused fit (many steps per native call, compiled by XLA) against the step-by-step path: the same
 * losses and weights within float32 tolerance, the same step count, the same divergence behaviour.
 */
class FusedFitTest {
    private static Dataset sine() {
        int n = 200;
        float[][] x = new float[n][1];
        float[][] y = new float[n][1];
        for (int i = 0; i < n; i++) {
            x[i][0] = -10f + 20f * i / (n - 1);
            y[i][0] = (float) Math.sin(x[i][0]);
        }
        return Dataset.of(x, y);
    }

    private static Dataset blobs(int n, int classes) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        float[][] x = new float[n][4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < 4; j++) {
                x[i][j] = (float) (r.nextGaussian() + (j == labels[i] % 4 ? 2 : 0));
            }
        }
        return Dataset.of(x, labels);
    }

    /** Largest |a - b| / max(1, |b|) over every parameter. */
    private static double gap(List<Parameter> a, List<Parameter> b) {
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            float[] u = a.get(i).values();
            float[] v = b.get(i).values();
            for (int j = 0; j < u.length; j++) {
                worst = Math.max(worst, Math.abs(u[j] - v[j]) / Math.max(1, Math.abs(v[j])));
            }
        }
        return worst;
    }

    /**
     * The paths agree to float32 rounding step for step while training is smooth; where a run oscillates at
     * the edge of stability (or a gradient clip switches on and off), rounding differences grow like any two
     * machines' would, so the runs here stay short of that (measured: the sine net at lr 0.05 agrees to 1e-7
     * for 300 steps, then both oscillate).
     */
    private static void sameRun(float[] a, float[] b) {
        assertThat(a).hasSize(b.length);
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).as("loss of step %d", i).isCloseTo(b[i], org.assertj.core.api.Assertions.within(
                    1e-5 * Math.max(1, Math.abs(b[i]))));
        }
    }

    @Test
    void full_batch_fit_matches_the_step_path_across_chunks() {
        Net spec = Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05).seed(1);
        try (Model fused = spec.build(); Model stepwise = spec.build()) {
            access().trainer(fused).fullBatchChunk = 40;
            access().trainer(fused).fuseAlways = true; // 2.4 MFLOP per step: above the default's limit
            access().trainer(stepwise).fusion = false;
            sameRun(fused.fit(sine(), 130).losses(), stepwise.fit(sine(), 130).losses());
            assertThat(gap(fused.parameters(), stepwise.parameters())).isLessThan(1e-5);
            assertThat(access().trainer(fused).steps.stepsTaken).isEqualTo(access().trainer(stepwise).steps.stepsTaken).isEqualTo(130);
            assertThat(access().trainer(fused).stepByStep(sine(), 200, null)).isNull();
            assertThat(access().trainer(fused).steps.fusedCalls).isEqualTo(4);
            assertThat(access().trainer(stepwise).steps.fusedCalls).isZero();
        }
    }

    @Test
    void adam_with_clipping_and_weight_decay_matches_the_step_path() {
        Net spec = Net.of(1, 16, 16, 1).tanh().mse()
                .optimizer(dev.netdsl.training.Optimizers.adam(0.01).weightDecay(1e-3).clipGradNorm(0.5)).seed(3);
        try (Model fused = spec.build(); Model stepwise = spec.build()) {
            access().trainer(stepwise).fusion = false;
            access().trainer(fused).fuseAlways = true;
            // 50 steps: with the clip switching on and off, rounding differences grow fast after ~70 (measured).
            sameRun(fused.fit(sine(), 50).losses(), stepwise.fit(sine(), 50).losses());
            assertThat(gap(fused.parameters(), stepwise.parameters())).isLessThan(1e-5);
            // Training goes on from the fused state (Adam's moments and step count) as if it had been step by step.
            assertThat((double) fused.step(sine())).isCloseTo(stepwise.step(sine()), org.assertj.core.api.Assertions.within(1e-5));
            sameRun(fused.fit(sine(), 10).losses(), stepwise.fit(sine(), 10).losses());
        }
    }

    @Test
    void mini_batch_epochs_with_validation_match_the_step_path() {
        Dataset train = blobs(1000, 3);
        Dataset val = blobs(200, 3);
        Net spec = Net.of(4, 32, 3).relu().crossEntropy().sgd(0.1, 0.9).seed(7);
        try (Model fused = spec.build(); Model stepwise = spec.build()) {
            access().trainer(stepwise).fusion = false;
            // 1000 rows in batches of 64: 15 full batches fused, the 40-row rest step by step.
            History a = fused.fit(train, Fit.epochs(3).batchSize(64).validation(val).quiet());
            History b = stepwise.fit(train, Fit.epochs(3).batchSize(64).validation(val).quiet());
            assertThat(a.losses()).hasSize(48);
            sameRun(a.losses(), b.losses());
            for (int e = 0; e < 3; e++) {
                assertThat(a.epochs().get(e).get("loss")).isCloseTo(b.epochs().get(e).get("loss"),
                        org.assertj.core.api.Assertions.within(1e-4));
                assertThat(a.epochs().get(e).get("accuracy")).isEqualTo(b.epochs().get(e).get("accuracy"));
                assertThat(a.epochs().get(e).get("val_accuracy")).isEqualTo(b.epochs().get(e).get("val_accuracy"));
            }
            assertThat(gap(fused.parameters(), stepwise.parameters())).isLessThan(1e-5);
            assertThat(access().trainer(fused).steps.fusedCalls).isEqualTo(3);
        }
    }

    @Test
    void a_diverging_fused_fit_fails_like_the_step_path_and_rolls_back() {
        Net spec = Net.of(1, 20, 1).relu().mse().sgd(1e4).seed(1);
        try (Model fused = spec.build(); Model stepwise = spec.build()) {
            access().trainer(stepwise).fusion = false;
            access().trainer(fused).fuseAlways = true;
            Throwable a = org.assertj.core.api.Assertions.catchThrowable(() -> fused.fit(sine(), 1000));
            Throwable b = org.assertj.core.api.Assertions.catchThrowable(() -> stepwise.fit(sine(), 1000));
            assertThat(a).isInstanceOf(TrainingDivergedException.class);
            assertThat(b).isInstanceOf(TrainingDivergedException.class);
            assertThat(((TrainingDivergedException) a).step()).isEqualTo(((TrainingDivergedException) b).step());
            for (Parameter p : fused.parameters()) {
                for (float v : p.values()) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
            }
        }
    }

    @Test
    void dropout_and_batch_norm_nets_say_why_they_train_step_by_step() {
        try (Model m = Net.sequential(dev.netdsl.layers.Layers.linear(1, 8), dev.netdsl.layers.Layers.dropout(0.5),
                dev.netdsl.layers.Layers.linear(8, 1)).mse().sgd(0.01).build()) {
            assertThat(access().trainer(m).stepByStep(sine(), 200, null)).contains("dropout");
        }
        try (Model m = Net.of(1, 8, 1).mse().sgd(0.01).build()) {
            assertThat(access().trainer(m).stepByStep(sine(), 200, null)).isNull();
            assertThat(access().trainer(m).stepByStep(sine(), 200, "a listener")).isEqualTo("a listener");
            access().trainer(m).fusion = false;
            assertThat(access().trainer(m).stepByStep(sine(), 200, null)).contains("netdsl.fused=false");
        }
        try (Model m = Net.of(784, 200, 200, 10).relu().crossEntropy().sgd(0.01).build()) {
            assertThat(access().trainer(m).stepByStep(sine(), 200, null)).startsWith("a step takes 238.6 MFLOP");
            access().trainer(m).fuseAlways = true;
            assertThat(access().trainer(m).stepByStep(sine(), 200, null)).isNull();
        }
    }
}
