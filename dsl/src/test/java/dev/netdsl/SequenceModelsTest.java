package dev.netdsl;

import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.gru;
import static dev.netdsl.layers.Layers.layerNorm;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.lstm;
import static dev.netdsl.layers.Layers.positionalEmbedding;
import static dev.netdsl.layers.Layers.sinusoidalEncoding;
import static dev.netdsl.layers.Layers.transformerEncoderLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.autograd.Autograd;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole sequence nets (issue 26): saved and reopened, dropout only in training, positions, learning. */
class SequenceModelsTest {

    private static int[] ids(int n, int t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = new int[n * t];
        for (int i = 0; i < out.length; i++) {
            out[i] = 1 + r.nextInt(9);
        }
        out[0] = 0;
        return out;
    }

    @Test
    void a_net_of_every_sequence_layer_saves_reopens_and_predicts_the_same(@TempDir Path dir) {
        Net spec = Net.sequential(embedding(10, 8).paddingIdx(0), positionalEmbedding(6, 8), sinusoidalEncoding(8),
                transformerEncoderLayer(8, 2).dimFeedforward(16).paddingMask(0), layerNorm(8), gru(8, 6).bidirectional(),
                lstm(12, 5).numLayers(2).dropout(0.3).finalState(), linear(5, 3)).input(DType.INT32, 6).crossEntropy().adam(1e-2)
                .seed(2);
        int[] x = ids(4, 6, 1);
        Dataset data = Dataset.of(x, new int[] {6}, new int[] {0, 1, 2, 1});
        Tensor probe = Tensor.ofInts(x, 4, 6);
        float[] before;
        try (Model m = spec.build()) {
            m.fit(data, 3);
            before = m.predict(probe).values();
            // Dropout between the LSTM's layers and in the encoder is for training only: inference is deterministic.
            assertThat(m.predict(probe).values()).containsExactly(before);
            m.saveAll(dir.resolve("seq.netdsl"));
            m.save(dir.resolve("seq.safetensors")); // by PyTorch's names: what safetensors.torch.load_file reads
        }
        try (Model fresh = spec.seed(9).build()) {
            assertThat(fresh.predict(probe).values()).isNotEqualTo(before);
            fresh.load(dir.resolve("seq.safetensors"));
            assertThat(fresh.predict(probe).values()).containsExactly(before);
            assertThat(fresh.parameters()).extracting(Parameter::name).contains("0.weight", "1.weight",
                    "3.self_attn.in_proj_weight", "3.linear1.weight", "3.norm2.bias", "5.weight_hh_l0_reverse", "6.bias_ih_l1");
        }
        try (Model reopened = Model.open(dir.resolve("seq.netdsl"))) {
            assertThat(reopened.predict(probe).values()).containsExactly(before);
            assertThat(reopened.spec().toString()).contains("LSTM(12, 5, num_layers=2, batch_first=True, dropout=0.3)");
            reopened.fit(data, 1);
        }
    }

    @Test
    void sinusoidal_positions_are_the_tutorials_sines_and_cosines() {
        try (Model m = Net.sequential(sinusoidalEncoding(4)).input(3, 4).mse().sgd(0.1).build()) {
            float[] pe = m.predict(Tensor.of(new float[12], 1, 3, 4)).values();
            for (int pos = 0; pos < 3; pos++) {
                for (int i = 0; i < 4; i += 2) {
                    double angle = pos / Math.pow(10000, i / 4.0);
                    assertThat((double) pe[pos * 4 + i]).isCloseTo(Math.sin(angle), within(1e-6));
                    assertThat((double) pe[pos * 4 + i + 1]).isCloseTo(Math.cos(angle), within(1e-6));
                }
            }
        }
    }

    @Test
    void a_character_model_learns_to_continue_a_repeating_text() {
        // "abcd" repeated: the next character is always determined, so the loss must fall far.
        int t = 8;
        int[] text = new int[4 * 64 + 1];
        for (int i = 0; i < text.length; i++) {
            text[i] = i % 4;
        }
        int n = (text.length - 1) / t;
        int[] in = java.util.Arrays.copyOf(text, n * t);
        int[] next = java.util.Arrays.copyOfRange(text, 1, n * t + 1);
        // --- README example start ---
        Dataset data = Dataset.ofTokens(in, t).withLabels(next); // one label per position: the next character
        try (Model m = Net.sequential(embedding(4, 8), lstm(8, 16), linear(16, 4)).input(DType.INT32, t).crossEntropy().adam(0.05)
                .seed(3).build()) {
            // --- README example end ---
            float first = m.loss(data);
            m.fit(data, 30, 8);
            assertThat(m.loss(data)).isLessThan(first / 10);
            assertThat(m.evaluate(data).accuracy()).isGreaterThan(0.95);
        }
    }

    @Test
    void an_lstm_gradient_matches_central_differences() {
        // The unrolled recurrence's gradient, by autodiff and by differences, through the layer's own forward pass.
        try (Autograd ag = Autograd.open()) {
            var w = ag.variable("w", SequenceOpsTest.random(4 * 3 * 2, 9));
            var x = Expr.constant(SequenceOpsTest.random(2 * 3 * 2, 10), 2, 3, 2);
            SequenceOpsTest.checkGradient(ag, w, v -> {
                Expr pre = x.matmul(v.reshape(2, 12).narrow(-1, 0, 12).reshape(2, 12));
                Expr h = null;
                Expr c = null;
                for (int t = 0; t < 3; t++) {
                    Expr g = pre.select(1, t);
                    Expr i = g.narrow(-1, 0, 3).sigmoid();
                    Expr cell = g.narrow(-1, 6, 3).tanh();
                    c = c == null ? i.times(cell) : g.narrow(-1, 3, 3).sigmoid().times(c).plus(i.times(cell));
                    h = g.narrow(-1, 9, 3).sigmoid().times(c.tanh());
                }
                return h;
            }, 3e-2);
        }
    }

    @Test
    void an_lstm_fit_runs_step_by_step_because_its_recurrence_is_counted_as_work() {
        // The fused loop (XLA) ran the textgen LSTM's epoch 6x slower than steps did (4.2 s against 0.7 s): a
        // recurrence's weights are applied at every position, so they count T times toward the step's work.
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.netdsl.fit");
        java.util.List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                said.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Level before = log.getLevel();
        log.setLevel(java.util.logging.Level.ALL);
        log.addHandler(h);
        int t = 64;
        int[] ids = new int[64 * t];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 7;
        }
        try (Model m = Net.sequential(embedding(8, 32), lstm(32, 128), linear(128, 8)).input(DType.INT32, t).crossEntropy()
                .adam(1e-3).seed(1).build().progress(false)) {
            m.fit(Dataset.ofTokens(ids, t).withLabels(ids), 1, 32);
        } finally {
            log.removeHandler(h);
            log.setLevel(before);
        }
        assertThat(said).anyMatch(s -> s.startsWith("fit: step by step, because a step takes"));
    }
}
