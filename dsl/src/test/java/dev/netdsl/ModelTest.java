package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Linear;
import dev.netdsl.training.Optimizer;
import dev.netdsl.training.Optimizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Built models against the real TensorFlow runtime. */
class ModelTest {

    static java.util.stream.Stream<Activation> hiddenActivations() {
        return java.util.stream.Stream.of(Activation.RELU, Activation.TANH, Activation.SIGMOID);
    }

    private static Dataset randomData(int rows, int in, int out, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[rows][in];
        float[][] y = new float[rows][out];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < in; j++) {
                x[i][j] = (float) (r.nextDouble() * 4 - 2);
            }
            for (int j = 0; j < out; j++) {
                y[i][j] = (float) Math.sin(x[i][0] + j);
            }
        }
        return Dataset.of(x, y);
    }

    @ParameterizedTest
    @MethodSource("hiddenActivations")
    void gradients_of_the_compiled_net_match_central_finite_differences(Activation activation) {
        // GIVEN a small net and data
        Net spec = Net.of(2, 5, 4, 1).mse().sgd(1.0).seed(11);
        spec = activation == Activation.TANH ? spec.tanh() : activation == Activation.SIGMOID ? spec.sigmoid() : spec.relu();
        Dataset data = randomData(16, 2, 1, 5);
        try (Model model = spec.build()) {
            List<Parameter> before = model.parameters();
            // WHEN one SGD step with lr 1 runs, the change of every parameter is minus its gradient
            model.step(data);
            List<Parameter> after = model.parameters();
            model.setParameters(before);
            // THEN it agrees with central differences of the loss, computed in float32 by TensorFlow
            double eps = 2e-3;
            double base = model.loss(data);
            int kinks = 0;
            for (int p = 0; p < before.size(); p++) {
                float[] v0 = before.get(p).values();
                float[] v1 = after.get(p).values();
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < v0.length; i++) {
                    double analytic = v0[i] - v1[i];
                    double up = lossWith(model, before, p, i, eps, data);
                    double down = lossWith(model, before, p, i, -eps, data);
                    // A ReLU kink inside [-eps, eps] makes the two one-sided slopes disagree; central
                    // differences mean nothing there, so such elements are counted and skipped.
                    double right = (up - base) / eps;
                    double left = (base - down) / eps;
                    if (Math.abs(right - left) > 0.1 * Math.max(Math.abs(right), Math.abs(left)) + 1e-3) {
                        kinks++;
                        continue;
                    }
                    double numeric = (up - down) / (2 * eps);
                    diff += (analytic - numeric) * (analytic - numeric);
                    norm += analytic * analytic;
                }
                assertThat(Math.sqrt(diff / Math.max(norm, 1e-12)))
                        .as("relative gradient error of %s with %s", before.get(p).name(), activation)
                        .isLessThan(1e-2);
            }
            assertThat(kinks).as("elements skipped at ReLU kinks").isLessThanOrEqualTo(activation == Activation.RELU ? 3 : 0);
        }
    }

    private static double lossWith(Model model, List<Parameter> base, int p, int i, double delta, Dataset data) {
        List<Parameter> moved = new ArrayList<>(base);
        float[] v = base.get(p).values();
        v[i] += (float) delta;
        moved.set(p, new Parameter(base.get(p).name(), base.get(p).shape(), v));
        model.setParameters(moved);
        return model.loss(data);
    }

    /** Linear(1, 1) on three points, with the MSE gradient written out, to check update rules exactly. */
    private static double[] referenceRun(Function<double[], double[]> update, double w, double b, int steps) {
        double[] x = {1, 2, 3};
        double[] y = {2, 4, 7};
        double[] p = {w, b};
        for (int s = 0; s < steps; s++) {
            double gw = 0;
            double gb = 0;
            for (int i = 0; i < 3; i++) {
                double r = p[0] * x[i] + p[1] - y[i];
                gw += 2 * r * x[i] / 3;
                gb += 2 * r / 3;
            }
            double[] next = update.apply(new double[] {p[0], p[1], gw, gb});
            p = next;
        }
        return p;
    }

    private static double[] trainLinear(Net spec, int steps) {
        Dataset data = Dataset.of(new float[][] {{1}, {2}, {3}}, new float[][] {{2}, {4}, {7}});
        try (Model model = spec.build()) {
            model.setParameters(List.of(new Parameter("0.weight", List.of(1, 1), new float[] {0.5f}),
                    new Parameter("0.bias", List.of(1), new float[] {-0.25f})));
            model.fit(data, steps);
            List<Parameter> p = model.parameters();
            return new double[] {p.get(0).values()[0], p.get(1).values()[0]};
        }
    }

    @Test
    void sgd_with_momentum_follows_pytorchs_update_rule() {
        double lr = 0.02;
        double mu = 0.9;
        double[] buf = new double[2];
        double[] expected = referenceRun(s -> {
            buf[0] = mu * buf[0] + s[2];
            buf[1] = mu * buf[1] + s[3];
            return new double[] {s[0] - lr * buf[0], s[1] - lr * buf[1]};
        }, 0.5, -0.25, 5);

        double[] actual = trainLinear(Net.of(1, 1).mse().sgd(lr, mu), 5);

        assertThat(actual[0]).isCloseTo(expected[0], within(1e-5));
        assertThat(actual[1]).isCloseTo(expected[1], within(1e-5));
    }

    @Test
    void adam_follows_pytorchs_update_rule_with_bias_correction() {
        double lr = 0.1;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double[] m = new double[2];
        double[] v = new double[2];
        int[] t = {0};
        double[] expected = referenceRun(s -> {
            t[0]++;
            double[] out = new double[2];
            for (int k = 0; k < 2; k++) {
                double g = s[2 + k];
                m[k] = b1 * m[k] + (1 - b1) * g;
                v[k] = b2 * v[k] + (1 - b2) * g * g;
                double mHat = m[k] / (1 - Math.pow(b1, t[0]));
                double vHat = v[k] / (1 - Math.pow(b2, t[0]));
                out[k] = s[k] - lr * mHat / (Math.sqrt(vHat) + eps);
            }
            return out;
        }, 0.5, -0.25, 6);

        double[] actual = trainLinear(Net.of(1, 1).mse().adam(lr), 6);

        assertThat(actual[0]).isCloseTo(expected[0], within(1e-5));
        assertThat(actual[1]).isCloseTo(expected[1], within(1e-5));
    }

    @Test
    void rmsprop_adagrad_and_adadelta_follow_pytorchs_update_rules() {
        double[] v = new double[2];
        double[] rms = referenceRun(s -> {
            double[] out = new double[2];
            for (int k = 0; k < 2; k++) {
                v[k] = 0.99 * v[k] + 0.01 * s[2 + k] * s[2 + k];
                out[k] = s[k] - 0.01 * s[2 + k] / (Math.sqrt(v[k]) + 1e-8);
            }
            return out;
        }, 0.5, -0.25, 5);
        double[] sum = new double[2];
        double[] ada = referenceRun(s -> {
            double[] out = new double[2];
            for (int k = 0; k < 2; k++) {
                sum[k] += s[2 + k] * s[2 + k];
                out[k] = s[k] - 0.1 * s[2 + k] / (Math.sqrt(sum[k]) + 1e-10);
            }
            return out;
        }, 0.5, -0.25, 5);
        double[] sq = new double[2];
        double[] acc = new double[2];
        double[] delta = referenceRun(s -> {
            double[] out = new double[2];
            for (int k = 0; k < 2; k++) {
                double g = s[2 + k];
                sq[k] = 0.9 * sq[k] + 0.1 * g * g;
                double d = Math.sqrt(acc[k] + 1e-6) / Math.sqrt(sq[k] + 1e-6) * g;
                acc[k] = 0.9 * acc[k] + 0.1 * d * d;
                out[k] = s[k] - 1.0 * d;
            }
            return out;
        }, 0.5, -0.25, 5);

        assertThat(trainLinear(Net.of(1, 1).mse().optimizer(Optimizers.rmsprop(0.01)), 5)).containsExactly(rms, within(1e-5));
        assertThat(trainLinear(Net.of(1, 1).mse().optimizer(Optimizers.adagrad(0.1)), 5)).containsExactly(ada, within(1e-5));
        assertThat(trainLinear(Net.of(1, 1).mse().optimizer(Optimizers.adadelta()), 5)).containsExactly(delta, within(1e-5));
    }

    @Test
    void lists_parameters_with_pytorch_names_and_shapes() {
        try (Model model = Net.of(1, 20, 50, 20, 1).mse().sgd(0.05).seed(1).build()) {
            List<Parameter> params = model.parameters();

            assertThat(params).extracting(Parameter::toString).containsExactly(
                    "0.weight [20, 1]", "0.bias [20]", "2.weight [50, 20]", "2.bias [50]",
                    "4.weight [20, 50]", "4.bias [20]", "6.weight [1, 20]", "6.bias [1]");
            assertThat(params.get(0).numpyShape()).isEqualTo("(20, 1)");
            assertThat(params.get(1).numpyShape()).isEqualTo("(20,)");
        }
    }

    @Test
    void starts_from_pytorchs_uniform_init_bounds() {
        try (Model model = Net.of(4, 300, 1).mse().sgd(0.05).seed(2).build()) {
            float[] w = model.parameters().get(2).values();
            float bound = (float) (1 / Math.sqrt(300));

            assertThat(max(w)).isLessThanOrEqualTo(bound).isGreaterThan(bound * 0.9f);
        }
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    @Test
    void the_same_seed_gives_the_same_model_and_different_seeds_do_not() {
        Net spec = Net.of(1, 8, 1).mse().sgd(0.05);
        try (Model a = spec.seed(4).build(); Model b = spec.seed(4).build(); Model c = spec.seed(5).build()) {
            assertThat(a.parameters().get(0).values()).containsExactly(b.parameters().get(0).values());
            assertThat(a.parameters().get(0).values()).isNotEqualTo(c.parameters().get(0).values());
            assertThat(a.seed()).isEqualTo(4);
        }
    }

    @Test
    void mini_batch_fit_lowers_the_loss() {
        Dataset data = randomData(200, 1, 1, 9);
        try (Model model = Net.of(1, 16, 1).tanh().mse().adam(0.01).seed(3).build()) {
            float before = model.loss(data);

            History h = model.fit(data, 30, 32);

            assertThat(h.steps()).isEqualTo(30 * 7);
            assertThat(model.loss(data)).isLessThan(before * 0.5f);
            assertThat(model.stepsTaken()).isEqualTo(210);
        }
    }

    @Test
    void predict_after_close_throws_illegal_state() {
        Model model = Net.of(1, 4, 1).mse().sgd(0.1).build();
        model.close();
        model.close();

        assertThatThrownBy(() -> model.predict(new float[][] {{1}}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("can't predict with a closed Model");
    }

    @Test
    void predict_rejects_rows_of_the_wrong_width() {
        try (Model model = Net.of(2, 4, 1).mse().sgd(0.1).build()) {
            assertThatThrownBy(() -> model.predict(new float[][] {{1, 2}, {3}}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row 1 has 1 features but the net takes 2");
        }
    }

    @Test
    void fit_rejects_data_that_does_not_fit_the_net() {
        try (Model model = Net.of(2, 4, 1).mse().sgd(0.1).build()) {
            assertThatThrownBy(() -> model.fit(randomData(10, 3, 1, 1), 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3 features per row")
                    .hasMessageContaining("takes 2");
            assertThatThrownBy(() -> model.fit(randomData(10, 2, 1, 1), 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("steps 0 must be at least 1");
        }
    }

    @Test
    void fit_without_an_optimizer_says_which_one_to_add() {
        try (Model model = Net.of(1, 4, 1).mse().build()) {
            assertThatThrownBy(() -> model.fit(randomData(10, 1, 1, 1), 10))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has no optimizer");
        }
    }

    @Test
    void loading_parameters_of_another_architecture_lists_every_mismatch() {
        try (Model small = Net.of(1, 4, 1).mse().sgd(0.1).build();
             Model other = Net.of(1, 5, 1).mse().sgd(0.1).build()) {
            assertThatThrownBy(() -> small.setParameters(other.parameters()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0.weight has shape [5, 1] but this model's is [4, 1]")
                    .hasMessageContaining("2.weight has shape [1, 5] but this model's is [1, 4]");
        }
    }

    @Test
    void summary_lists_layers_output_shapes_and_parameter_counts() {
        try (Model model = Net.of(1, 20, 1).mse().sgd(0.05).build()) {
            String summary = model.summary();

            assertThat(summary).contains("Linear(in_features=1, out_features=20)").contains("[-1, 20]").contains("ReLU")
                    .contains("Total params: 61");
        }
    }

    @Test
    void a_truncated_or_foreign_weights_file_is_rejected_and_the_model_keeps_its_weights(@TempDir Path dir) throws Exception {
        try (Model model = Net.of(1, 4, 1).mse().sgd(0.1).seed(1).build()) {
            Path file = dir.resolve("w.bin");
            model.save(file);
            byte[] bytes = Files.readAllBytes(file);
            Path truncated = dir.resolve("truncated.bin");
            Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 5));
            Path foreign = dir.resolve("foreign.bin");
            Files.writeString(foreign, "this is not a weights file at all");
            float[] before = model.parameters().get(0).values();

            assertThatThrownBy(() -> model.load(truncated)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("truncated.bin").hasMessageContaining("truncated or corrupt");
            assertThatThrownBy(() -> model.load(foreign)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("foreign.bin").hasMessageContaining("neither a NetDSL weights file");
            assertThatThrownBy(() -> model.load(dir.resolve("missing.bin"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no such file");
            assertThat(model.parameters().get(0).values()).containsExactly(before);
            // The good file still loads, into a model that holds other weights.
            try (Model other = Net.of(1, 4, 1).mse().sgd(0.1).seed(2).build()) {
                assertThat(other.parameters().get(0).values()).isNotEqualTo(before);
                other.load(file);
                assertThat(other.parameters()).usingRecursiveComparison().isEqualTo(model.parameters());
            }
        }
    }

    @Test
    void cross_entropy_reaches_full_accuracy_on_a_tiny_separable_set() {
        // Three well separated clusters in 2-D, 20 points each.
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[60 * 2];
        int[] labels = new int[60];
        float[][] centres = {{-3, 0}, {3, 0}, {0, 4}};
        for (int i = 0; i < 60; i++) {
            labels[i] = i % 3;
            x[2 * i] = centres[i % 3][0] + (float) (r.nextDouble() - 0.5);
            x[2 * i + 1] = centres[i % 3][1] + (float) (r.nextDouble() - 0.5);
        }
        Dataset data = Dataset.of(x, 2, labels);
        try (Model model = Net.of(2, 16, 3).relu().crossEntropy().sgd(0.1).seed(5).build()) {
            Evaluation before = model.evaluate(data);

            model.fit(data, 20, 10);
            Evaluation after = model.evaluate(data);

            assertThat(after.accuracy()).isEqualTo(1.0);
            assertThat(after.correct()).isEqualTo(60);
            assertThat(after.loss()).isLessThan(before.loss()).isLessThan(0.2);
            assertThat(after.loss()).isCloseTo(model.loss(data), within(1e-5));
        }
    }

    @Test
    void cross_entropy_rejects_labels_outside_the_classes() {
        try (Model model = Net.of(2, 4, 3).crossEntropy().sgd(0.1).build()) {
            Dataset bad = Dataset.of(new float[] {0, 1, 1, 0}, 2, new int[] {0, 3});

            assertThatThrownBy(() -> model.fit(bad, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("label 3 is out of range for 3 classes")
                    .hasMessageContaining("labels must be 0..2");
        }
    }

    @Test
    void bce_with_logits_takes_pytorchs_first_step_from_zero_weights() {
        // Logistic regression from zeros, the textbook start: z = 0, so d loss / dz = sigmoid(0) - y = 0.5 for y = 0.
        try (Model model = Net.of(1, 1).bceWithLogits().sgd(1).build()) {
            model.setParameters(List.of(new Parameter("0.weight", List.of(1, 1), new float[] {0f}),
                    new Parameter("0.bias", List.of(1), new float[] {0f})));
            model.step(Dataset.of(new float[][] {{1f}}, new float[][] {{0f}}));
            assertThat(model.parameters().get(0).values()).containsExactly(-0.5f);
            assertThat(model.parameters().get(1).values()).containsExactly(-0.5f);
        }
    }

    /** One parameter, loss 0.5 * (w - 1)^2 * scale through Linear(1,1) without bias effect: gradients ~1e-4. */
    private static double[] trainTiny(Optimizer optimizer, int steps) {
        // x = 1e-2, y = 0: gradient of mean((w x + b)^2) w.r.t. w is 2 (w x + b) x, tiny for small x.
        Dataset data = Dataset.of(new float[][] {{1e-2f}}, new float[][] {{0f}});
        try (Model model = Net.of(1, 1).mse().optimizer(optimizer).build()) {
            model.setParameters(List.of(new Parameter("0.weight", List.of(1, 1), new float[] {0.5f}),
                    new Parameter("0.bias", List.of(1), new float[] {0.01f})));
            model.fit(data, steps);
            List<Parameter> p = model.parameters();
            return new double[] {p.get(0).values()[0], p.get(1).values()[0]};
        }
    }

    /** PyTorch's rules on the same problem, in double precision: s = {w, b}. */
    private static double[] referenceTiny(Function<double[], double[]> update, int steps) {
        double[] p = {0.5, 0.01};
        for (int s = 0; s < steps; s++) {
            double r = p[0] * 1e-2 + p[1];
            p = update.apply(new double[] {p[0], p[1], 2 * r * 1e-2, 2 * r});
        }
        return p;
    }

    @Test
    void epsilon_sits_where_pytorch_puts_it_in_every_adaptive_optimizer() {
        // Large eps (0.1) next to gradients of 1e-4..1e-2: inside vs outside the square root, or TensorFlow's
        // placement for Adam, changes the result by far more than the tolerance.
        double eps = 0.1;
        double[] sq = new double[2];
        double[] rms = referenceTiny(s -> {
            double[] out = new double[2];
            for (int k = 0; k < 2; k++) {
                sq[k] = 0.9 * sq[k] + 0.1 * s[2 + k] * s[2 + k];
                out[k] = s[k] - 0.5 * s[2 + k] / (Math.sqrt(sq[k]) + eps);
            }
            return out;
        }, 4);
        double[] sum = new double[2];
        double[] ada = referenceTiny(s -> {
            double[] out = new double[2];
            for (int k = 0; k < 2; k++) {
                sum[k] += s[2 + k] * s[2 + k];
                out[k] = s[k] - 0.5 * s[2 + k] / (Math.sqrt(sum[k]) + eps);
            }
            return out;
        }, 4);
        double[] m = new double[2];
        double[] v = new double[2];
        int[] t = {0};
        double[] adam = referenceTiny(s -> {
            t[0]++;
            double[] out = new double[2];
            for (int k = 0; k < 2; k++) {
                double g = s[2 + k];
                m[k] = 0.9 * m[k] + 0.1 * g;
                v[k] = 0.999 * v[k] + 0.001 * g * g;
                double denom = Math.sqrt(v[k]) / Math.sqrt(1 - Math.pow(0.999, t[0])) + eps;
                out[k] = s[k] - 0.5 / (1 - Math.pow(0.9, t[0])) * m[k] / denom;
            }
            return out;
        }, 4);
        double[] sa = new double[2];
        double[] acc = new double[2];
        double[] delta = referenceTiny(s -> {
            double[] out = new double[2];
            for (int k = 0; k < 2; k++) {
                double g = s[2 + k];
                sa[k] = 0.9 * sa[k] + 0.1 * g * g;
                double d = Math.sqrt(acc[k] + eps) / Math.sqrt(sa[k] + eps) * g;
                acc[k] = 0.9 * acc[k] + 0.1 * d * d;
                out[k] = s[k] - 1.0 * d;
            }
            return out;
        }, 4);

        assertThat(trainTiny(Optimizers.rmsprop(0.5, 0.9, eps), 4)).containsExactly(rms, within(1e-6));
        assertThat(trainTiny(Optimizers.adagrad(0.5, eps), 4)).containsExactly(ada, within(1e-6));
        assertThat(trainTiny(Optimizers.adam(0.5, 0.9, 0.999, eps), 4)).containsExactly(adam, within(1e-6));
        assertThat(trainTiny(Optimizers.adadelta(1.0, 0.9, eps), 4)).containsExactly(delta, within(1e-6));
    }

    @Test
    void training_calls_from_several_threads_take_turns() throws Exception {
        // SGD on one fixed batch: the result of 4 x 25 steps does not depend on their order, only on each step
        // seeing the weights the previous one left. Interleaved steps would lose or double updates.
        Dataset data = randomData(64, 3, 2, 9);
        Net spec = Net.of(3, 16, 2).tanh().mse().sgd(0.05).seed(8);
        float[][] probe = data.x();
        float[][] serial;
        try (Model model = spec.build()) {
            for (int i = 0; i < 100; i++) {
                model.step(data);
            }
            serial = model.predict(probe);
        }
        try (Model model = spec.build()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            List<java.util.concurrent.Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        model.step(data);
                    }
                }));
            }
            for (int t = 0; t < 2; t++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        assertThat(model.predict(probe)).hasNumberOfRows(64);
                    }
                }));
            }
            for (var f : work) {
                f.get();
            }
            pool.shutdown();
            assertThat(model.stepsTaken()).isEqualTo(100);
            assertThat(model.predict(probe)).isDeepEqualTo(serial);
        }
    }
}
