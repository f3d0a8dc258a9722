package dev.netdsl;

import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.gru;
import static dev.netdsl.layers.Layers.layerNorm;
import static dev.netdsl.layers.Layers.lstm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netdsl.layers.GRU;
import dev.netdsl.layers.LSTM;
import dev.netdsl.layers.Layer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sequence layers with weights PyTorch 1.13 wrote (issue 26): the same outputs within 1e-5, and after one SGD
 * step (lr 0.1) on the MSE to a random target, the same weights within 1e-5 (src/test/python/sequence_fixtures.py
 * wrote {@code pytorch/seq/}).
 */
class SequenceLayersTest {
    static final int B = 3;
    static final int T = 4;
    static final int F = 3;
    static final int H = 5;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of("embedding_pad0", embedding(10, 4).paddingIdx(0)));
        out.add(Arguments.of("layernorm", layerNorm(F)));
        for (int layers = 1; layers <= 2; layers++) {
            for (boolean bi : new boolean[] {false, true}) {
                String tag = "_l" + layers + (bi ? "_bi" : "");
                LSTM l = lstm(F, H).numLayers(layers);
                GRU g = gru(F, H).numLayers(layers);
                if (bi) {
                    l = l.bidirectional();
                    g = g.bidirectional();
                }
                out.add(Arguments.of("lstm" + tag + "_seq", l));
                out.add(Arguments.of("lstm" + tag + "_final", l.finalState()));
                out.add(Arguments.of("gru" + tag + "_seq", g));
                out.add(Arguments.of("gru" + tag + "_final", g.finalState()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pytorchs_weights_give_pytorchs_outputs_and_one_sgd_step_gives_its_weights(String name, Layer layer) throws Exception {
        JsonNode c = ReviewNumericsTest.read("/pytorch/seq/" + name + ".json");
        Path pth = Path.of(getClass().getResource("/pytorch/seq/" + name + ".pth").toURI());
        boolean ids = name.startsWith("embedding");
        int[] xShape = ReviewNumericsTest.ints(c.get("x_shape"));
        int[] yShape = ReviewNumericsTest.ints(c.get("y_shape"));
        int[] example = java.util.Arrays.copyOfRange(xShape, 1, xShape.length);
        int[] target = java.util.Arrays.copyOfRange(yShape, 1, yShape.length);
        Net spec = ids ? Net.sequential(layer).input(DType.INT32, example) : Net.sequential(layer).input(example);
        float[] y = ReviewNumericsTest.floats(c.get("target"));
        Dataset data;
        Tensor x;
        if (ids) {
            int[] tokens = ReviewNumericsTest.ints(c.get("x"));
            data = Dataset.of(tokens, example, y, target);
            x = Tensor.ofInts(tokens, xShape);
        } else {
            float[] values = ReviewNumericsTest.floats(c.get("x"));
            data = Dataset.of(values, example, y, target);
            x = Tensor.of(values, xShape);
        }
        try (Model m = spec.mse().sgd(0.1).seed(1).build()) {
            m.load(pth);
            Tensor out = m.predict(x);
            assertThat(out.shape()).containsExactly(yShape);
            float[] want = ReviewNumericsTest.floats(c.get("y"));
            for (int i = 0; i < want.length; i++) {
                assertThat(out.values()[i]).as("%s output %d", name, i).isCloseTo(want[i], within(1e-5f));
            }
            float loss = m.step(data);
            assertThat(loss).as(name + " loss").isCloseTo((float) c.get("loss").doubleValue(), within(1e-5f));
            JsonNode after = c.get("after");
            List<Parameter> all = new ArrayList<>(m.parameters());
            all.addAll(m.buffers());
            assertThat(all).extracting(Parameter::name).containsExactlyInAnyOrderElementsOf(() -> after.fieldNames());
            for (Parameter p : all) {
                assertThat(p.shape()).as(p.name()).containsExactly(java.util.Arrays.stream(
                        ReviewNumericsTest.ints(after.get(p.name()).get("shape"))).boxed().toArray(Integer[]::new));
            }
            assertStepped(name, all, after);
        }
    }

    /** Embedding -> LSTM -> Linear per position, trained on the next token with cross-entropy (padding ignored or not). */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"lm", "lm_ignore0"})
    void a_language_model_gives_pytorchs_logits_loss_and_stepped_weights(String name) throws Exception {
        JsonNode c = ReviewNumericsTest.read("/pytorch/seq/" + name + ".json");
        Path pth = Path.of(getClass().getResource("/pytorch/seq/" + name + ".pth").toURI());
        int[] tokens = ReviewNumericsTest.ints(c.get("x"));
        Dataset data = Dataset.ofTokens(tokens, T).withLabels(ReviewNumericsTest.ints(c.get("labels")));
        dev.netdsl.training.Loss loss = name.endsWith("ignore0") ? dev.netdsl.training.Losses.crossEntropy().ignoreIndex(0)
                : dev.netdsl.training.Losses.crossEntropy();
        try (Model m = Net.sequential(embedding(10, 4), lstm(4, 6), dev.netdsl.layers.Layers.linear(6, 10))
                .input(DType.INT32, T).loss(loss).sgd(0.1).seed(1).build()) {
            m.load(pth);
            float[] logits = m.predict(Tensor.ofInts(tokens, B, T)).values();
            float[] want = ReviewNumericsTest.floats(c.get("y"));
            for (int i = 0; i < want.length; i++) {
                assertThat(logits[i]).as("%s logit %d", name, i).isCloseTo(want[i], within(1e-5f));
            }
            assertThat(m.loss(data)).isCloseTo((float) c.get("loss").doubleValue(), within(1e-5f));
            assertThat(m.step(data)).isCloseTo((float) c.get("loss").doubleValue(), within(1e-5f));
            JsonNode after = c.get("after");
            assertStepped(name, m.parameters(), after);
            Evaluation ev = m.evaluate(data);
            assertThat(ev.total()).isEqualTo(B * T); // every position is an answer
        }
    }

    static Stream<Arguments> attention() {
        return Stream.of(Arguments.of("mha", dev.netdsl.layers.Layers.multiheadAttention(8, 2)),
                Arguments.of("mha_pad", dev.netdsl.layers.Layers.multiheadAttention(8, 2).paddingMask(0)),
                Arguments.of("mha_causal", dev.netdsl.layers.Layers.multiheadAttention(8, 2).causal()),
                Arguments.of("tel_post", dev.netdsl.layers.Layers.transformerEncoderLayer(8, 2).dimFeedforward(16).dropout(0)),
                Arguments.of("tel_pre_gelu_pad", dev.netdsl.layers.Layers.transformerEncoderLayer(8, 2).dimFeedforward(16).dropout(0)
                        .gelu().normFirst().paddingMask(0)));
    }

    /** An embedding, then self-attention or a Transformer encoder layer, masks from the token ids as PyTorch's. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("attention")
    void attention_gives_pytorchs_outputs_and_stepped_weights(String name, Layer layer) throws Exception {
        JsonNode c = ReviewNumericsTest.read("/pytorch/seq/" + name + ".json");
        Path pth = Path.of(getClass().getResource("/pytorch/seq/" + name + ".pth").toURI());
        int[] tokens = ReviewNumericsTest.ints(c.get("x"));
        float[] y = ReviewNumericsTest.floats(c.get("target"));
        Dataset data = Dataset.of(tokens, new int[] {T}, y, T, 8);
        try (Model m = Net.sequential(embedding(10, 8), layer).input(DType.INT32, T).mse().sgd(0.1).seed(1).build()) {
            m.load(pth);
            float[] out = m.predict(Tensor.ofInts(tokens, B, T)).values();
            float[] want = ReviewNumericsTest.floats(c.get("y"));
            for (int i = 0; i < want.length; i++) {
                assertThat(out[i]).as("%s output %d", name, i).isCloseTo(want[i], within(1e-5f));
            }
            assertThat(m.step(data)).isCloseTo((float) c.get("loss").doubleValue(), within(1e-5f));
            JsonNode after = c.get("after");
            assertThat(m.parameters()).extracting(Parameter::name).containsExactlyInAnyOrderElementsOf(() -> after.fieldNames());
            assertStepped(name, m.parameters(), after);
        }
    }

    /** Each tensor's values within 1e-5 of PyTorch's after its SGD step ({@code after}: name to shape and values). */
    static void assertStepped(String name, List<Parameter> tensors, JsonNode after) {
        for (Parameter p : tensors) {
            float[] stepped = ReviewNumericsTest.floats(after.get(p.name()).get("values"));
            for (int i = 0; i < stepped.length; i++) {
                assertThat(p.values()[i]).as("%s %s[%d] after a step", name, p.name(), i).isCloseTo(stepped[i], within(1e-5f));
            }
        }
    }
}
