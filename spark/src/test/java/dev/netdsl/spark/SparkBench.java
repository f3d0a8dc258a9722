package dev.netdsl.spark;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.relu;

import dev.netdsl.Model;
import dev.netdsl.Net;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench/run spark}: rows per second scoring the MNIST tutorial's MLP (784-200-200-10) over
 * 1,000,000 MNIST-shaped rows, a plain Java loop calling {@code Model.predict} in batches on one
 * thread next to {@code NetDslSpark} on {@code local[2]} (rows read from Parquet, the result
 * computed in full and dropped by Spark's {@code noop} sink), and Spark's cost per row. Writes
 * (or replaces) its section of {@code bench/RESULTS.md}.
 *
 * <p>Usage: {@code SparkBench [--rows N] [--repeats N] [--batch N] [--out FILE] [--dir DIR]} (defaults 1,000,000 rows, 5
 * rounds, batches of 1024, bench/RESULTS.md, spark/target/bench).
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) throws IOException {
        int rows = Integer.parseInt(option(args, "--rows", "1000000"));
        int repeats = Integer.parseInt(option(args, "--repeats", "5"));
        int batch = Integer.parseInt(option(args, "--batch", "1024"));
        Path out = Path.of(option(args, "--out", "bench/RESULTS.md"));
        Path dir = Path.of(option(args, "--dir", "spark/target/bench"));
        Files.createDirectories(dir);
        int distinct = 10_000;

        Path modelFile = dir.resolve("mnist.netdsl");
        Net mlp = Net.sequential(linear(784, 200), relu(), linear(200, 200), relu(), linear(200, 10)).crossEntropy().sgd(0.01).seed(1);
        float[][] x = new float[distinct][];
        for (int i = 0; i < distinct; i++) {
            x[i] = TestSpark.pixels(i);
        }
        SparkSession spark = SparkSession.builder().master("local[2]").appName("netdsl-spark-bench")
                .config("spark.ui.enabled", "false").getOrCreate();
        Path parquet = dir.resolve("images-" + rows + ".parquet");
        if (!Files.exists(parquet.resolve("_SUCCESS"))) {
            long t = System.nanoTime();
            Dataset<Row> images = spark.range(0, rows, 1, 8).map(
                    (org.apache.spark.api.java.function.MapFunction<Long, Row>) id -> org.apache.spark.sql.RowFactory.create(id,
                            TestSpark.pixels(id % 10_000)), org.apache.spark.sql.Encoders.row(TestSpark.IMAGES));
            images.write().mode("overwrite").parquet(parquet.toString());
            System.out.printf(Locale.ROOT, "wrote %s in %.1f s%n", parquet, (System.nanoTime() - t) / 1e9);
        }

        try (Model model = mlp.build()) {
            model.saveAll(modelFile);
            // What is timed, in rounds: each round runs every variant once, so a busy moment on the machine
            // slows all of them alike. Round 0 is the warm-up (JIT, the executors' model opens) and is not counted.
            Map<String, Runnable> variants = new LinkedHashMap<>();
            variants.put("plain Java loop, 1 thread, `Model.predict` on batches of " + batch, () -> loopOnce(model, x, rows, batch));
            variants.put("Spark local[2]: read the Parquet file only (no model; what the input costs)", () ->
                    spark.read().parquet(parquet.toString()).write().format("noop").mode("overwrite").save());
            for (ModelCache.Sharing sharing : ModelCache.Sharing.values()) {
                Scorer scorer = NetDslSpark.model(modelFile).inputColumns("pixels").outputColumn("logits").classColumn("class")
                        .batchSize(batch).sharing(sharing);
                variants.put("Spark local[2]: read, `NetDslSpark` scores (" + describe(sharing) + "), noop sink", () -> scorer
                        .transform(spark.read().parquet(parquet.toString())).write().format("noop").mode("overwrite").save());
            }
            Map<String, double[]> seconds = new LinkedHashMap<>();
            variants.keySet().forEach(k -> seconds.put(k, new double[repeats]));
            for (int round = 0; round <= repeats; round++) {
                for (Map.Entry<String, Runnable> v : variants.entrySet()) {
                    long t = System.nanoTime();
                    v.getValue().run();
                    double s = (System.nanoTime() - t) / 1e9;
                    System.out.printf(Locale.ROOT, "round %d: %s: %.2f s%n", round, v.getKey(), s);
                    if (round > 0) {
                        seconds.get(v.getKey())[round - 1] = s;
                    }
                }
            }
            spark.stop();
            report(out, rows, repeats, batch, distinct, seconds);
        }
    }

    private static void report(Path out, int rows, int repeats, int batch, int distinct, Map<String, double[]> seconds)
            throws IOException {
        List<String> keys = new ArrayList<>(seconds.keySet());
        double loopMedian = median(seconds.get(keys.get(0)));
        double readMedian = median(seconds.get(keys.get(1)));
        StringBuilder md = new StringBuilder();
        md.append("## Spark scoring: the MNIST MLP 784-200-200-10 over ").append(String.format(Locale.ROOT, "%,d", rows))
                .append(" rows\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `bench/run spark` on %d cores, Java %s, Spark %s; median of %d rounds "
                + "(min-max), each round running every row once, after a warm-up round. Rows: 784 floats (k/255, about 80%% "
                + "zeros), %,d distinct ones repeated, in a Parquet file of 8 parts; Spark computes every output and drops "
                + "it (`noop` sink). The Java loop predicts on batches of %d from arrays in memory.%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                org.apache.spark.package$.MODULE$.SPARK_VERSION(), repeats, distinct, batch));
        md.append("| how | s | rows/s | us/row | Spark's overhead per row over the loop |\n|---|---|---|---|---|\n");
        for (int i = 0; i < keys.size(); i++) {
            double[] s = seconds.get(keys.get(i)).clone();
            Arrays.sort(s);
            double m = median(s);
            String overhead = i < 2 ? "" : String.format(Locale.ROOT, "%.2f us (reading the file: %.2f us)",
                    (m - loopMedian) / rows * 1e6, readMedian / rows * 1e6);
            md.append(String.format(Locale.ROOT, "| %s | %.2f (%.2f-%.2f) | %,.0f | %.2f | %s |%n", keys.get(i), m, s[0],
                    s[s.length - 1], rows / m, m / rows * 1e6, overhead));
        }
        md.append(String.format(Locale.ROOT, "%nLoad average (1 min) at the end of the run: %s on %d cores; other work on the machine shows "
                + "as spread between rounds.%n", loadAverage(), Runtime.getRuntime().availableProcessors()));
        System.out.println(md);
        write(out, md.toString());
    }

    private static String describe(ModelCache.Sharing sharing) {
        return switch (sharing) {
            case SHARED -> "one model per JVM, concurrent predict calls (the default)";
            case SYNCHRONIZED -> "one model per JVM, one predict at a time";
            case PER_THREAD -> "one model per task thread";
        };
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void loopOnce(Model model, float[][] x, int rows, int batch) {
        for (int start = 0; start < rows; start += batch) {
            int n = Math.min(batch, rows - start);
            float[][] b = new float[n][];
            for (int i = 0; i < n; i++) {
                b[i] = x[(start + i) % x.length];
            }
            model.predict(b);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Replaces this benchmark's section of {@code out} (from its heading to the next), or appends it. */
    private static void write(Path out, String section) throws IOException {
        write(out, "## Spark scoring", section);
    }

    /** Replaces the section of {@code out} that starts with {@code heading} (up to the next heading), or appends it. */
    static void write(Path out, String heading, String section) throws IOException {
        String old = Files.exists(out) ? Files.readString(out) : "# Benchmark results\n";
        int at = old.indexOf(heading);
        String kept = old;
        if (at >= 0) {
            int next = old.indexOf("\n## ", at + 1);
            kept = old.substring(0, at) + (next < 0 ? "" : old.substring(next + 1));
        }
        Files.writeString(out, kept.stripTrailing() + "\n\n" + section);
        System.out.println("wrote the " + heading.substring(3) + " section of " + out);
    }

    static String option(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }
}
