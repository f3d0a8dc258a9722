package dev.netdsl.spark;

import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.training.Fit;
import dev.netdsl.training.Targets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * Synchronous data-parallel training on a Spark cluster, in Spark's barrier execution mode. From
 * {@code SparkClusterIT}:
 *
 * <pre>{@code
 * try (SparkFit trained = NetDslSpark.trainer(net()).inputColumns("pixels").labelColumn("label").workers(2)
 *         .fit(images(), Fit.epochs(1).batchSize(100).quiet())) {      // 100 rows per worker and step: 200 per step
 *     History h = trained.history();                                   // as Model.fit returns it
 *     trained.model().saveAll(dir.resolve("mnist.netdsl"));            // an open Model, like any other
 *     System.out.println(trained.exchange());                          // what the exchange cost per step
 * }
 * }</pre>
 *
 * <p>Row {@code i} of the DataFrame lives on worker {@code i % workers}, a barrier task that holds a replica of the
 * model. The driver runs {@code Model.fit} as on one machine (the shuffle, validation, callbacks, schedules,
 * checkpoints, the epoch lines), and at each step sends every worker its rows of the batch with the current weights;
 * the workers' gradients, averaged by their rows, are the step's, so {@code n} workers with batch {@code b} follow
 * the path of one machine with batch {@code n * b}. A worker lost mid-fit makes Spark rerun the barrier stage; the
 * driver redoes the step it was in, so the run ends with the weights of an uninterrupted one.
 */
public final class SparkTrainer {
    private final Net net;
    private final Path saved;
    private final List<String> inputColumns;
    private final String labelColumn;
    private final int workers;

    private SparkTrainer(Net net, Path saved, List<String> inputColumns, String labelColumn, int workers) {
        this.net = net;
        this.saved = saved;
        this.inputColumns = inputColumns;
        this.labelColumn = labelColumn;
        this.workers = workers;
    }

    static SparkTrainer of(Net net, Path saved) {
        return new SparkTrainer(net, saved, List.of("features"), "label", 0);
    }

    /**
     * The model's input: one array column of numbers, or one numeric column per input value, in order. The default:
     * {@code features}.
     */
    public SparkTrainer inputColumns(String... columns) {
        return new SparkTrainer(net, saved, Scorer.checkedColumns(columns), labelColumn, workers);
    }

    /**
     * The targets: class numbers ({@code 0..classes-1}) for a classifier's loss, else a number (or an array of numbers)
     * per row of the net's output shape. The default: {@code label}.
     */
    public SparkTrainer labelColumn(String column) {
        Objects.requireNonNull(column, "column");
        if (column.isBlank()) {
            throw new IllegalArgumentException("labelColumn: the column name is blank");
        }
        return new SparkTrainer(net, saved, inputColumns, column, workers);
    }

    /**
     * The worker tasks, each holding a replica and a {@code 1/n} share of the rows; barrier mode runs them all at once,
     * so the cluster needs {@code n} free task slots. The default: Spark's default parallelism (every core).
     */
    public SparkTrainer workers(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("workers: " + n + " must be at least 1");
        }
        return new SparkTrainer(net, saved, inputColumns, labelColumn, n);
    }

    /**
     * Trains on {@code data} as {@code fit} says, {@code fit.batchSize()} being each worker's rows per step. The
     * DataFrame must give its rows in the same order each time it is read (a file, or cached). Checked before any
     * task starts: the columns exist and their types fit the net; while the tasks read their rows, every value (the
     * job fails naming the column and row).
     *
     * @throws IllegalArgumentException naming the column (or row) if the data does not fit the net
     */
    public SparkFit fit(Dataset<Row> data, Fit fit) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(fit, "fit");
        SparkContext sc = data.sparkSession().sparkContext();
        int n = workers > 0 ? workers : sc.defaultParallelism();
        Model model = saved != null ? Model.open(saved) : net.build();
        try {
            return fit(model, data, fit, n, sc);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    private SparkFit fit(Model model, Dataset<Row> data, Fit fit, int n, SparkContext sc) {
        Net spec = model.spec();
        TrainTask.Layout layout = layout(data.schema(), spec);
        long rows = data.count();
        if (rows > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("fit: the DataFrame has " + rows + " rows; a fit takes at most 2^31 - 9");
        }
        if (rows < n) {
            throw new IllegalArgumentException("fit: the DataFrame has " + rows + " rows, fewer than the " + n + " workers");
        }
        Fit global = fit.fullBatch() ? fit : fit.batchSize(Math.multiplyExact(n, fit.batchSize()));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        // Tasks connect to the driver's advertised host; the port listens where the driver binds (every interface if unset).
        String host = sc.getConf().get("spark.driver.host", "localhost");
        String bind = sc.getConf().getOption("spark.driver.bindAddress").getOrElse(() -> null);
        long token = new java.security.SecureRandom().nextLong();
        java.io.PrintStream log = fit.isQuiet() ? new java.io.PrintStream(java.io.OutputStream.nullOutputStream()) : fit.out();
        String tag = "netdsl-fit-" + Long.toHexString(token);
        Broadcast<byte[]> file = jsc.broadcast(replicaFile(model));
        JavaFutureAction<List<long[]>> job = null;
        int[] jobId = {-1};
        try (GradientHub hub = new GradientHub(bind, n, (int) rows, token, log, () -> running(sc, jobId[0]))) {
            List<String> columns = new ArrayList<>(inputColumns);
            if (!columns.contains(labelColumn)) {
                columns.add(labelColumn);
            }
            Dataset<Row> selected = data.select(columns.stream().map(data::col).toArray(org.apache.spark.sql.Column[]::new));
            JavaPairRDD<Long, Row> sharded = selected.javaRDD().zipWithIndex()
                    .mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                    .partitionBy(new Shards(n));
            TrainTask task = new TrainTask(host, hub.port(), token, n, file, layout(selected.schema(), spec));
            RDD<long[]> trained = sharded.rdd().barrier().mapPartitions(task, false, ClassTag$.MODULE$.apply(long[].class));
            sc.addJobTag(tag);
            try {
                // A shuffle after the barrier stage makes it a map stage, which Spark reruns when a task fails.
                job = trained.toJavaRDD().repartition(1).collectAsync();
            } finally {
                sc.removeJobTag(tag);
            }
            jobId[0] = job.jobIds().isEmpty() ? -1 : job.jobIds().get(job.jobIds().size() - 1);
            hub.job(job);
            History history;
            try {
                history = model.fit(hub, global);
            } catch (dev.netdsl.TrainingDivergedException e) {
                throw new dev.netdsl.TrainingDivergedException(e.getMessage() + " (the Spark trainer's model is closed with"
                        + " the fit; a Checkpoint callback keeps the state to go on from)", e.step(), e.loss());
            }
            String unfinished = hub.finish(FINISH_MILLIS);
            if (unfinished != null) {
                log.println("spark fit: trained; " + unfinished + " (the model is not affected)");
            }
            long steps = Math.max(1, hub.steps);
            SparkFit.Exchange exchange = new SparkFit.Exchange(n, hub.steps, (hub.bytesOut + hub.bytesIn) / steps,
                    (hub.lastStepEnd - hub.readyAt) / 1e6 / steps, hub.roundTripNanos / 1e6 / steps,
                    hub.slowestWorkerNanos / 1e6 / steps, (hub.readyAt - hub.createdAt) / 1e9, hub.reruns);
            log.println("spark fit: " + exchange);
            return new SparkFit(model, history, exchange);
        } finally {
            if (job != null && !job.isDone()) {
                sc.cancelJobsWithTag(tag);
            }
            file.destroy();
        }
    }

    /** How long the driver waits, after the last step, for the workers' job to end. */
    private static final long FINISH_MILLIS = 5 * 60_000L;

    /** The tasks of job {@code jobId} running now (0 before the job is known). */
    private static int running(SparkContext sc, int jobId) {
        if (jobId < 0) {
            return 0;
        }
        org.apache.spark.SparkJobInfo info = sc.statusTracker().getJobInfo(jobId).getOrElse(() -> null);
        if (info == null) {
            return 0;
        }
        int active = 0;
        for (int stage : info.stageIds()) {
            org.apache.spark.SparkStageInfo s = sc.statusTracker().getStageInfo(stage).getOrElse(() -> null);
            active += s == null ? 0 : s.numActiveTasks();
        }
        return active;
    }

    /** What the rows hold and how the net takes them, checked against the schema before any task starts. */
    private TrainTask.Layout layout(StructType schema, Net spec) {
        int[] in = Scorer.indexes(schema, inputColumns);
        boolean array = Scorer.arrayInput(schema, in, inputColumns);
        int size = spec.inputSize();
        if (!array && in.length != size) {
            throw new IllegalArgumentException("the net takes " + size + " values per row but " + in.length + " input column"
                    + (in.length == 1 ? " was" : "s were") + " given " + inputColumns + "; give one array column of " + size
                    + " values or " + size + " numeric columns");
        }
        if (inputColumns.contains(labelColumn)) {
            throw new IllegalArgumentException("labelColumn '" + labelColumn + "' is also an input column; give the targets"
                    + " their own column");
        }
        if (spec.loss().isEmpty()) {
            throw new IllegalStateException("fit: " + spec + " has no loss; add one, e.g. .crossEntropy()");
        }
        int label = Scorer.indexes(schema, List.of(labelColumn), "label column")[0];
        DataType type = schema.fields()[label].dataType();
        boolean classes = spec.loss().get().targets() == Targets.CLASSES;
        int outputs = spec.outputSize();
        RowInput target = null;
        if (classes && !(type instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + labelColumn + "' is " + type.simpleString() + "; the net's loss"
                    + " takes class numbers 0 to " + (outputs - 1) + ", one numeric value per row");
        }
        if (!classes) {
            boolean labelArray = type instanceof ArrayType a && a.elementType() instanceof NumericType;
            if (!labelArray && !(type instanceof NumericType) || !labelArray && outputs != 1) {
                throw new IllegalArgumentException("label column '" + labelColumn + "' is " + type.simpleString() + "; the net's"
                        + " loss takes " + outputs + " number" + (outputs == 1 ? "" : "s") + " per row (its output shape "
                        + Arrays.toString(spec.outputShape()) + "): give " + (outputs == 1 ? "a numeric column" : "an array column"));
            }
            target = new RowInput(new int[] {label}, new String[] {labelColumn}, labelArray, outputs);
        }
        RowInput input = new RowInput(in, inputColumns.toArray(String[]::new), array, size);
        return new TrainTask.Layout(input, target, label, labelColumn, classes, outputs, spec.inputType().isInteger(),
                spec.inputShape(), spec.outputShape());
    }

    /**
     * {@code data}'s rows in this JVM as a {@code Dataset} for {@code spec}, read as the workers read theirs (columns
     * and rows checked the same way): for a validation set the driver evaluates.
     *
     * @throws IllegalArgumentException naming the column (or row) if the data does not fit the net
     */
    dev.netdsl.Dataset collect(Dataset<Row> data, Net spec) {
        TrainTask.Layout layout = layout(data.schema(), spec);
        List<Row> rows = data.collectAsList();
        java.util.Iterator<Tuple2<Long, Row>> indexed = java.util.stream.IntStream.range(0, rows.size())
                .mapToObj(i -> new Tuple2<>((long) i, rows.get(i))).iterator();
        TrainTask.Shard shard = TrainTask.Shard.read(scala.jdk.javaapi.CollectionConverters.asScala(indexed), 0, 1, layout);
        int[] all = new int[shard.rows];
        Arrays.setAll(all, i -> i);
        return shard.batch(all);
    }

    /** The model as {@code saveAll} writes it, which every worker opens as its replica. */
    private static byte[] replicaFile(Model model) {
        try {
            Path dir = Files.createTempDirectory("netdsl-spark-fit");
            Path file = dir.resolve("replica.netdsl");
            try {
                model.saveAll(file);
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("fit: can't write the model for the workers: " + e.getMessage(), e);
        }
    }

    /** Row {@code i} to worker {@code i % workers}. */
    private static final class Shards extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int workers;

        Shards(int workers) {
            this.workers = workers;
        }

        @Override
        public int numPartitions() {
            return workers;
        }

        @Override
        public int getPartition(Object key) {
            return (int) ((Long) key % workers);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Shards s && s.workers == workers;
        }

        @Override
        public int hashCode() {
            return workers;
        }
    }

    @Override
    public String toString() {
        return "NetDslSpark.trainer(" + (saved != null ? saved : net) + ").inputColumns(" + String.join(", ", inputColumns)
                + ").labelColumn(" + labelColumn + ")" + (workers > 0 ? ".workers(" + workers + ")" : "");
    }
}
