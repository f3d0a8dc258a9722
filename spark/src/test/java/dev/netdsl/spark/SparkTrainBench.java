package dev.netdsl.spark;

import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.models.Cnn;
import dev.netdsl.models.MnistMlp;
import dev.netdsl.training.Fit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench/run spark-train}: what the Spark trainer's gradient exchange costs next to the step itself, for the MNIST
 * tutorial's MLP and the CNN example's net, on a standalone cluster on this machine (a master and two one-core workers,
 * each executor its own JVM; the driver is this JVM), and one machine's step at the same global batch; then a model of
 * the speed-up for 2-64 machines from those figures. Writes (or replaces) its section of {@code bench/RESULTS.md}.
 *
 * <p>Usage: {@code SparkTrainBench [--mlp-rows N] [--cnn-rows N] [--repeats N] [--out FILE] [--dir DIR]} (defaults 60,000
 * and 12,000 rows, 3 fits per model after a warm-up one, bench/RESULTS.md, spark/target/bench-train).
 */
public final class SparkTrainBench {
    private SparkTrainBench() {
    }

    /** The existing routes for a step's exchange, measured on the cluster: the table's rows. */
    private static String routes = "";

    /** One model's figures. */
    record Row(String name, long parameters, double oneMachineMillis, SparkFit.Exchange exchange, double finalLoss) {
    }

    public static void main(String[] args) throws Exception {
        int mlpRows = Integer.parseInt(SparkBench.option(args, "--mlp-rows", "60000"));
        int cnnRows = Integer.parseInt(SparkBench.option(args, "--cnn-rows", "12000"));
        int repeats = Integer.parseInt(SparkBench.option(args, "--repeats", "3"));
        Path out = Path.of(SparkBench.option(args, "--out", "bench/RESULTS.md"));
        Path dir = Files.createDirectories(Path.of(SparkBench.option(args, "--dir", "spark/target/bench-train")));
        List<Row> rows = new ArrayList<>();
        try (StandaloneCluster cluster = StandaloneCluster.start(2, 1, "3g", dir)) {
            SparkSession spark = SparkSession.builder().master(cluster.master).appName("netdsl-spark-train-bench")
                    .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false").config("spark.executor.memory", "2g").config("spark.executor.cores", "1")
                    .config("spark.executor.extraClassPath", StandaloneCluster.executorClassPath())
                    .config("spark.executor.extraJavaOptions", String.join(" ", NetDslSpark.java17Options()))
                    .getOrCreate();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the two executors did not register within 5 minutes; logs in " + dir);
                }
                Thread.sleep(200);
            }
            routes = routes(spark);
            rows.add(measure(spark, "MNIST MLP 784-200-200-10, SGD", MnistMlp.sequential(true).crossEntropy().sgd(0.01).seed(1),
                    mlpRows, repeats));
            rows.add(measure(spark, "CNN example's net (batch norm, dropout), Adam", Cnn.mnist().crossEntropy().adam(1e-3).seed(1),
                    cnnRows, repeats));
            spark.stop();
        }
        report(out, rows, repeats);
    }

    /** Per-call times of the routes Spark offers for exchanging a step's gradients, 10 floats and the MLP's 199,210. */
    static String routes(SparkSession spark) {
        org.apache.spark.api.java.JavaSparkContext jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
                spark.sparkContext());
        org.apache.spark.api.java.JavaRDD<Integer> two = jsc.parallelize(List.of(0, 1), 2).cache();
        two.count();
        StringBuilder md = new StringBuilder("| route (2 tasks on the cluster above) | 10 floats | 199,210 floats (the MLP's gradients) |\n"
                + "|---|---|---|\n");
        double[][] gather = new double[2][];
        double[][] job = new double[2][];
        int[] sizes = {10, 199_210};
        for (int i = 0; i < 2; i++) {
            gather[i] = two.rdd().barrier().mapPartitions(new GatherProbe(sizes[i], 5), false,
                    scala.reflect.ClassTag$.MODULE$.apply(Double.class)).toJavaRDD().collect().stream()
                    .mapToDouble(Double::doubleValue).toArray();
            int n = sizes[i];
            job[i] = new double[5];
            for (int r = 0; r < 5; r++) {
                long t = System.nanoTime();
                org.apache.spark.broadcast.Broadcast<float[]> w = jsc.broadcast(new float[n]);
                two.treeAggregate(new float[n], (acc, p) -> {
                    float[] g = w.value();
                    for (int k = 0; k < g.length; k++) {
                        acc[k] += g[k] + p;
                    }
                    return acc;
                }, (x, y) -> {
                    for (int k = 0; k < x.length; k++) {
                        x[k] += y[k];
                    }
                    return x;
                });
                w.destroy();
                job[i][r] = (System.nanoTime() - t) / 1e6;
            }
        }
        md.append(String.format(Locale.ROOT, "| `BarrierTaskContext.allGather`, per call (median over both tasks' calls) | %.0f ms | %.0f ms |%n",
                SparkBench.median(gather[0]), SparkBench.median(gather[1])));
        md.append(String.format(Locale.ROOT, "| a Spark job per step: broadcast the weights, `treeAggregate` the gradients (median of 5) | %.0f ms | %.0f ms |%n",
                SparkBench.median(job[0]), SparkBench.median(job[1])));
        System.out.print(md);
        return md.toString();
    }

    /** A barrier task timing {@code calls} allGathers of {@code floats} floats (as Base64), after one to warm up. */
    static final class GatherProbe extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>,
            scala.collection.Iterator<Double>> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int floats;
        private final int calls;

        GatherProbe(int floats, int calls) {
            this.floats = floats;
            this.calls = calls;
        }

        @Override
        public scala.collection.Iterator<Double> apply(scala.collection.Iterator<Integer> rows) {
            org.apache.spark.BarrierTaskContext context = org.apache.spark.BarrierTaskContext.get();
            String message = java.util.Base64.getEncoder().encodeToString(new byte[4 * floats]);
            context.allGather("warm-up");
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                long t = System.nanoTime();
                context.allGather(message);
                millis.add((System.nanoTime() - t) / 1e6);
            }
            return scala.jdk.javaapi.CollectionConverters.asScala(millis.iterator());
        }
    }


    private static Row measure(SparkSession spark, String name, Net net, int rows, int repeats) {
        double one;
        long parameters;
        try (Model m = net.build()) {
            parameters = m.parameters().stream().mapToLong(p -> p.size()).sum();
            dev.netdsl.Dataset data = SparkTrainerTest.local(rows).reshape(net.inputShape());
            m.fit(data.take(Math.min(rows, 2000)), Fit.epochs(1).batchSize(200).quiet()); // warm-up
            History h = m.fit(data, Fit.epochs(1).batchSize(200).quiet());
            one = h.seconds() * 1e3 / h.steps();
            System.out.printf(Locale.ROOT, "%s: one machine, batch 200: %.2f ms per step%n", name, one);
        }
        SparkFit.Exchange best = null;
        double loss = Double.NaN;
        for (int r = 0; r <= repeats; r++) {
            try (SparkFit f = NetDslSpark.trainer(net).inputColumns("pixels").labelColumn("label").workers(2)
                    .fit(SparkTrainerTest.labelled(spark, rows, 4, -1), Fit.epochs(1).batchSize(100).quiet())) {
                System.out.printf(Locale.ROOT, "%s: fit %d: %s%n", name, r, f.exchange());
                if (r > 0 && (best == null || f.exchange().stepMillis() < best.stepMillis())) {
                    best = f.exchange();
                    loss = f.history().finalLoss();
                }
            }
        }
        return new Row(name, parameters, one, best, loss);
    }

    private static void report(Path out, List<Row> rows, int repeats) throws IOException {
        StringBuilder md = new StringBuilder("## Spark data-parallel training: the exchange's cost per step, and a scaling model\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `bench/run spark-train` on %d cores, Java %s, Spark %s: a standalone"
                + " master and two workers of one core on loopback, each executor its own JVM, the driver a third; all of them share"
                + " this machine's cores. Each model: one warm-up fit, then the fastest of %d one-epoch fits with 2 workers at batch"
                + " 100 (200 rows per step), rows MNIST-shaped (784 floats). One machine: `Model.fit` in the driver JVM at batch 200,"
                + " both cores.%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                org.apache.spark.package$.MODULE$.SPARK_VERSION(), repeats));
        md.append("| model | parameters | MB moved per step (driver, in + out) | one machine, step at batch 200 | 2 workers: step"
                + " | round trip | slowest worker's own work | exchange and update | workers ready after |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            SparkFit.Exchange x = r.exchange();
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms (%.0f%%) | %.1f s |%n",
                    r.name(), r.parameters(), x.bytesPerStep() / 1e6, r.oneMachineMillis(), x.stepMillis(), x.roundTripMillis(),
                    x.workerMillis(), x.overheadMillis(), 100 * x.overheadMillis() / x.stepMillis(), x.startSeconds()));
        }
        md.append("\nThe routes Spark itself offers for a step's exchange, on the same cluster (why the trainer has its own):\n\n")
                .append(routes);
        md.append("\n").append(model(rows));
        md.append(String.format(Locale.ROOT, "%nLoad average (1 min) at the end of the run: %s.%n", SparkBench.loadAverage()));
        System.out.println(md);
        SparkBench.write(out, "## Spark data-parallel training", md.toString());
    }

    /**
     * The speed-up model. A worker's own work on b = 100 rows is taken as half of one machine's measured step at batch 200
     * (both cores, nothing else running), stretched by the rows it draws (row i lives on worker i % n, so a shuffled
     * batch of n*b rows gives each worker b on average and the slowest about b + sqrt(2 b ln n)). The exchange adds the
     * driver's per-worker cost and its update as measured here (on shared cores: pessimistic), plus the weights out and
     * the gradients back over the driver's link (2 n W bytes per step at B bytes/s). One machine takes n times the
     * worker's work for the same n*b rows.
     */
    static String model(List<Row> rows) {
        int[] machines = {2, 4, 8, 16, 32, 64};
        double[] links = {1.25e8, 1.25e9};   // 1 Gb/s and 10 Gb/s
        StringBuilder md = new StringBuilder("Speed-up over one machine at the same global batch, modelled from the figures above"
                + " (a worker's work on b = 100 rows: half of one machine's step at batch 200; the driver's per-worker cost and"
                + " update as measured; the driver's link carries 2 n W bytes per step):\n\n| model | link |");
        for (int n : machines) {
            md.append(" ").append(n).append(" |");
        }
        md.append(" communication takes over at | limit as n grows |\n|---|---|");
        for (int n : machines) {
            md.append("---|");
        }
        md.append("---|---|\n");
        for (Row r : rows) {
            SparkFit.Exchange x = r.exchange();
            double work = r.oneMachineMillis() / 2;
            double perWorker = Math.max(0, x.roundTripMillis() - x.workerMillis()) / x.workers();
            double update = Math.max(0, x.stepMillis() - x.roundTripMillis());
            double weightBytes = x.bytesPerStep() / (2.0 * x.workers());
            for (double link : links) {
                md.append("| ").append(r.name()).append(" | ").append(link > 1e9 ? "10 Gb/s" : "1 Gb/s").append(" |");
                int takeover = -1;
                for (int n : machines) {
                    double slowest = work * (1 + Math.sqrt(2 * Math.log(n) / 100));
                    double comm = n * perWorker + 2 * n * weightBytes / link * 1e3;
                    double step = slowest + comm + update;
                    md.append(String.format(Locale.ROOT, " %.2fx |", n * work / step));
                    if (takeover < 0 && comm > slowest) {
                        takeover = n;
                    }
                }
                double limit = work / (perWorker + 2 * weightBytes / link * 1e3);
                md.append(takeover < 0 ? " beyond 64 |" : " " + takeover + " machines |")
                        .append(String.format(Locale.ROOT, " %.1fx |", limit)).append("\n");
            }
        }
        return md.toString();
    }


}
