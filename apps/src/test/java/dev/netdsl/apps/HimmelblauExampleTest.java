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

class HimmelblauExampleTest {

    @Test
    void the_tutorials_four_starts_each_reach_the_nearest_known_minimum(@TempDir Path out) throws Exception {
        System.setProperty("java.awt.headless", "true");
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        List<HimmelblauExample.Run> runs = HimmelblauExample.run(HimmelblauExample.Options.defaults().withOut(out),
                new PrintStream(console, true, StandardCharsets.UTF_8));

        assertThat(runs).hasSize(4);
        for (HimmelblauExample.Run r : runs) {
            assertThat(r.end()[0]).isCloseTo(r.nearestMinimum()[0], within(1e-3f));
            assertThat(r.end()[1]).isCloseTo(r.nearestMinimum()[1], within(1e-3f));
            assertThat(r.f()).isLessThan(1e-6f);
        }
        // Each start ends in its own basin, as PyTorch's Adam does from the tutorial's starts.
        assertThat(runs.get(0).nearestMinimum()).containsExactly(3f, 2f);
        assertThat(runs.get(1).nearestMinimum()).containsExactly(3f, 2f);
        assertThat(runs.get(2).nearestMinimum()).containsExactly(-3.779310f, -3.283186f);
        assertThat(runs.get(3).nearestMinimum()).containsExactly(3.584428f, -1.848126f);
        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("step 0: x_y = [0.001, 0.001], f(x) = 170.0").contains("step 18000: x_y = [");
        Path dir = out.resolve("himmelblau");
        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("runs")).hasSize(4);
        assertThat(m.get("runs").get(0).get("nearest_minimum").toString()).isEqualTo("[3.0,2.0]");
        assertThat(m.get("runs").get(0).get("seconds").asDouble()).isPositive();
        assertThat(ImageIO.read(dir.resolve("surface.png").toFile())).isNotNull();
        assertThat(ImageIO.read(dir.resolve("paths.png").toFile())).isNotNull();
    }
}
