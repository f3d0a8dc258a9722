package example;

import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netdsl.DType;
import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Tensor;
import dev.netdsl.layers.Layers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** An embedding layer defined here, outside the library, on int32 token ids: trained, saved, reopened, exported. */
class EmbeddingTest {

    /** Sequences of 4 token ids out of 10; the class is whether token 7 occurs. */
    private static Dataset sequences(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 4; t++) {
                ids[i * 4 + t] = r.nextInt(10);
                labels[i] |= ids[i * 4 + t] == 7 ? 1 : 0;
            }
        }
        return Dataset.of(ids, new int[] {4}, labels);
    }

    @Test
    void an_embedding_of_token_ids_trains_saves_reopens_and_exports() throws Exception {
        Dataset train = sequences(256, 1);
        Net spec = Net.sequential(new Embedding(10, 3), flatten(), linear(12, 2)).input(DType.INT32, 4).crossEntropy().adam(0.05)
                .seed(7);
        int[] probe = {7, 1, 2, 3, 0, 1, 2, 3};
        Path dir = Files.createTempDirectory("embedding");
        float[] expected;
        try (Model net = spec.build().progress(false)) {
            assertEquals(java.util.List.of(10, 3), net.parameters().get(0).shape());
            float before = net.loss(train);
            net.fit(train, 10, 32);
            float after = net.loss(train);
            assertTrue(after < before / 3, "cross-entropy " + before + " -> " + after);
            assertTrue(net.evaluate(sequences(200, 2)).accuracy() > 0.95);
            expected = net.predict(Tensor.ofInts(probe, 2, 4)).values();
            net.saveAll(dir.resolve("model.netdsl"));
            net.exportSavedModel(dir.resolve("export"));
        }

        Layers.register("Embedding", Embedding::fromSettings);
        try (Model reopened = Model.open(dir.resolve("model.netdsl"))) {
            assertEquals(DType.INT32, reopened.spec().inputType());
            assertArrayEquals(expected, reopened.predict(Tensor.ofInts(probe, 2, 4)).values());
            reopened.fit(train, 1, 32); // and trains on
        }

        // TensorFlow's own loader takes int32 ids and computes the same logits.
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.resolve("export").toString(), "serve");
             TInt32 x = TInt32.tensorOf(Shape.of(2, 4), DataBuffers.of(probe));
             Result r = bundle.function("serving_default").call(Map.of("x", x))) {
            TFloat32 y = (TFloat32) r.get("y").orElseThrow();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], y.getFloat(i / 2, i % 2), 1e-6f);
            }
        }
    }
}
