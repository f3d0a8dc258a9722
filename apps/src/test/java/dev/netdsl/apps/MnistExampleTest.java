package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netdsl.Device;
import dev.netdsl.datasets.Mnist;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MnistExampleTest {

    /** The embedded sample, copied out as ordinary IDX files so the test never looks elsewhere. */
    static Path sampleDir(Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"}) {
            try (InputStream in = Mnist.class.getResourceAsStream("mnist-sample/" + f + ".gz")) {
                Files.copy(in, dir.resolve(f + ".gz"));
            }
        }
        return dir;
    }

    @org.junit.jupiter.api.Test
    void quiet_prints_no_download_attempt_and_an_epoch_is_one_epoch(@TempDir Path home) throws Exception {
        assumeTrue(System.getenv("NETDSL_DATA") == null, "NETDSL_DATA would be used before any download");
        // No cache in this home, and a proxy that refuses every connection: the download is tried, fails, and the
        // embedded sample is used.
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String[] keys = {"user.home", "https.proxyHost", "https.proxyPort"};
        String[] old = new String[keys.length];
        String[] values = {home.toString(), "127.0.0.1", Integer.toString(port)};
        for (int i = 0; i < keys.length; i++) {
            old[i] = System.getProperty(keys[i]);
            System.setProperty(keys[i], values[i]);
        }
        try {
            String[] loud = MainTest.run("mnist", "--epochs", "1", "--out", home.resolve("out").toString(), "--device", "cpu");
            assertThat(loud[0]).isEqualTo("0");
            assertThat(loud[1]).contains("downloading https://").contains("could not download mnist");
            String[] quiet = MainTest.run("mnist", "--epochs", "1", "--out", home.resolve("out").toString(), "--quiet");
            assertThat(quiet[0]).isEqualTo("0");
            assertThat(quiet[1] + quiet[2]).doesNotContain("download");
            assertThat(quiet[1].strip()).matches("test accuracy \\d+\\.\\d\\d% after 1 epoch \\(.*");
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (old[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], old[i]);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void two_epochs_on_the_embedded_digits_learn_and_write_every_file(boolean raw, @TempDir Path tmp) throws Exception {
        System.setProperty("java.awt.headless", "true");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MnistExample.Options o = new MnistExample.Options(raw, 2, 200, 0.05, 1, sampleDir(tmp), false, Device.CPU,
                tmp.resolve("out"), false, true, false);

        MnistExample.Result r = MnistExample.run(o, new PrintStream(console, true, StandardCharsets.UTF_8));

        assertThat(r.testAccuracy()).isGreaterThan(0.8);
        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("8000 train / 2000 test samples").contains("device: CPU")
                .contains("Train Epoch: 1 [0/8000 (0%)]\tLoss: ").contains("Train Epoch: 2 [0/8000 (0%)]\tLoss: ")
                .doesNotContain("Train Epoch: 0").contains("Test set: Average loss: ");
        // One line per epoch for the test set's numbers, in the tutorial's words; no Keras-style repeat of them; no bar
        // (not a terminal).
        assertThat(text.lines().filter(l -> l.startsWith("Test set: "))).hasSize(2);
        assertThat(text).doesNotContain("val_accuracy").doesNotContain("epoch 1/2").doesNotContain("\r");
        Path dir = r.dir();
        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("epochs")).hasSize(2);
        assertThat(m.get("test_accuracy").asDouble()).isBetween(0.8, 1.0);
        assertThat(m.get("data").get("train_samples").asInt()).isEqualTo(8000);
        assertThat(m.get("epochs").get(1).get("test_loss").asDouble()).isLessThan(m.get("epochs").get(0).get("train_loss").asDouble());
        // Epochs from 1, and the same words as the printed lines: test_accuracy per epoch and overall.
        assertThat(m.get("epochs").get(0).get("epoch").asInt()).isEqualTo(1);
        assertThat(m.get("epochs").get(1).get("test_accuracy").asDouble()).isEqualTo(m.get("test_accuracy").asDouble());
        assertThat(m.get("epochs").get(1).has("accuracy")).isFalse();
        for (String png : new String[] {"loss.png", "accuracy.png", "predictions.png", "confusion.png"}) {
            assertThat(ImageIO.read(dir.resolve(png).toFile())).as(png).isNotNull();
        }
    }
}
