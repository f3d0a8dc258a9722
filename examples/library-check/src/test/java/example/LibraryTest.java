package example;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.tanh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netdsl.Dataset;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.datasets.Batches;
import dev.netdsl.datasets.SineWave;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Trains nets through NetDSL's public API, with the artifacts from the local Maven repository. */
class LibraryTest {

    @Test
    void the_readme_net_learns_the_sine() {
        Dataset data = SineWave.of(1000, -10, 10);
        try (Model net = Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05).seed(1).build().progress(false)) {
            float before = net.loss(data);
            History h = net.fit(data, 2000);
            assertTrue(h.finalLoss() < before / 2, "loss " + before + " -> " + h.finalLoss());
        }
    }

    @Test
    void a_sequential_net_trains_in_batches_saves_and_exports() throws Exception {
        Dataset data = SineWave.of(256, -3, 3);
        Net spec = Net.sequential().add("hidden", linear(1, 16)).add("act", tanh()).add("out", linear(16, 1)).mse().adam(0.01).seed(2);
        Path dir = Files.createTempDirectory("library-check");
        try (Model net = spec.build().progress(false)) {
            for (int epoch = 0; epoch < 20; epoch++) {
                for (Dataset batch : Batches.of(data, 32).shuffle(3).epoch(epoch)) {
                    net.step(batch);
                }
            }
            assertTrue(net.loss(data) < 0.1, "loss " + net.loss(data));
            net.saveAll(dir.resolve("net.bin"));
            net.exportSavedModel(dir.resolve("export"));
            try (Model again = Model.open(dir.resolve("net.bin"))) {
                assertEquals(net.predict(new float[][] {{0.5f}})[0][0], again.predict(new float[][] {{0.5f}})[0][0]);
            }
            assertTrue(Files.exists(dir.resolve("export").resolve("saved_model.pb")));
        }
    }
}
