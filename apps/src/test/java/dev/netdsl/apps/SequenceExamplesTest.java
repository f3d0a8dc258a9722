package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three sequence examples (issue 26) on small settings: they train, print, plot and write their numbers. */
class SequenceExamplesTest {

    @Test
    void textgen_trains_a_character_lstm_and_samples_text(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextGenExample.Result r = TextGenExample.run(TextGenExample.Options.quick().withOut(dir), new PrintStream(out, true));
        assertThat(r.losses()).hasSize(3);
        assertThat(r.losses()[2]).isLessThan(r.losses()[0] - 0.2); // it learns
        assertThat(r.losses()[2]).isLessThan(Math.log(60)); // and guesses better than uniformly over the ~60 characters
        assertThat(r.samples()).containsOnlyKeys("0.5", "0.8", "1.0");
        assertThat(r.samples().get("0.5")).hasSize(60);
        assertThat(Files.size(dir.resolve("textgen/loss.png"))).isPositive();
        assertThat(Files.readString(dir.resolve("textgen/metrics.json"))).contains("\"samples\"").contains("\"vocabulary\"");
    }

    @Test
    void textclass_learns_which_fortunes_file_a_quote_comes_from_above_chance(@TempDir Path dir) throws Exception {
        TextClassExample.Result r = TextClassExample.run(TextClassExample.Options.quick().withOut(dir),
                new PrintStream(new ByteArrayOutputStream(), true));
        // It learns: the training accuracy climbs well above a quarter (0.54 to 0.58 over seeds 1 to 5). The 141 test
        // quotes are too few for a test accuracy above chance on every seed after a short run (0.31 to 0.38 here).
        com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("textclass/metrics.json").toFile());
        com.fasterxml.jackson.databind.JsonNode epochs = m.get("epochs");
        assertThat(epochs.get(epochs.size() - 1).get("accuracy").asDouble()).isGreaterThan(0.45);
        assertThat(epochs.get(epochs.size() - 1).get("loss").asDouble()).isLessThan(epochs.get(0).get("loss").asDouble() - 0.1);
        assertThat(r.testAccuracy()).isBetween(0.0, 1.0);
        assertThat(r.confusion()).hasDimensions(4, 4);
        assertThat(java.util.Arrays.stream(r.confusion()).flatMapToInt(java.util.Arrays::stream).sum()).isEqualTo(141);
        assertThat(Files.size(dir.resolve("textclass/confusion.png"))).isPositive();
        assertThat(Files.size(dir.resolve("textclass/attention.png"))).isPositive();
        assertThat(Files.readString(dir.resolve("textclass/metrics.json"))).contains("\"test_accuracy\"");
    }

    @Test
    void forecast_predicts_co2_one_month_ahead_and_compares_with_the_seasonal_baseline(@TempDir Path dir) throws Exception {
        ForecastExample.Result r = ForecastExample.run(ForecastExample.Options.quick().withOut(dir),
                new PrintStream(new ByteArrayOutputStream(), true));
        assertThat(r.baselineRmse()).isBetween(0.2, 1.5);
        assertThat(r.rmse()).isFinite().isPositive();
        assertThat(Files.size(dir.resolve("forecast/forecast.png"))).isPositive();
        assertThat(Files.readString(dir.resolve("forecast/metrics.json"))).contains("\"seasonal_naive_rmse_ppm\"");
    }
}
