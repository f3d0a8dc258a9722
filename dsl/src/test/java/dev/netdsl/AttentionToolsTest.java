package dev.netdsl;

import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.multiheadAttention;
import static dev.netdsl.layers.Layers.sequenceMean;
import static dev.netdsl.layers.Layers.transformerEncoderLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netdsl.layers.MultiheadAttention;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a Transformer classifier needs around its attention (issue 26): the attention weights PyTorch's
 * {@code need_weights=True} averages over heads, a masked mean over the sequence, and the layer view of a layer whose
 * parameters have dotted names ({@code self_attn.in_proj_weight}).
 */
class AttentionToolsTest {
    static final int B = 3;
    static final int T = 4;

    /** The weights PyTorch 1.13 gives for the same embedding and attention weights (sequence_fixtures.py). */
    @ParameterizedTest
    @ValueSource(strings = {"mha", "mha_pad", "mha_causal"})
    void average_weights_are_pytorchs(String name) throws Exception {
        JsonNode c = ReviewNumericsTest.read("/pytorch/seq/" + name + ".json");
        Path pth = Path.of(getClass().getResource("/pytorch/seq/" + name + ".pth").toURI());
        int[] tokens = ReviewNumericsTest.ints(c.get("x"));
        MultiheadAttention mha = multiheadAttention(8, 2);
        mha = name.endsWith("pad") ? mha.paddingMask(0) : name.endsWith("causal") ? mha.causal() : mha;
        try (Model m = Net.sequential(embedding(10, 8), mha.averageWeights()).input(DType.INT32, T).mse().sgd(0.1).build()) {
            m.load(pth);
            Tensor w = m.predict(Tensor.ofInts(tokens, B, T));
            assertThat(w.shape()).containsExactly(B, T, T);
            float[] got = w.values();
            float[] want = ReviewNumericsTest.floats(c.get("average_weights"));
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).as("%s weight %d", name, i).isCloseTo(want[i], within(1e-5f));
            }
            for (int row = 0; row < B * T; row++) {
                double sum = 0;
                for (int k = 0; k < T; k++) {
                    float v = got[row * T + k];
                    sum += v;
                    if (name.endsWith("pad") && tokens[(row / T) * T + k] == 0) {
                        assertThat(v).as("a padded key gets no weight").isZero();
                    }
                    if (name.endsWith("causal") && k > row % T) {
                        assertThat(v).as("a later key gets no weight").isZero();
                    }
                }
                assertThat(sum).as("row %d sums to 1", row).isCloseTo(1, within(1e-5));
            }
        }
    }

    @Test
    void average_weights_is_a_setting_that_survives_a_save(@TempDir Path dir) {
        Net spec = Net.sequential(embedding(10, 8), multiheadAttention(8, 2).paddingMask(0).averageWeights())
                .input(DType.INT32, T).mse().sgd(0.1).seed(3);
        Tensor ids = Tensor.ofInts(new int[] {3, 0, 9, 1, 5, 5, 1, 2, 7, 0, 0, 8}, B, T);
        try (Model m = spec.build()) {
            float[] before = m.predict(ids).values();
            m.saveAll(dir.resolve("w.netdsl"));
            try (Model back = Model.open(dir.resolve("w.netdsl"))) {
                assertThat(back.layer(1).layer().toString()).endsWith(".paddingMask(0).averageWeights()");
                assertThat(back.predict(ids).values()).containsExactly(before);
            }
        }
    }

    /** The mean over positions whose token is not padding, against the embedding rows averaged by hand. */
    @Test
    void sequence_mean_leaves_out_padding(@TempDir Path dir) {
        int[] tokens = {3, 0, 9, 1, 0, 0, 0, 0, 7, 7, 0, 2};
        Tensor ids = Tensor.ofInts(tokens, B, T);
        Net masked = Net.sequential(embedding(10, 4).paddingIdx(0), sequenceMean().paddingMask(0)).input(DType.INT32, T).mse()
                .sgd(0.1).seed(5);
        try (Model m = masked.build()) {
            float[] table = m.layer(0).parameter("weight").values();
            float[] got = m.predict(ids).values();
            assertThat(m.predict(ids).shape()).containsExactly(B, 4);
            for (int b = 0; b < B; b++) {
                for (int f = 0; f < 4; f++) {
                    double sum = 0;
                    int n = 0;
                    for (int t = 0; t < T; t++) {
                        int id = tokens[b * T + t];
                        if (id != 0) {
                            sum += table[id * 4 + f];
                            n++;
                        }
                    }
                    double want = n == 0 ? 0 : sum / n; // a sequence of padding only gives zeros
                    assertThat(got[b * 4 + f]).as("example %d feature %d", b, f).isCloseTo((float) want, within(1e-6f));
                }
            }
            m.saveAll(dir.resolve("mean.netdsl"));
            try (Model back = Model.open(dir.resolve("mean.netdsl"))) {
                assertThat(back.predict(ids).values()).containsExactly(got);
            }
        }
        try (Model plain = Net.sequential(embedding(10, 4), sequenceMean()).input(DType.INT32, T).mse().sgd(0.1).seed(5).build()) {
            float[] table = plain.layer(0).parameter("weight").values();
            float want = (table[3 * 4] + table[0] + table[9 * 4] + table[1 * 4]) / 4;
            assertThat(plain.predict(ids).values()[0]).isCloseTo(want, within(1e-6f));
        }
    }

    @Test
    void sequence_mean_with_a_padding_mask_needs_token_ids() {
        assertThatThrownBy(() -> sequenceMean().paddingMask(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 0");
        assertThatThrownBy(() -> Net.sequential(sequenceMean().paddingMask(0)).input(T, 3).mse().sgd(0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int token ids");
    }

    @Test
    void a_transformer_layers_view_lists_its_dotted_parameters() {
        try (Model m = Net.sequential(embedding(10, 8), transformerEncoderLayer(8, 2).dimFeedforward(16))
                .input(DType.INT32, T).mse().sgd(0.1).seed(1).build()) {
            LayerView v = m.layer(1);
            assertThat(v.parameters()).extracting(Parameter::name).contains("1.self_attn.in_proj_weight",
                    "1.self_attn.out_proj.weight", "1.linear1.weight", "1.norm2.bias");
            assertThat(v.parameters()).hasSize(m.parameters().size() - 1);
            assertThat(v.parameter("self_attn.in_proj_weight").shape()).isEqualTo(List.of(24, 8));
            assertThat(v.parameter("linear1.weight").shape()).isEqualTo(List.of(16, 8));
            assertThatThrownBy(() -> v.parameter("weight")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("self_attn.in_proj_weight");
            assertThat(m.layer(0).parameters()).extracting(Parameter::name).containsExactly("0.weight");
        }
    }
}
