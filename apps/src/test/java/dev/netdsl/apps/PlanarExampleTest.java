package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanarExampleTest {

    @Test
    void logistic_regression_ends_at_the_tutorials_loss_and_the_nets_separate_the_petals(@TempDir Path out) throws Exception {
        System.setProperty("java.awt.headless", "true");
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        List<PlanarExample.Outcome> r = PlanarExample.run(List.of("logistic", "two-layer", "module"), 1, out,
                new PrintStream(console, true, StandardCharsets.UTF_8));

        // Convex problem on the tutorial's exact data: its printed 0.6731461882591248 after 100 epochs.
        assertThat((double) r.get(0).finalLoss()).isCloseTo(0.6731461882591248, within(5e-4));
        assertThat(r.get(1).accuracy()).isGreaterThan(0.85);
        assertThat((double) r.get(1).finalLoss()).isBetween(0.19, 0.27);
        assertThat((double) r.get(2).finalLoss()).isBetween(0.19, 0.27);
        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("epoch: 20, loss: ").contains("epoch: 10000, loss: ").contains("layer1.weight [4, 2]");
        Path dir = out.resolve("planar");
        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("models").get("two-layer").get("accuracy").asDouble()).isGreaterThan(0.85);
        for (String png : new String[] {"logistic-boundary.png", "two-layer-boundary.png", "module-boundary.png", "boundaries.png"}) {
            assertThat(ImageIO.read(dir.resolve(png).toFile())).as(png).isNotNull();
        }
    }
}
