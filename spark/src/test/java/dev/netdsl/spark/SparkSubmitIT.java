package dev.netdsl.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netdsl.Model;
import dev.netdsl.Net;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar run the way {@code spark-submit} runs it: {@code org.apache.spark.deploy.SparkSubmit}
 * (what the {@code spark-submit} script starts) on Spark's jars alone, with NetDSL and TensorFlow
 * given as {@code --jars} ({@code target/jars.txt}) and {@code --class dev.netdsl.spark.ScoreCommand}.
 * A Spark distribution's script would also add the Java 17 options; this test adds them itself.
 */
class SparkSubmitIT {
    @TempDir
    Path dir;

    @Test
    void spark_submit_runs_the_score_command_from_the_packaged_jar() throws Exception {
        Path model = dir.resolve("model.netdsl");
        float[][] expected;
        try (Model m = Net.of(2, 8, 3).relu().crossEntropy().sgd(0.1).seed(2).build()) {
            m.saveAll(model);
            expected = m.predict(new float[][] {{1f, 2f}, {-3f, 0.5f}});
        }
        Path csv = dir.resolve("in.csv");
        Files.writeString(csv, "id,a,b\n0,1,2\n1,-3,0.5\n");
        Path out = dir.resolve("out");

        List<String> command = submit("dev.netdsl.spark.ScoreCommand", model.toString(), "--input", csv.toString(), "--out",
                out.toString(), "--format", "csv");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue(); // a hang guard: over ten times the quiet time
        String log = Files.readString(dir.resolve("log.txt"), StandardCharsets.UTF_8);
        // The default input is every numeric column, here id too: one more than the model takes, said up front.
        assertThat(p.exitValue()).as(log).isEqualTo(2);
        assertThat(log).contains("netdsl score: the model takes 2 values per row but 3 input columns were given [id, a, b]");

        // Named, the input columns fit.
        List<String> again = new ArrayList<>(command);
        again.set(again.indexOf(out.toString()), dir.resolve("out2").toString());
        again.addAll(List.of("--input-columns", "a,b"));
        Process q = new ProcessBuilder(again).redirectErrorStream(true).redirectOutput(dir.resolve("log2.txt").toFile()).start();
        assertThat(q.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String log2 = Files.readString(dir.resolve("log2.txt"), StandardCharsets.UTF_8);
        assertThat(q.exitValue()).as(log2).isZero();
        List<String> lines = new ArrayList<>();
        try (var parts = Files.list(dir.resolve("out2"))) {
            for (Path part : parts.filter(f -> f.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                List<String> all = Files.readAllLines(part);
                assertThat(all.get(0)).isEqualTo("id,a,b,prediction_0,prediction_1,prediction_2,class");
                lines.addAll(all.subList(1, all.size()));
            }
        }
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            String[] f = line.split(",");
            float[] want = expected[Integer.parseInt(f[0])];
            for (int i = 0; i < 3; i++) {
                assertThat(Float.parseFloat(f[3 + i])).isEqualTo(want[i]);
            }
            assertThat(Integer.parseInt(f[6])).isEqualTo(PartitionScorer.argMax(want));
        }
    }

    @Test
    void spark_submit_runs_the_train_command_from_the_packaged_jar() throws Exception {
        Path spec = dir.resolve("spec.netdsl");
        try (Model m = Net.of(2, 8, 3).relu().crossEntropy().sgd(0.1).seed(2).build()) {
            m.saveAll(spec);
        }
        StringBuilder csv = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 60; i++) {
            csv.append(i % 3).append(',').append((i * 7) % 5 - 2).append(',').append(i % 3).append('\n');
        }
        Path input = dir.resolve("train.csv");
        Files.writeString(input, csv);
        Path out = dir.resolve("trained.netdsl");
        List<String> command = submit("dev.netdsl.spark.TrainCommand", spec.toString(), "--input", input.toString(), "--out",
                out.toString(), "--input-columns", "a,b", "--workers", "2", "--epochs", "2", "--batch-size", "5");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("train.txt").toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue(); // a hang guard: over ten times the quiet time
        String log = Files.readString(dir.resolve("train.txt"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("epoch 2/2").contains("12 steps");
        try (Model trained = Model.open(out)) {
            assertThat(trained.stepsTaken()).isEqualTo(12);   // 60 rows in steps of 2 x 5, twice
        }
        assertThat(dir.resolve("trained.netdsl.metrics.json")).exists();
        assertThat(dir.resolve("trained.netdsl.loss.png")).exists();
    }

    /** The java command spark-submit runs for {@code main} from the packaged jar, with NetDSL's jars as --jars. */
    private static List<String> submit(String main, String... args) throws java.io.IOException {
        Path target = Path.of("target");
        String jars = Files.readString(target.resolve("jars.txt")).strip();
        // The "distribution": Spark and its dependencies, without the jars that travel with --jars (NetDSL, TensorFlow, ...)
        // but for Jackson, which a Spark 4.0 distribution has in its jars/ folder too (the same 2.18).
        Set<String> app = Arrays.stream(jars.split(",")).filter(jar -> !jar.contains("com/fasterxml/jackson"))
                .collect(Collectors.toSet());
        String spark = Arrays.stream(Files.readString(target.resolve("classpath.txt")).strip().split(java.io.File.pathSeparator))
                .filter(jar -> !app.contains(jar)).collect(Collectors.joining(java.io.File.pathSeparator));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NetDslSpark.java17Options());
        command.addAll(List.of("-Xmx2g", "-cp", spark, "org.apache.spark.deploy.SparkSubmit",
                "--master", "local[2]", "--class", main, "--jars", jars, target.resolve("netdsl-spark.jar").toString()));
        command.addAll(List.of(args));
        return command;
    }
}
