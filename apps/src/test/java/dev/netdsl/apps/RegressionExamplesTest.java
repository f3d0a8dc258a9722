package dev.netdsl.apps;

import dev.netdsl.Device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** poly, thermometer and activations (the polynomial-regression and activations tutorials). */
class RegressionExamplesTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static PrintStream quiet(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    @Test
    void poly_with_its_defaults_learns_every_coefficient_within_005(@TempDir Path out) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        PolyExample.Result r = PolyExample.run(PolyExample.Options.defaults().withOut(out), quiet(console));

        assertThat(r.converged()).isTrue();
        assertThat(r.weights()[0]).isCloseTo(0.5, within(0.05));
        assertThat(r.weights()[1]).isCloseTo(3.0, within(0.05));
        assertThat(r.weights()[2]).isCloseTo(2.4, within(0.05));
        assertThat(r.bias()).isCloseTo(0.9, within(0.05));
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("==> Learned function:\ty = 0.9").contains("==> Actual function:\ty = 0.90 + 0.50*x^1 + 3.00*x^2 + 2.40*x^3");
        JsonNode m = new ObjectMapper().readTree(out.resolve("poly/metrics.json").toFile());
        assertThat(m.get("weights")).hasSize(3);
        assertThat(m.get("steps").asInt()).isEqualTo(r.steps());
        assertThat(m.get("final_loss").asDouble()).isLessThan(1e-4);
        assertThat(ImageIO.read(out.resolve("poly/fit.png").toFile())).isNotNull();
    }

    @Test
    void poly_with_the_tutorials_stop_rule_stops_at_the_first_batch_under_1e3(@TempDir Path out) {
        PolyExample.Result r = PolyExample.run(new PolyExample.Options(200_000, 32, 1e-3, 1e-3, 1, out, false, Device.CPU), quiet(new ByteArrayOutputStream()));

        assertThat(r.converged()).isTrue();
        assertThat(r.finalLoss()).isLessThan(1e-3f);
        // One batch of 32 under 1e-3 pins the x coefficient to about +-0.07 (x and x^3 are correlated).
        assertThat(r.weights()[0]).isCloseTo(0.5, within(0.1));
        assertThat(r.weights()[2]).isCloseTo(2.4, within(0.05));
    }

    @Test
    void poly_reports_honestly_when_the_step_guard_stops_it(@TempDir Path out) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        PolyExample.Result r = PolyExample.run(new PolyExample.Options(10, 32, 1e-3, 1e-3, 1, out, false, Device.CPU), quiet(console));

        assertThat(r.converged()).isFalse();
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("did not reach loss < 0.001 within --steps 10");
        assertThat(new ObjectMapper().readTree(out.resolve("poly/metrics.json").toFile()).get("converged").asBoolean()).isFalse();
    }

    @Test
    void the_thermometer_net_fits_its_training_data_better_than_the_line(@TempDir Path out) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        ThermometerExample.Result r = ThermometerExample.run(ThermometerExample.Options.defaults().withOut(out), quiet(console));

        assertThat(r.netTrain()).isLessThan(r.linearTrain());
        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("Epoch 1000, Training loss").contains("hidden_linear.weight [13, 1]")
                .contains("output_linear.bias [1]");
        JsonNode m = new ObjectMapper().readTree(out.resolve("thermometer/metrics.json").toFile());
        assertThat(m.get("net").get("validation_loss").asDouble()).isEqualTo(r.netVal(), within(1e-6));
        assertThat(m.get("validation_indices")).hasSize(2);
        assertThat(ImageIO.read(out.resolve("thermometer/fit.png").toFile())).isNotNull();
    }

    @Test
    void the_activation_gallery_is_computed_by_the_dsl_and_drawn(@TempDir Path out) throws Exception {
        Path png = ActivationsExample.run(out, quiet(new ByteArrayOutputStream()));

        assertThat(ImageIO.read(png.toFile()).getWidth()).isGreaterThan(1000);
        JsonNode m = new ObjectMapper().readTree(out.resolve("activations/metrics.json").toFile());
        assertThat(m.get("activations")).hasSize(9);
        JsonNode hardtanh = m.get("activations").get(3);
        assertThat(hardtanh.get("name").asText()).startsWith("Hardtanh");
        // Flat part at x = -2: value -1, derivative 0. Slope part at x = 0.5: derivative 1.
        assertThat(hardtanh.get("f(-2)").asDouble()).isEqualTo(-1.0);
        assertThat(hardtanh.get("f'(-2)").asDouble()).isEqualTo(0.0);
        assertThat(hardtanh.get("f'(0.5)").asDouble()).isEqualTo(1.0);
        assertThat(hardtanh.get("f(-0.5)").asDouble()).isEqualTo(-0.5);
    }
}
