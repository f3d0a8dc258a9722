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
import java.util.Locale;
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
 * <p>Usage: {@code SparkBench [--rows N] [--repeats N] [--batch N] [--out FILE] [--dir DIR]}.
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) throws IOException {
        int rows = Integer.parseInt(option(args, "--rows", "1000000"));
        int repeats = Integer.parseInt(option(args, "--repeats", "3"));
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

        // 1. The plain Java loop: one thread, predict on batches of `batch` rows.
        double[] loop = new double[repeats];
        try (Model model = mlp.build()) {
            model.saveAll(modelFile);
            loopOnce(model, x, 50 * batch, batch);                        // warm-up
            for (int r = 0; r < repeats; r++) {
                long t = System.nanoTime();
                loopOnce(model, x, rows, batch);
                loop[r] = (System.nanoTime() - t) / 1e9;
                System.out.printf(Locale.ROOT, "java loop, 1 thread: %.2f s%n", loop[r]);
            }
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

        // 2. Spark: read only (the input's cost), then scored with each way of sharing the executor's model.
        double[] read = time(repeats + 1, "spark local[2], read Parquet only", () ->
                spark.read().parquet(parquet.toString()).write().format("noop").mode("overwrite").save());
        read = Arrays.copyOfRange(read, 1, read.length);          // the first Spark job warms up
        List<String[]> table = new ArrayList<>();
        double loopMedian = median(loop);
        table.add(row("plain Java loop, 1 thread, `Model.predict` on batches of " + batch, rows, loop, loopMedian));
        table.add(row("Spark local[2]: read the Parquet file only (no model; what the input costs)", rows, read, loopMedian));
        double[] shared = null;
        for (ModelCache.Sharing sharing : ModelCache.Sharing.values()) {
            Scorer scorer = NetDslSpark.model(modelFile).inputColumns("pixels").outputColumn("logits").classColumn("class")
                    .batchSize(batch).sharing(sharing);
            double[] t = time(repeats + 1, "spark local[2], scored, " + sharing, () -> scorer
                    .transform(spark.read().parquet(parquet.toString())).write().format("noop").mode("overwrite").save());
            double[] timed = Arrays.copyOfRange(t, 1, t.length);   // the first run opens the model and warms up
            if (sharing == ModelCache.Sharing.SHARED) {
                shared = timed;
            }
            table.add(row("Spark local[2]: read, `NetDslSpark` scores (" + describe(sharing) + "), noop sink", rows, timed, loopMedian));
        }
        spark.stop();

        double perRowLoop = loopMedian / rows * 1e6;
        double perRowSpark = median(shared) / rows * 1e6;
        double perRowRead = median(read) / rows * 1e6;
        StringBuilder md = new StringBuilder();
        md.append("## Spark scoring: the MNIST MLP 784-200-200-10 over ").append(String.format(Locale.ROOT, "%,d", rows))
                .append(" rows\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `bench/run spark` on %d cores, Java %s, Spark %s; median of %d timed runs "
                + "(min-max), the Spark runs after one warm-up run each. Rows: 784 floats (k/255, about 80%% zeros), %,d distinct "
                + "ones repeated, in a Parquet file of 8 parts; Spark computes every output and drops it (`noop` sink).%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                org.apache.spark.package$.MODULE$.SPARK_VERSION(), repeats, distinct));
        md.append("| how | s | rows/s | us/row | vs the Java loop |\n|---|---|---|---|---|\n");
        for (String[] r : table) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        md.append(String.format(Locale.ROOT, "%nSpark's overhead per row (shared model, local[2]) over the one-thread loop: %.2f us "
                + "(%.2f us/row in Spark vs %.2f us/row in the loop), of which reading the Parquet file into rows is %.2f us; the "
                + "rest is handing rows to and from `predict` (Row objects, copying the arrays) and the second task thread "
                + "competing with TensorFlow's own threads for the 2 cores.%n",
                perRowSpark - perRowLoop, perRowSpark, perRowLoop, perRowRead));
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

    private static double[] time(int repeats, String what, Runnable run) {
        double[] t = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            run.run();
            t[r] = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s: %.2f s%n", what, t[r]);
        }
        return t;
    }

    private static String[] row(String what, int rows, double[] seconds, double loop) {
        double[] s = seconds.clone();
        Arrays.sort(s);
        double m = median(seconds);
        return new String[] {what, String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", m, s[0], s[s.length - 1]),
            String.format(Locale.ROOT, "%,.0f", rows / m), String.format(Locale.ROOT, "%.2f", m / rows * 1e6),
            String.format(Locale.ROOT, "%.2fx the time", m / loop)};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Replaces this benchmark's section of {@code out} (from its heading to the next), or appends it. */
    private static void write(Path out, String section) throws IOException {
        String old = Files.exists(out) ? Files.readString(out) : "# Benchmark results\n";
        int at = old.indexOf("## Spark scoring");
        String kept = old;
        if (at >= 0) {
            int next = old.indexOf("\n## ", at + 1);
            kept = old.substring(0, at) + (next < 0 ? "" : old.substring(next + 1));
        }
        Files.writeString(out, kept.stripTrailing() + "\n\n" + section);
        System.out.println("wrote the Spark section of " + out);
    }

    private static String option(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }
}
