package dev.netdsl;

import static dev.netdsl.layers.Layers.linear;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.training.Optimizers;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Gradients computed apart from the update, and applied after averaging: two halves of a batch, each a worker's, give
 * the step one machine takes on the whole batch (data-parallel training's invariant, PyTorch's DDP).
 */
class GradientsTest {
    /** {@code n} examples of 4 features in 3 classes, a Gaussian blob each; the same for the same seed. */
    static Dataset blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(3);
            for (int k = 0; k < 4; k++) {
                x[i][k] = (float) (r.nextGaussian() + (k == labels[i] ? 2 : 0));
            }
        }
        return Dataset.of(x, labels);
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private static void twoHalvesAreOneStep(Net spec) {
        try (Model one = spec.build(); Model two = spec.build()) {
            for (int s = 0; s < 5; s++) {
                Dataset batch = blobs(200, s);
                float whole = one.step(batch);
                Gradients a = two.gradients(batch.subset(range(0, 100)));
                Gradients b = two.gradients(batch.subset(range(100, 200)));
                Gradients mean = Gradients.mean(List.of(a, b));
                two.applyGradients(mean.values());
                assertThat(mean.loss()).as("step %d's loss", s).isCloseTo(whole, within(1e-5f * Math.max(1, Math.abs(whole))));
            }
            assertThat(two.stepsTaken()).isEqualTo(one.stepsTaken()).isEqualTo(5);
            assertSameWeights(one, two, 1e-5f);
        }
    }

    /** Every parameter of {@code two} within {@code tolerance} of {@code one}'s, relative to the larger of 1 and the value. */
    static void assertSameWeights(Model one, Model two, float tolerance) {
        List<Parameter> p = one.parameters();
        List<Parameter> q = two.parameters();
        for (int i = 0; i < p.size(); i++) {
            float[] u = p.get(i).values();
            float[] v = q.get(i).values();
            for (int k = 0; k < u.length; k++) {
                assertThat(v[k]).as("%s[%d]", p.get(i).name(), k).isCloseTo(u[k], within(tolerance * Math.max(1, Math.abs(u[k]))));
            }
        }
    }

    @Test
    void two_half_batches_averaged_take_the_whole_batchs_step_with_momentum_sgd() {
        twoHalvesAreOneStep(Net.sequential(linear(4, 16), dev.netdsl.layers.Layers.relu(), linear(16, 3)).crossEntropy()
                .optimizer(Optimizers.sgd(0.1, 0.9)).seed(3));
    }

    @Test
    void two_half_batches_averaged_take_the_whole_batchs_step_with_adam_and_gradient_clipping() {
        twoHalvesAreOneStep(Net.sequential(linear(4, 16), dev.netdsl.layers.Layers.tanh(), linear(16, 3)).crossEntropy()
                .optimizer(Optimizers.adam(0.01).clipGradNorm(0.5)).seed(4));
    }

    @Test
    void gradients_are_the_formulas_in_pytorchs_layout_and_change_nothing() {
        float[][] x = {{1f, -2f}, {0.5f, 3f}, {-1f, 0.25f}};
        float[][] y = {{0.5f}, {-1f}, {2f}};
        try (Model m = Net.sequential(linear(2, 1)).mse().sgd(0.1).seed(1).build()) {
            float[] w = m.layer(0).weight().values();
            float b = m.layer(0).bias().values()[0];
            Gradients g = m.gradients(Dataset.of(x, y));
            double[] gw = new double[2];
            double gb = 0;
            double loss = 0;
            for (int i = 0; i < x.length; i++) {
                double e = w[0] * x[i][0] + w[1] * x[i][1] + b - y[i][0];
                loss += e * e / x.length;
                gw[0] += 2 * e * x[i][0] / x.length;
                gw[1] += 2 * e * x[i][1] / x.length;
                gb += 2 * e / x.length;
            }
            assertThat(g.loss()).isCloseTo((float) loss, within(1e-5f));
            assertThat(g.values()).extracting(Parameter::name).containsExactly("0.weight", "0.bias");
            assertThat(g.values().get(0).shape()).containsExactly(1, 2);
            assertThat(g.values().get(0).values()[0]).isCloseTo((float) gw[0], within(1e-5f));
            assertThat(g.values().get(0).values()[1]).isCloseTo((float) gw[1], within(1e-5f));
            assertThat(g.values().get(1).values()[0]).isCloseTo((float) gb, within(1e-5f));
            assertThat(m.layer(0).weight().values()).containsExactly(w);
            assertThat(m.stepsTaken()).isZero();
        }
    }

    @Test
    void wrong_gradients_are_refused_naming_each_and_change_nothing() {
        try (Model m = Net.sequential(linear(2, 1)).mse().sgd(0.1).seed(1).build()) {
            List<Parameter> before = m.parameters();
            assertThatThrownBy(() -> m.applyGradients(List.of(new Parameter("0.weight", List.of(2, 1), new float[2]),
                    new Parameter("extra", List.of(1), new float[] {Float.NaN}))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0.weight has shape [2, 1] but this model's is [1, 2]")
                    .hasMessageContaining("0.bias [1] is missing")
                    .hasMessageContaining("extra [1] is not a parameter of this model")
                    .hasMessageContaining("the model is unchanged");
            assertThat(m.parameters().get(0).values()).containsExactly(before.get(0).values());
            assertThat(m.stepsTaken()).isZero();
        }
    }

    @Test
    void with_batch_norm_the_running_statistics_come_along_and_one_batch_takes_steps_step() {
        Net spec = Net.sequential(linear(4, 8), dev.netdsl.layers.Layers.batchNorm1d(8), linear(8, 3)).crossEntropy()
                .optimizer(Optimizers.sgd(0.1, 0.9)).seed(2);
        try (Model one = spec.build(); Model two = spec.build()) {
            for (int s = 0; s < 3; s++) {
                Dataset batch = blobs(40, s);
                float loss = one.step(batch);
                Gradients g = two.gradients(batch);
                assertThat(g.buffers()).extracting(Parameter::name).containsExactly("1.running_mean", "1.running_var",
                        "1.num_batches_tracked");
                two.applyGradients(g);
                assertThat(g.loss()).isCloseTo(loss, within(1e-6f));
            }
            for (int i = 0; i < one.buffers().size(); i++) {
                assertThat(two.buffers().get(i).values()).as(one.buffers().get(i).name())
                        .containsExactly(one.buffers().get(i).values(), within(1e-6f));
            }
            assertThat(two.parameters().get(0).values()).containsExactly(one.parameters().get(0).values(), within(1e-6f));
        }
        try (Model m = spec.build()) {
            // PyTorch's running statistics: momentum 0.1, the unbiased batch variance, from mean 0 and variance 1
            Dataset batch = blobs(40, 7);
            Gradients g = m.gradients(batch);
            assertThat(m.buffers().get(0).values()).containsOnly(0f); // nothing changed yet
            List<Parameter> w = m.parameters();
            float[] weight = w.get(0).values();
            float[] bias = w.get(1).values();
            float[] x = batch.xRowMajor();
            for (int c = 0; c < 8; c++) {
                double sum = 0;
                double sq = 0;
                for (int r = 0; r < 40; r++) {
                    double h = bias[c];
                    for (int k = 0; k < 4; k++) {
                        h += weight[c * 4 + k] * x[r * 4 + k];
                    }
                    sum += h;
                    sq += h * h;
                }
                double mean = sum / 40;
                double unbiased = (sq - 40 * mean * mean) / 39;
                assertThat(g.buffers().get(0).values()[c]).isCloseTo((float) (0.1 * mean), within(1e-5f));
                assertThat(g.buffers().get(1).values()[c]).isCloseTo((float) (0.9 + 0.1 * unbiased), within(1e-4f));
            }
        }
    }

    @Test
    void dropout_draws_the_noise_of_the_step_asked_for() {
        Net spec = Net.sequential(linear(4, 16), dev.netdsl.layers.Layers.relu(), dev.netdsl.layers.Layers.dropout(0.5),
                linear(16, 3)).crossEntropy().sgd(0.1).seed(8);
        try (Model m = spec.build(); Model same = spec.build()) {
            Dataset batch = blobs(32, 2);
            float[] at3 = m.gradients(batch, 3).values().get(0).values();
            assertThat(m.gradients(batch, 3).values().get(0).values()).containsExactly(at3);
            assertThat(m.gradients(batch, 4).values().get(0).values()).isNotEqualTo(at3);
            // gradients(batch) is the model's next step's; fit's first step (step 0) draws that noise too
            float[] next = m.gradients(batch).values().get(0).values();
            assertThat(m.gradients(batch, 0).values().get(0).values()).containsExactly(next);
            float loss = same.step(batch);
            assertThat(m.gradients(batch, 0).loss()).isEqualTo(loss);
            assertThatThrownBy(() -> m.gradients(batch, -1)).hasMessageContaining("step -1 must be 0 or more");
        }
    }

    @Test
    void batch_norm_over_one_example_is_refused_as_step_refuses_it() {
        try (Model m = Net.sequential(linear(4, 8), dev.netdsl.layers.Layers.batchNorm1d(8), linear(8, 3)).crossEntropy().sgd(0.1)
                .seed(2).build()) {
            assertThatThrownBy(() -> m.gradients(blobs(1, 1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs more than one value per channel when training");
        }
    }
}
