package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.autograd.Var;
import dev.netdsl.training.Optimizers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A NaN or infinite loss stops training, names the step and keeps the last good weights. */
class DivergenceTest {

    private static Dataset sine() {
        float[][] x = new float[200][1];
        float[][] y = new float[200][1];
        for (int i = 0; i < 200; i++) {
            x[i][0] = (float) (-Math.PI + 2 * Math.PI * i / 199);
            y[i][0] = (float) Math.sin(x[i][0]);
        }
        return Dataset.of(x, y);
    }

    private static boolean allFinite(List<Parameter> ps) {
        for (Parameter p : ps) {
            for (float v : p.values()) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void a_huge_learning_rate_stops_fit_at_the_step_that_diverged_and_keeps_the_last_good_weights() {
        Dataset data = sine();
        try (Model model = Net.of(1, 20, 1).relu().mse().sgd(1e6).seed(3).build().progress(false)) {
            // Record every step's weights and loss until training fails.
            List<List<Parameter>> before = new java.util.ArrayList<>();
            List<Float> losses = new java.util.ArrayList<>();
            TrainingDivergedException e = null;
            for (int i = 0; i < 100 && e == null; i++) {
                before.add(model.parameters());
                try {
                    losses.add(model.step(data));
                } catch (TrainingDivergedException d) {
                    e = d;
                }
            }
            assertThat(e).as("sgd(1e6) must diverge within 100 steps").isNotNull();
            long failed = e.step();
            assertThat(Float.isFinite(e.loss())).isFalse();
            assertThat(e).hasMessageContaining("training step " + failed).hasMessageContaining("learning rate 1000000.0")
                    .hasMessageContaining("try 100000.0");
            // The failed step's weights gave a non-finite loss; the model holds those of the step before.
            assertThat(failed).isGreaterThanOrEqualTo(2);
            List<Parameter> lastGood = before.get((int) failed - 2);
            assertThat(model.parameters()).usingRecursiveComparison().isEqualTo(lastGood);
            assertThat(allFinite(model.parameters())).isTrue();
            assertThat(model.loss(data)).isEqualTo(losses.get((int) failed - 2));
            assertThat(model.stepsTaken()).isEqualTo(failed - 2);
        }
    }

    @Test
    void a_bad_batch_after_many_steps_rolls_back_exactly_one_step_through_the_checkpoints() {
        // Three different batches in turn, so going back means replaying the right batch at the right step.
        Dataset all = sine();
        Dataset[] batches = new Dataset[3];
        for (int k = 0; k < 3; k++) {
            int[] rows = new int[50];
            for (int i = 0; i < 50; i++) {
                rows[i] = (i * 3 + k) % 200;
            }
            batches[k] = all.subset(rows);
        }
        Dataset huge = Dataset.of(new float[][] {{1e30f}, {-1e30f}}, new float[][] {{1e30f}, {0f}});
        try (Model model = Net.of(1, 20, 1).tanh().mse().adam(0.01).seed(5).build()) {
            List<List<Parameter>> before = new java.util.ArrayList<>();
            for (int i = 0; i < 2 * dev.netdsl.internal.Guard.EVERY + 7; i++) {
                before.add(model.parameters());
                model.step(batches[i % 3]);
            }
            int s = before.size(); // updates applied so far
            assertThatThrownBy(() -> model.step(huge)).isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("training step " + (s + 1));
            // Back to the weights after s - 1 updates: those the last step with a finite loss started from.
            assertThat(model.parameters()).usingRecursiveComparison().isEqualTo(before.get(s - 1));
            assertThat(model.stepsTaken()).isEqualTo(s - 1);
            // Training goes on from there.
            assertThat(Float.isFinite(model.step(batches[0]))).isTrue();
        }
    }

    @Test
    void fit_reports_the_diverged_step_and_the_model_stays_usable() {
        Dataset data = sine();
        try (Model model = Net.of(1, 20, 1).relu().mse().sgd(1e6).seed(3).build().progress(false)) {
            assertThatThrownBy(() -> model.fit(data, 1000)).isInstanceOf(TrainingDivergedException.class)
                    .hasMessageStartingWith("fit: the loss became").hasMessageContaining("last with a finite loss");
            float[][] out = model.predict(new float[][] {{0.5f}});
            assertThat(Float.isFinite(out[0][0])).isTrue();
            // Loading fresh weights makes them the new "last good" ones.
            try (Model other = Net.of(1, 20, 1).relu().mse().sgd(1e6).seed(4).build()) {
                model.setParameters(other.parameters());
                assertThatThrownBy(() -> model.fit(data, 1000)).isInstanceOf(TrainingDivergedException.class);
                assertThat(allFinite(model.parameters())).isTrue();
            }
        }
    }

    @Test
    void mini_batch_fit_names_epoch_and_batch() {
        try (Model model = Net.of(1, 20, 1).relu().mse().sgd(1e6).seed(3).build().progress(false)) {
            assertThatThrownBy(() -> model.fit(sine(), 50, 20)).isInstanceOf(TrainingDivergedException.class)
                    .hasMessageMatching("fit \\(epoch \\d+, batch \\d+\\): the loss became .*");
            assertThat(allFinite(model.parameters())).isTrue();
        }
    }

    @Test
    void minimizer_step_and_fused_steps_keep_the_variables_when_the_loss_explodes() {
        try (Autograd ag = Autograd.open(1)) {
            Var v = ag.variable("v", 3f);
            // v^4 with SGD lr 1: 3 -> -105 -> 4.6e6 -> overflow
            Minimizer m = ag.minimize(v.square().square(), Optimizers.sgd(1));
            float[] last = v.value();
            TrainingDivergedException e = null;
            for (int i = 0; i < 20 && e == null; i++) {
                try {
                    last = v.value();
                    m.step();
                } catch (TrainingDivergedException d) {
                    e = d;
                }
            }
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).startsWith("step: the loss became").contains("try 0.1");
            assertThat(Float.isFinite(v.value()[0])).isTrue();

            v.set(3f);
            assertThatThrownBy(() -> m.steps(50)).isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("keep their values from before this call");
            assertThat(v.value()).containsExactly(3f);
        }
    }

    /** A batch whose loss is infinite whatever the weights. */
    private static Dataset huge() {
        return Dataset.of(new float[][] {{1e30f}, {-1e30f}}, new float[][] {{1e30f}, {0f}});
    }

    private static Model rolling() {
        return Net.of(1, 20, 1).tanh().mse().adam(0.01).seed(5).build();
    }

    /** The weights after each update: weights.get(k) is the state after k updates. */
    private static List<List<Parameter>> trainAndRecord(Model model, Dataset batch, int steps, List<List<Parameter>> seen) {
        for (int i = 0; i < steps; i++) {
            model.step(batch);
            seen.add(model.parameters());
        }
        return seen;
    }

    @Test
    void a_second_divergence_after_a_rollback_goes_back_to_the_last_good_step_again() {
        Dataset good = sine();
        Dataset huge = huge();
        try (Model model = rolling()) {
            List<List<Parameter>> after = new java.util.ArrayList<>();
            after.add(model.parameters());
            trainAndRecord(model, good, 5, after);
            // GIVEN a rollback to the state after 4 updates
            assertThatThrownBy(() -> model.step(huge)).isInstanceOf(TrainingDivergedException.class);
            assertThat(model.stepsTaken()).isEqualTo(4);
            assertThat(model.parameters()).usingRecursiveComparison().isEqualTo(after.get(4));
            List<List<Parameter>> again = new java.util.ArrayList<>(after.subList(0, 5));
            // WHEN two good steps and the bad batch follow
            trainAndRecord(model, good, 2, again);
            assertThatThrownBy(() -> model.step(huge)).isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("training step 7");
            // THEN the model is back to the state after 5 updates, and says so
            assertThat(model.stepsTaken()).isEqualTo(5);
            assertThat(model.parameters()).usingRecursiveComparison().isEqualTo(again.get(5));
        }
    }

    @Test
    void repeated_divergences_with_many_good_steps_between_always_roll_back_one_step() {
        Dataset good = sine();
        Dataset huge = huge();
        try (Model model = rolling()) {
            List<List<Parameter>> after = new java.util.ArrayList<>();
            after.add(model.parameters());
            trainAndRecord(model, good, 5, after);
            // Gaps shorter and longer than the guard's checkpoint interval (32 updates).
            int[] gaps = {10, 3, 20, 41, 70};
            for (int round = 0; round < gaps.length; round++) {
                trainAndRecord(model, good, gaps[round], after);
                int updates = after.size() - 1;
                assertThatThrownBy(() -> model.step(huge)).as("round %d", round)
                        .isInstanceOf(TrainingDivergedException.class);
                assertThat(model.stepsTaken()).as("round %d", round).isEqualTo(updates - 1);
                assertThat(model.parameters()).as("round %d", round).usingRecursiveComparison()
                        .isEqualTo(after.get(updates - 1));
                after.remove(after.size() - 1);
            }
        }
    }

    @Test
    void a_minimizer_rolls_back_to_values_that_existed_even_when_another_minimizer_moved_them() {
        try (Autograd ag = Autograd.open(1)) {
            Var v = ag.variable("v", 0.5f);
            // a: v^4 (blows up for large v); b: pulls v towards 2; push: throws v far away in one step.
            Minimizer a = ag.minimize(v.square().square(), Optimizers.sgd(0.01));
            Minimizer b = ag.minimize(v.minus(2).square(), Optimizers.sgd(0.1));
            Minimizer push = ag.minimize(v.times(-1e10), Optimizers.sgd(1));
            float beforeLastA = Float.NaN;
            for (int i = 0; i < 2 * dev.netdsl.internal.Guard.EVERY + 5; i++) {
                beforeLastA = v.value()[0];
                a.step();
                b.step();
            }
            push.step();
            assertThat(v.value()[0]).isGreaterThan(1e9f);
            // a's loss is now (1e10)^4: infinite in float32
            assertThatThrownBy(a::step).isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("back to their values");
            // The values a's last finite loss was computed from, exactly: b's and push's later updates are undone too.
            assertThat(v.value()[0]).isEqualTo(beforeLastA);
            assertThat(a.step()).isFinite();
        }
    }
}
