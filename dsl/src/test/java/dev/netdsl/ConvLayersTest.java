package dev.netdsl;

import static dev.netdsl.layers.Layers.avgPool2d;
import static dev.netdsl.layers.Layers.batchNorm1d;
import static dev.netdsl.layers.Layers.batchNorm2d;
import static dev.netdsl.layers.Layers.conv2d;
import static dev.netdsl.layers.Layers.dropout;
import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.maxPool2d;
import static dev.netdsl.layers.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Convolutions, pooling, dropout and batch norm with PyTorch's semantics, checked against formulas. */
class ConvLayersTest {

    static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** PyTorch's conv2d written out: x [N, C, H, W], w [O, C, kH, kW], bias [O], stride s, padding p. */
    static float[] referenceConv(float[] x, int n, int c, int h, int w, float[] k, int o, int kh, int kw, float[] bias, int s, int p) {
        int oh = (h + 2 * p - kh) / s + 1;
        int ow = (w + 2 * p - kw) / s + 1;
        float[] out = new float[n * o * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int f = 0; f < o; f++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = bias[f];
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int y = i * s - p + u;
                                    int z = j * s - p + v;
                                    if (y >= 0 && y < h && z >= 0 && z < w) {
                                        sum += x[((b * c + ch) * h + y) * w + z] * k[((f * c + ch) * kh + u) * kw + v];
                                    }
                                }
                            }
                        }
                        out[((b * o + f) * oh + i) * ow + j] = (float) sum;
                    }
                }
            }
        }
        return out;
    }

    static Stream<Arguments> convolutions() {
        // kernel, stride, padding: VALID, SAME (odd kernel, stride 1) and explicit padding with stride 2
        return Stream.of(Arguments.of(3, 1, 0), Arguments.of(3, 1, 1), Arguments.of(3, 2, 1), Arguments.of(2, 2, 0),
                Arguments.of(5, 1, 2), Arguments.of(4, 3, 2));
    }

    @ParameterizedTest(name = "kernel {0}, stride {1}, padding {2}")
    @MethodSource("convolutions")
    void conv2d_computes_pytorchs_convolution_in_pytorchs_layouts(int kernel, int stride, int padding) {
        int n = 2;
        int c = 3;
        int h = 7;
        int w = 6;
        int o = 4;
        float[] x = gaussian(n * c * h * w, 1);
        try (Model m = Net.sequential(conv2d(c, o, kernel, stride, padding)).input(c, h, w).mse().sgd(0.1).seed(5).build()) {
            float[] weight = m.parameters().get(0).values();
            float[] bias = m.parameters().get(1).values();
            assertThat(m.parameters().get(0).shape()).containsExactly(o, c, kernel, kernel);
            Tensor out = m.predict(Tensor.of(x, n, c, h, w));
            int oh = (h + 2 * padding - kernel) / stride + 1;
            int ow = (w + 2 * padding - kernel) / stride + 1;
            assertThat(out.shape()).containsExactly(n, o, oh, ow);
            assertThat(m.spec().outputShape()).containsExactly(o, oh, ow);
            assertThat(out.values()).containsExactly(referenceConv(x, n, c, h, w, weight, o, kernel, kernel, bias, stride, padding),
                    within(1e-5f));
        }
    }

    @Test
    void conv2d_starts_from_pytorchs_default_bounds() {
        try (Model m = Net.sequential(conv2d(8, 16, 3)).input(8, 10, 10).mse().sgd(0.1).seed(2).build()) {
            double bound = 1 / Math.sqrt(8 * 9);
            for (Parameter p : m.parameters()) {
                for (float v : p.values()) {
                    assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
                }
            }
            float[] w = m.parameters().get(0).values();
            double max = 0;
            for (float v : w) {
                max = Math.max(max, Math.abs(v));
            }
            assertThat(max).as("the weights use the whole range").isGreaterThan(0.9 * bound);
        }
    }

    @Test
    void pooling_takes_the_max_or_mean_of_each_window_per_channel() {
        float[] x = new float[2 * 4 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 7) % 11 - 5;
        }
        try (Model max = Net.sequential(maxPool2d(2)).input(2, 4, 4).mse().sgd(0.1).build();
             Model avg = Net.sequential(avgPool2d(3, 1)).input(2, 4, 4).mse().sgd(0.1).build()) {
            Tensor m = max.predict(Tensor.of(x, 1, 2, 4, 4));
            Tensor a = avg.predict(Tensor.of(x, 1, 2, 4, 4));
            assertThat(m.shape()).containsExactly(1, 2, 2, 2);
            assertThat(a.shape()).containsExactly(1, 2, 2, 2);
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        float best = -Float.MAX_VALUE;
                        double sum = 0;
                        for (int u = 0; u < 2; u++) {
                            for (int v = 0; v < 2; v++) {
                                best = Math.max(best, x[(c * 4 + 2 * i + u) * 4 + 2 * j + v]);
                            }
                        }
                        for (int u = 0; u < 3; u++) {
                            for (int v = 0; v < 3; v++) {
                                sum += x[(c * 4 + i + u) * 4 + j + v];
                            }
                        }
                        assertThat(m.get(0, c, i, j)).isEqualTo(best);
                        assertThat(a.get(0, c, i, j)).isCloseTo((float) (sum / 9), within(1e-5f));
                    }
                }
            }
        }
    }

    static Stream<Arguments> gradientNets() {
        return Stream.of(
                Arguments.of("conv", Net.sequential(conv2d(2, 3, 3, 2, 1), flatten(), linear(3 * 3 * 3, 2)).input(2, 5, 5)),
                Arguments.of("conv+maxpool", Net.sequential(conv2d(2, 3, 2), maxPool2d(2), flatten(), linear(3 * 2 * 2, 2))
                        .input(2, 5, 5)),
                Arguments.of("avgpool", Net.sequential(conv2d(2, 2, 1), avgPool2d(2, 1), flatten(), linear(2 * 4 * 4, 2))
                        .input(2, 5, 5)),
                Arguments.of("batchnorm2d", Net.sequential(conv2d(2, 3, 3), batchNorm2d(3), flatten(), linear(3 * 3 * 3, 2))
                        .input(2, 5, 5)),
                Arguments.of("batchnorm1d", Net.sequential(flatten(), linear(50, 4), batchNorm1d(4), linear(4, 2)).input(2, 5, 5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradientNets")
    void every_layer_has_the_gradient_of_central_differences(String name, Net net) {
        Dataset data = Dataset.of(gaussian(6 * 50, 3), new int[] {2, 5, 5}, gaussian(12, 4), 2);
        try (Model m = net.mse().sgd(1.0).seed(7).build();
             Model probe = net.mse().sgd(1e-30).seed(7).build()) {
            List<Parameter> before = m.parameters();
            m.step(data);
            List<Parameter> after = m.parameters();
            m.setParameters(before);
            double eps = 3e-3;
            for (int p = 0; p < before.size(); p++) {
                float[] v0 = before.get(p).values();
                float[] v1 = after.get(p).values();
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < v0.length; i++) {
                    double analytic = v0[i] - v1[i];
                    double numeric = (trainLoss(probe, before, p, i, eps, data) - trainLoss(probe, before, p, i, -eps, data))
                            / (2 * eps);
                    diff += (analytic - numeric) * (analytic - numeric);
                    norm += analytic * analytic + numeric * numeric;
                }
                // A bias right before batch norm has a zero gradient (the normalisation removes any shift): there the
                // error is compared with an absolute floor, elsewhere with the gradient's size.
                assertThat(Math.sqrt(diff)).as("%s: gradient error of %s (norm %s)", name, before.get(p).name(), Math.sqrt(norm))
                        .isLessThan(2e-2 * Math.sqrt(norm) + 2e-4 * Math.sqrt(v0.length));
            }
        }
    }

    /**
     * The training pass's loss with one parameter moved: a step with a learning rate of 1e-30 reports it and
     * changes nothing (batch norm in training normalises with the batch's statistics, as the step does).
     */
    private static double trainLoss(Model probe, List<Parameter> base, int p, int i, double delta, Dataset data) {
        List<Parameter> moved = new ArrayList<>(base);
        float[] v = base.get(p).values();
        v[i] += (float) delta;
        moved.set(p, new Parameter(base.get(p).name(), base.get(p).shape(), v));
        probe.setParameters(moved);
        return probe.step(data);
    }

    @Test
    void dropout_zeroes_a_share_p_scales_the_rest_and_is_absent_in_inference() {
        float[] ones = new float[200 * 50];
        java.util.Arrays.fill(ones, 1f);
        Dataset data = Dataset.of(ones, new int[] {50}, new float[200 * 50], 50);
        Net spec = Net.sequential(dropout(0.25)).input(50).mse().sgd(0.1).seed(9);
        try (Model a = spec.build(); Model b = spec.build()) {
            // Inference: the identity.
            assertThat(a.predict(data.x())).isDeepEqualTo(data.x());
            // Training: MSE against zeros of the dropped-out ones = mean of squares = share kept * (1/(1-p))^2.
            float loss = a.step(data);
            double kept = loss / Math.pow(1 / 0.75, 2);
            assertThat(kept).isCloseTo(0.75, within(0.02));
            // The mask is the same for the same seed and step, and differs from step to step.
            assertThat(b.step(data)).isEqualTo(loss);
            assertThat(a.step(data)).isNotEqualTo(loss);
        }
        assertThatThrownBy(() -> dropout(1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1)");
    }

    @Test
    void batch_norm_updates_its_running_statistics_by_pytorchs_formula_and_uses_them_in_inference(@TempDir Path dir) {
        // [N, C, H, W] = [4, 2, 3, 3]; channel c holds values around 3c + 1.
        int n = 4;
        float[] x = gaussian(n * 2 * 9, 11);
        for (int i = 0; i < x.length; i++) {
            x[i] += 3 * ((i / 9) % 2) + 1;
        }
        Dataset data = Dataset.of(x, new int[] {2, 3, 3}, new float[n * 18], 2, 3, 3);
        double[] rm = {0, 0};
        double[] rv = {1, 1};
        try (Model m = Net.sequential(batchNorm2d(2)).input(2, 3, 3).mse().sgd(1e-9).seed(1).build()) {
            assertThat(m.buffers()).extracting(Parameter::toString)
                    .containsExactly("0.running_mean [2]", "0.running_var [2]", "0.num_batches_tracked []");
            for (int step = 0; step < 3; step++) {
                m.step(data);
                for (int c = 0; c < 2; c++) {
                    double sum = 0;
                    double sq = 0;
                    for (int b = 0; b < n; b++) {
                        for (int k = 0; k < 9; k++) {
                            double v = x[(b * 2 + c) * 9 + k];
                            sum += v;
                            sq += v * v;
                        }
                    }
                    double mean = sum / (n * 9);
                    double unbiased = (sq - n * 9 * mean * mean) / (n * 9 - 1);
                    rm[c] = 0.9 * rm[c] + 0.1 * mean;
                    rv[c] = 0.9 * rv[c] + 0.1 * unbiased;
                }
            }
            List<Parameter> buffers = m.buffers();
            assertThat(buffers.get(0).values()).containsExactly(new float[] {(float) rm[0], (float) rm[1]}, within(1e-5f));
            assertThat(buffers.get(1).values()).containsExactly(new float[] {(float) rv[0], (float) rv[1]}, within(1e-4f));
            assertThat(buffers.get(2).values()).containsExactly(3f);
            // Inference normalises with the running statistics (weight 1, bias ~0 after tiny steps).
            Tensor y = m.predict(Tensor.of(x, n, 2, 3, 3));
            float w0 = m.parameters().get(0).values()[0];
            float b0 = m.parameters().get(1).values()[0];
            assertThat(y.get(1, 0, 2, 1)).isCloseTo((float) ((x[(2) * 9 + 7] - rm[0]) / Math.sqrt(rv[0] + 1e-5) * w0 + b0),
                    within(1e-4f));
            // The statistics are saved and come back with the model.
            m.saveAll(dir.resolve("bn"));
            try (Model again = Model.open(dir.resolve("bn"))) {
                assertThat(again.buffers()).usingRecursiveComparison().isEqualTo(buffers);
                assertThat(again.predict(Tensor.of(x, n, 2, 3, 3))).isEqualTo(y);
            }
        }
    }

    @Test
    void the_design_cnn_builds_trains_and_names_what_does_not_fit() {
        Net cnn = Net.sequential(
                conv2d(1, 32, 3), batchNorm2d(32), relu(), maxPool2d(2),
                conv2d(32, 64, 3), batchNorm2d(64), relu(), maxPool2d(2),
                flatten(), linear(64 * 5 * 5, 128), relu(), dropout(0.25), linear(128, 10))
                .input(1, 28, 28).crossEntropy().adam(1e-3).seed(1);
        assertThat(cnn.outputShape()).containsExactly(10);
        assertThat(cnn.parameterCount()).isEqualTo(320 + 64 + 18496 + 128 + 1600 * 128 + 128 + 1290);
        int n = 16;
        float[] pixels = gaussian(n * 784, 5);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        Dataset images = Dataset.of(pixels, labels, 1, 28, 28);
        try (Model m = cnn.build()) {
            float first = m.step(images);
            for (int i = 0; i < 30; i++) {
                m.step(images);
            }
            assertThat(m.loss(images)).isLessThan(first);
            assertThat(m.evaluate(images).accuracy()).isGreaterThan(0.5);
        }
        // 24x24 images give 64 x 4 x 4 features, not the 64 x 5 x 5 of 28x28 ones.
        assertThatThrownBy(() -> Net.sequential(conv2d(1, 32, 3), maxPool2d(2), conv2d(32, 64, 3), maxPool2d(2), flatten(),
                linear(1600, 10)).input(1, 24, 24)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 5 '5' Linear(in_features=1600, out_features=10) expects 1600 inputs but layer 4 '4'"
                        + " gives 1024 (flattened from 64 x 4 x 4)");
        assertThatThrownBy(() -> Net.sequential(conv2d(3, 8, 3)).input(1, 28, 28)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expects examples of 3 channels");
    }
}
