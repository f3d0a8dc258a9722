package dev.netdsl;

import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.gru;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.lstm;
import static dev.netdsl.layers.Layers.sequenceMean;
import static dev.netdsl.layers.Layers.sinusoidalEncoding;
import static dev.netdsl.layers.Layers.transformerEncoderLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sequence examples' nets (issue 26), exported as SavedModels, load in TensorFlow's own loader in a fresh JVM
 * (int32 token ids or float sequences in) and predict what the model predicts.
 */
class SequenceExportTest {
    static final int[] IDS = {5, 9, 2, 0, 0, 0, 3, 3, 8, 1, 7, 0, 4, 6, 2, 9, 1, 5};

    private static void exportsTheSame(Model m, Path dir, Tensor x, String type, String[] values) throws Exception {
        m.exportSavedModel(dir);
        float[] want = m.predict(x).values();
        float[] got = ExportTest.runExport(dir, "x", "y", type, x.shape(), List.of(values));
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("output %d", i).isCloseTo(want[i], within(1e-5f));
        }
    }

    private static String[] strings(int[] ids) {
        return java.util.Arrays.stream(ids).mapToObj(Integer::toString).toArray(String[]::new);
    }

    @Test
    void a_character_lstm_language_model_exports(@TempDir Path tmp) throws Exception {
        try (Model m = Net.sequential(embedding(10, 8), lstm(8, 12), linear(12, 10)).input(DType.INT32, 6).crossEntropy()
                .adam(1e-3).seed(2).build()) {
            exportsTheSame(m, tmp.resolve("textgen"), Tensor.ofInts(IDS, 3, 6), "int32", strings(IDS));
        }
    }

    @Test
    void a_transformer_classifier_with_padding_masks_exports(@TempDir Path tmp) throws Exception {
        try (Model m = Net.sequential(embedding(10, 8).paddingIdx(0), sinusoidalEncoding(8),
                transformerEncoderLayer(8, 2).dimFeedforward(16).paddingMask(0), sequenceMean().paddingMask(0), linear(8, 4))
                .input(DType.INT32, 6).crossEntropy().adam(1e-3).seed(2).build()) {
            exportsTheSame(m, tmp.resolve("textclass"), Tensor.ofInts(IDS, 3, 6), "int32", strings(IDS));
        }
    }

    @Test
    void a_gru_forecaster_on_float_sequences_exports(@TempDir Path tmp) throws Exception {
        float[] x = new float[3 * 6];
        String[] values = new String[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i / 2.0);
            values[i] = Float.toString(x[i]);
        }
        try (Model m = Net.sequential(gru(1, 6).finalState(), linear(6, 1)).input(6, 1).mse().adam(1e-3).seed(2).build()) {
            exportsTheSame(m, tmp.resolve("forecast"), Tensor.of(x, 3, 6, 1), "float32", values);
        }
    }
}
