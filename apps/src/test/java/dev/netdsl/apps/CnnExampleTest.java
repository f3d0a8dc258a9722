package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netdsl.Device;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnExampleTest {

    @Test
    void two_epochs_on_the_embedded_digits_reach_95_percent_and_write_every_file(@TempDir Path tmp) throws Exception {
        System.setProperty("java.awt.headless", "true");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        // The embedded sample only (no download, no cache): a fixed data set on every machine.
        CnnExample.Options o = new CnnExample.Options(2, 128, 1e-3, 1, MnistExampleTest.sampleDir(tmp), false, Device.CPU,
                tmp.resolve("out"), true, false);

        CnnExample.Result r = CnnExample.run(o, new PrintStream(console, true, StandardCharsets.UTF_8));

        assertThat(r.testAccuracy()).isGreaterThanOrEqualTo(0.95);
        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("8000 train / 2000 test samples, images [1, 28, 28]").contains("Train Epoch: 1 [0/8000 (0%)]")
                .contains("Test set: Average loss: ").contains("Conv2d(1, 32, kernel_size=(3, 3)").contains("Total params: 225,226");
        // The MNIST example's lines, as mnist prints them: the test set's numbers once per epoch, no Keras-style repeat.
        assertThat(text.lines().filter(l -> l.startsWith("Test set: "))).hasSize(2);
        assertThat(text).doesNotContain("val_accuracy").doesNotContain("Train Epoch: 0");
        JsonNode m = new ObjectMapper().readTree(r.dir().resolve("metrics.json").toFile());
        assertThat(m.get("epochs")).hasSize(2);
        // The cosine schedule's rate: epoch 2 of 2 runs at half the base rate.
        assertThat(m.get("epochs").get(1).get("lr").asDouble()).isEqualTo(5e-4);
        assertThat(m.get("epochs").get(1).get("epoch").asInt()).isEqualTo(2);
        assertThat(m.get("epochs").get(1).get("test_loss").asDouble()).isEqualTo(r.epochs().get(1).testLoss());
        assertThat(m.get("epochs").get(1).get("train_accuracy").asDouble()).isBetween(0.9, 1.0);
        assertThat(m.get("test_accuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
        for (String png : new String[] {"loss.png", "accuracy.png", "confusion.png", "predictions.png", "kernels.png"}) {
            assertThat(ImageIO.read(r.dir().resolve(png).toFile())).as(png).isNotNull();
        }
    }
}
