package example;

import static dev.netdsl.layers.Layers.linear;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.datasets.SineWave;
import dev.netdsl.layers.Layers;
import dev.netdsl.training.Losses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** A layer and a loss defined here, outside the library, used like NetDSL's own. */
class CustomPiecesTest {
    private static final float[][] PROBE = {{-2.5f}, {-0.3f}, {0.1f}, {1.7f}};

    @Test
    void a_users_own_layer_and_loss_train_save_reopen_and_export() throws Exception {
        Dataset data = SineWave.of(400, -3, 3);
        Net spec = Net.sequential(linear(1, 16), new PReLU(16, 0.25), linear(16, 1)).loss(new HuberLoss(1.0)).adam(0.02).seed(4);
        Path dir = Files.createTempDirectory("custom-pieces");
        float[][] expected;
        try (Model net = spec.build().progress(false)) {
            // Its parameter is listed under its name, with its initial values.
            Parameter slope = net.parameters().stream().filter(p -> p.name().equals("1.weight")).findFirst().orElseThrow();
            assertEquals(java.util.List.of(16), slope.shape());
            assertEquals(0.25f, slope.values()[0]);

            float before = net.loss(data);
            net.fit(data, 400);
            float after = net.loss(data);
            assertTrue(after < before / 4, "Huber loss " + before + " -> " + after);
            float[] learned = net.layer(1).weight().values();
            assertNotEquals(0.25f, learned[0], "the PReLU slope trains");
            expected = net.predict(PROBE);

            net.save(dir.resolve("weights.bin"));
            net.saveAll(dir.resolve("model.netdsl"));
            net.exportSavedModel(dir.resolve("export"));
        }

        // The weights load into another build of the same spec.
        try (Model other = spec.seed(99).build()) {
            other.load(dir.resolve("weights.bin"));
            assertArrayEquals(expected[3], other.predict(PROBE)[3]);
        }

        // A model file with a type the reader does not know fails, naming it and how to register it...
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Model.open(dir.resolve("model.netdsl")));
        assertTrue(unknown.getMessage().contains("unknown layer type 'PReLU'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("Layers.register(\"PReLU\""), unknown.getMessage());

        // ... and opens once the user's types are registered.
        Layers.register("PReLU", PReLU::fromSettings);
        Losses.register("HuberLoss", HuberLoss::fromSettings);
        try (Model reopened = Model.open(dir.resolve("model.netdsl"))) {
            for (int i = 0; i < PROBE.length; i++) {
                assertArrayEquals(expected[i], reopened.predict(PROBE)[i]);
            }
            assertEquals(new HuberLoss(1.0), reopened.spec().loss().orElseThrow());
            reopened.fit(data, 5); // and trains on
        }

        // TensorFlow's own loader runs the export and computes the same outputs.
        float[] xs = new float[PROBE.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = PROBE[i][0];
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.resolve("export").toString(), "serve");
             TFloat32 x = TFloat32.tensorOf(Shape.of(PROBE.length, 1), DataBuffers.of(xs));
             Result r = bundle.function("serving_default").call(Map.of("x", x))) {
            TFloat32 y = (TFloat32) r.get("y").orElseThrow();
            for (int i = 0; i < PROBE.length; i++) {
                assertEquals(expected[i][0], y.getFloat(i, 0), 1e-6f);
            }
        }
    }
}
