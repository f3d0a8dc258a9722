package dev.netdsl.apps;

import dev.netdsl.Device;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SineTest {

    @Test
    void five_thousand_steps_of_the_tutorials_net_reach_mse_below_005_and_write_every_file(@TempDir Path out) throws Exception {
        System.setProperty("java.awt.headless", "true");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Sine.Options o = new Sine.Options(new int[] {1, 20, 50, 20, 1}, 5000, 0.05, 1, out, false, Device.CPU, 2500, 100);

        Sine.Result r = Sine.run(o, new PrintStream(console, true, StandardCharsets.UTF_8));

        assertThat(r.finalLoss()).isLessThan(0.05f);
        Path dir = out.resolve("sine");
        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("example").asText()).isEqualTo("sine");
        assertThat(m.get("steps").asInt()).isEqualTo(5000);
        assertThat(m.get("final_loss").asDouble()).isLessThan(0.05).isEqualTo(r.finalLoss(), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(m.get("steps_per_second").asDouble()).isPositive();
        assertThat(m.get("cfg").toString()).isEqualTo("[1,20,50,20,1]");
        for (String png : new String[] {"fit.png", "loss.png", "frames/frame-000000.png", "frames/frame-002500.png", "frames/frame-004999.png"}) {
            assertThat(ImageIO.read(dir.resolve(png).toFile())).as(png).isNotNull();
        }
        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("\n0 0.48").contains("\n100 ").contains("\n4999 ")
                .contains(" parameter 1: weight shape=(20, 1), bias shape=(20,)")
                .contains(" parameter 4: weight shape=(1, 20), bias shape=(1,)");
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
}
