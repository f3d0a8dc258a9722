package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

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
                .contains("Train Epoch: 0 [0/8000 (0%)]\tLoss: ").contains("Test set: Average loss: ");
        Path dir = r.dir();
        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("epochs")).hasSize(2);
        assertThat(m.get("test_accuracy").asDouble()).isBetween(0.8, 1.0);
        assertThat(m.get("data").get("train_samples").asInt()).isEqualTo(8000);
        assertThat(m.get("epochs").get(1).get("test_loss").asDouble()).isLessThan(m.get("epochs").get(0).get("train_loss").asDouble());
        for (String png : new String[] {"loss.png", "accuracy.png", "predictions.png", "confusion.png"}) {
            assertThat(ImageIO.read(dir.resolve(png).toFile())).as(png).isNotNull();
        }
    }
}
