package dev.netdsl.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netdsl.Model;
import dev.netdsl.Net;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netdsl train-spark}: a saved spec trained over a Parquet file, the model and its metrics.json written. */
class TrainCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TrainCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trains_a_saved_spec_over_parquet_and_writes_the_model_and_its_metrics() throws Exception {
        SparkSession spark = TestSpark.session();
        Path input = dir.resolve("images.parquet");
        SparkTrainerTest.labelled(spark, 400, 2, -1).write().parquet(input.toString());
        Path validation = dir.resolve("validation.parquet");
        SparkTrainerTest.labelled(spark, 100, 1, -1).write().parquet(validation.toString());
        Path spec = dir.resolve("spec.netdsl");
        try (Model m = Net.of(784, 16, 10).relu().crossEntropy().sgd(0.1).seed(4).build()) {
            m.saveAll(spec);
        }
        Path out = dir.resolve("trained.netdsl");
        Run r = run(spec.toString(), "--input", input.toString(), "--out", out.toString(), "--input-columns", "pixels",
                "--workers", "2", "--epochs", "2", "--batch-size", "20", "--validation", validation.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("epoch 2/2").contains("trained " + spec).contains("20 steps");
        try (Model trained = Model.open(out)) {
            assertThat(trained.stepsTaken()).isEqualTo(20);   // 400 rows in steps of 2 x 20, twice
        }
        JsonNode metrics = new ObjectMapper().readTree(dir.resolve("trained.netdsl.metrics.json").toFile());
        assertThat(metrics.get("workers").asInt()).isEqualTo(2);
        assertThat(metrics.get("steps").asInt()).isEqualTo(20);
        assertThat(metrics.get("epochs")).hasSize(2);
        assertThat(metrics.get("epochs").get(1).has("val_loss")).isTrue();
        assertThat(r.out()).contains("val_loss");
        assertThat(metrics.get("exchange").get("bytesPerStep").asLong()).isPositive();
        java.awt.image.BufferedImage plot = javax.imageio.ImageIO.read(dir.resolve("trained.netdsl.loss.png").toFile());
        assertThat(plot.getWidth()).isEqualTo(800);

        // Bad input: said in one line, exit code 2, nothing written.
        Run bad = run(spec.toString(), "--input", input.toString(), "--out", dir.resolve("x.netdsl").toString(),
                "--input-columns", "pixels", "--label-column", "class");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("netdsl train-spark: label column 'class' is not in the DataFrame");
        assertThat(dir.resolve("x.netdsl")).doesNotExist();
        Run again = run(spec.toString(), "--input", input.toString(), "--out", out.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already exists; pick a new file or pass --overwrite");
    }
}
