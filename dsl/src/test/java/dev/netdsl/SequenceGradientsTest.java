package dev.netdsl;

import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.gru;
import static dev.netdsl.layers.Layers.layerNorm;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.lstm;
import static dev.netdsl.layers.Layers.multiheadAttention;
import static dev.netdsl.layers.Layers.positionalEmbedding;
import static dev.netdsl.layers.Layers.sequenceMean;
import static dev.netdsl.layers.Layers.sinusoidalEncoding;
import static dev.netdsl.layers.Layers.transformerEncoderLayer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netdsl.layers.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sequence layer's gradient, as one SGD step applies it ({@code (before - after) / lr}), against central
 * differences of the loss the model itself computes, for a few entries of every parameter (issue 26, item 5).
 * A float32 loss, so the step is 1e-2 and the tolerance 3% of the larger side plus 2e-3.
 */
class SequenceGradientsTest {
    static final int B = 3;
    static final int T = 5;
    static final int F = 4;
    static final double LR = 0.1;
    static final double EPS = 1e-2;

    static Stream<Arguments> nets() {
        return Stream.of(
                Arguments.of("lstm 2 layers bidirectional", List.of(lstm(F, 3).numLayers(2).bidirectional()), false),
                Arguments.of("lstm final state", List.of(lstm(F, 3).finalState()), false),
                Arguments.of("gru 2 layers bidirectional", List.of(gru(F, 3).numLayers(2).bidirectional()), false),
                Arguments.of("gru final state", List.of(gru(F, 3).bidirectional().finalState()), false),
                Arguments.of("layer norm", List.of(layerNorm(F)), false),
                Arguments.of("embedding, padding row, learned positions", List.of(embedding(7, F).paddingIdx(0),
                        positionalEmbedding(T, F)), true),
                Arguments.of("self-attention, padding mask", List.of(embedding(7, F), multiheadAttention(F, 2).paddingMask(0)), true),
                Arguments.of("self-attention, causal", List.of(embedding(7, F), multiheadAttention(F, 2).causal()), true),
                Arguments.of("encoder layer post-norm", List.of(embedding(7, F), sinusoidalEncoding(F),
                        transformerEncoderLayer(F, 2).dimFeedforward(6).dropout(0)), true),
                Arguments.of("encoder layer pre-norm, gelu, padding, mean", List.of(embedding(7, F),
                        transformerEncoderLayer(F, 2).dimFeedforward(6).dropout(0).gelu().normFirst().paddingMask(0),
                        sequenceMean().paddingMask(0), linear(F, 2)), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void one_sgd_step_moves_each_weight_by_lr_times_the_central_difference(String name, List<Layer> layers, boolean ids) {
        SplittableRandom r = new SplittableRandom(7);
        Net spec = ids ? Net.sequential(layers.toArray(Layer[]::new)).input(DType.INT32, T)
                : Net.sequential(layers.toArray(Layer[]::new)).input(T, F);
        Dataset data;
        try (Model probe = spec.mse().sgd(LR).seed(3).build()) {
            int[] out = probe.spec().outputShape();
            int outSize = 1;
            for (int d : out) {
                outSize *= d;
            }
            float[] y = new float[B * outSize];
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) r.nextGaussian();
            }
            if (ids) {
                int[] tokens = {3, 0, 6, 1, 0, 5, 5, 2, 2, 4, 0, 0, 1, 6, 3}; // padding (0) in the first and last rows
                data = Dataset.of(tokens, new int[] {T}, y, out);
            } else {
                float[] x = new float[B * T * F];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                data = Dataset.of(x, new int[] {T, F}, y, out);
            }
        }
        try (Model m = spec.mse().sgd(LR).seed(3).build()) {
            List<Parameter> start = m.parameters();
            List<double[]> numeric = new ArrayList<>();
            List<int[]> probed = new ArrayList<>();
            for (int k = 0; k < start.size(); k++) {
                Parameter p = start.get(k);
                // The padding row gets no gradient (PyTorch's padding_idx): probe the other rows, and check it below.
                int from = padded(name, p) ? F : 0;
                int[] at = r.ints(3, from, p.size()).toArray();
                double[] d = new double[at.length];
                for (int j = 0; j < at.length; j++) {
                    d[j] = (loss(m, start, k, at[j], EPS, data) - loss(m, start, k, at[j], -EPS, data)) / (2 * EPS);
                }
                probed.add(at);
                numeric.add(d);
            }
            m.setParameters(start);
            m.step(data);
            List<Parameter> after = m.parameters();
            int checked = 0;
            for (int k = 0; k < start.size(); k++) {
                Parameter p = start.get(k);
                for (int j = 0; j < probed.get(k).length; j++) {
                    int i = probed.get(k)[j];
                    double applied = (p.values()[i] - after.get(k).values()[i]) / LR;
                    double want = numeric.get(k)[j];
                    assertThat(Math.abs(applied - want)).as("%s: d loss / d %s[%d]: step %s, differences %s", name, p.name(), i,
                            applied, want).isLessThanOrEqualTo(2e-3 + 0.03 * Math.max(Math.abs(applied), Math.abs(want)));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(3 * start.size());
            for (int k = 0; k < start.size(); k++) {
                if (padded(name, start.get(k))) {
                    for (int i = 0; i < F; i++) {
                        assertThat(after.get(k).values()[i]).as("the padding row stays").isEqualTo(start.get(k).values()[i]);
                    }
                }
            }
        }
    }

    private static boolean padded(String name, Parameter p) {
        return name.contains("padding row") && p.name().equals("0.weight");
    }

    /** The model's loss with entry {@code i} of parameter {@code k} moved by {@code delta}. */
    private static double loss(Model m, List<Parameter> start, int k, int i, double delta, Dataset data) {
        List<Parameter> moved = new ArrayList<>(start);
        Parameter p = start.get(k);
        float[] v = p.values().clone();
        v[i] += (float) delta;
        moved.set(k, new Parameter(p.name(), p.shape(), v));
        m.setParameters(moved);
        return m.loss(data);
    }
}
