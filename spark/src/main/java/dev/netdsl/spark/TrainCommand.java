package dev.netdsl.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Checkpoint;
import dev.netdsl.training.Fit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netdsl train-spark MODEL --input FILE --out FILE}: trains a saved model (a spec saved by {@code saveAll} before
 * any training, or a trained model to go on with) on a Parquet or CSV file with {@link SparkTrainer}: synchronous
 * data-parallel training on Spark ({@code local[*]} unless {@code --master} or {@code spark-submit} says otherwise).
 * Writes the trained model ({@code saveAll}), {@code OUT.metrics.json} and the loss curve {@code OUT.loss.png}. The {@code ./netdsl} launcher runs it; on a
 * cluster, {@code spark-submit --class dev.netdsl.spark.TrainCommand} runs the same thing.
 */
@Command(name = "train-spark", mixinStandardHelpOptions = true, version = "netdsl 0.1.0", sortOptions = false,
        description = {"Train a saved NetDSL model on a Parquet or CSV file on Apache Spark: synchronous data-parallel "
            + "training in barrier mode, every worker's gradients averaged at each step.", ""})
public final class TrainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A file written by Model.saveAll: a net with its loss and optimizer, "
            + "trained or not.")
    Path model;
    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The training rows: a Parquet file or "
            + "directory, or a CSV file with a header line.")
    String input;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the trained model "
            + "(Model.saveAll), and beside it FILE.metrics.json and the loss curve FILE.loss.png.")
    Path out;
    @Option(names = "--input-columns", split = ",", paramLabel = "COL", description = "The model's input: one array column, or "
            + "numeric columns in the model's order; NAME* takes every column starting with NAME (default: the only array "
            + "column, else every numeric column but the label).")
    List<String> inputColumns;
    @Option(names = "--label-column", defaultValue = "label", paramLabel = "NAME", description = "The targets: class numbers "
            + "for a classifier, else numbers (default: ${DEFAULT-VALUE}).")
    String labelColumn;
    @Option(names = "--workers", paramLabel = "N", description = "Worker tasks, each with a replica and 1/N of the rows "
            + "(default: Spark's default parallelism).")
    Integer workers;
    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the rows (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "32", description = "Rows per worker and step; a step takes N times "
            + "as many (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--validation", paramLabel = "FILE", description = "Rows to evaluate after every epoch (val_loss, "
            + "val_accuracy, ...), in the input's format and columns; read into the driver.")
    String validation;
    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Save the model with the fit's state after every "
            + "epoch (atomically); a run stopped midway goes on with MODEL=FILE and --resume.")
    Path checkpoint;
    @Option(names = "--resume", description = "Continue the checkpointed fit MODEL holds (written by --checkpoint).")
    boolean resume;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*], or what spark-submit gives).")
    String master;
    @Option(names = "--input-format", paramLabel = "parquet|csv", description = "Input format (default: csv for *.csv, parquet "
            + "otherwise).")
    String inputFormat;
    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    boolean overwrite;
    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    private PrintStream stdout = System.out;

    /** Runs the command and exits: 0 on success, 1 on a failed run, 2 on bad options, input or model. */
    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs the command without exiting the JVM; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");   // the loss plot needs no display
        }
        TrainCommand command = new TrainCommand();
        command.stdout = out;
        CommandLine cli = ScoreCommand.commandLine(command, "netdsl train-spark", out, err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (command.debug) {
                e.printStackTrace(cmd.getErr());
            }
            Throwable reason = e;
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof IllegalArgumentException || t instanceof dev.netdsl.NetDslException) {
                    reason = t;
                    break;
                }
            }
            cmd.getErr().println("netdsl train-spark: " + ScoreCommand.oneLine(reason.getMessage() != null ? reason.getMessage()
                    : reason.toString()));
            return reason instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        if (epochs < 1 || batchSize < 1 || workers != null && workers < 1) {
            throw new IllegalArgumentException(epochs < 1 ? "--epochs " + epochs + " must be at least 1" : batchSize < 1
                    ? "--batch-size " + batchSize + " must be at least 1" : "--workers " + workers + " must be at least 1");
        }
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("model " + model + " is not a file; give one written by Model.saveAll (a net with"
                    + " its loss and optimizer)");
        }
        if (Files.exists(out) && !overwrite) {
            throw new IllegalArgumentException("--out " + out + " already exists; pick a new file or pass --overwrite");
        }
        Net net;
        try (Model m = Model.open(model)) {
            net = m.spec();
        }
        String format = inputFormat != null ? inputFormat.toLowerCase(Locale.ROOT)
                : input.toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "parquet";
        if (!format.equals("parquet") && !format.equals("csv")) {
            throw new IllegalArgumentException("--input-format " + inputFormat + " is not parquet or csv");
        }
        SparkSession.Builder builder = SparkSession.builder().appName("netdsl train-spark " + model.getFileName());
        if (master != null) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master("local[*]");
        }
        boolean ours = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = builder.getOrCreate();
        try {
            Dataset<Row> data = read(spark, input, format);
            String[] columns = inputColumns(data, net.inputSize());
            SparkTrainer trainer = NetDslSpark.trainer(model).inputColumns(columns).labelColumn(labelColumn);
            if (workers != null) {
                trainer = trainer.workers(workers);
            }
            List<Callback> callbacks = new ArrayList<>();
            if (checkpoint != null) {
                callbacks.add(Checkpoint.every(checkpoint));
            }
            Fit fit = Fit.epochs(epochs).batchSize(batchSize).callbacks(callbacks.toArray(Callback[]::new)).printTo(stdout);
            if (validation != null) {
                fit = fit.validation(trainer.collect(read(spark, validation, format), net));
            }
            long start = System.nanoTime();
            try (SparkFit trained = trainer.fit(data, resume ? fit.resume() : fit)) {
                trained.model().saveAll(out);   // atomic
                Path metrics = out.resolveSibling(out.getFileName() + ".metrics.json");
                writeMetrics(metrics, trained, columns, spark, (System.nanoTime() - start) / 1e9);
                Path plot = out.resolveSibling(out.getFileName() + ".loss.png");
                plotLoss(plot, trained.history());
                stdout.printf(Locale.ROOT, "trained %s on %s (columns %s, label %s) on %s: %d steps in %.1f s -> %s, %s, %s%n", model,
                        input, String.join(",", columns), labelColumn, spark.sparkContext().master(), trained.history().steps(),
                        (System.nanoTime() - start) / 1e9, out, metrics, plot);
            }
            return 0;
        } finally {
            if (ours) {
                spark.stop();
            }
        }
    }

    private static Dataset<Row> read(SparkSession spark, String file, String format) {
        return format.equals("csv") ? spark.read().option("header", "true").option("inferSchema", "true").csv(file)
                : spark.read().parquet(file);
    }

    /** The input columns: as given (NAME* expanded), else the only array column, else every numeric one but the label. */
    private String[] inputColumns(Dataset<Row> data, int size) {
        if (inputColumns != null) {
            return InputColumns.expand(inputColumns, List.of(data.schema().fieldNames()), input, labelColumn)
                    .toArray(String[]::new);
        }
        List<String> columns = InputColumns.defaults(data.schema(), labelColumn);
        boolean array = columns.size() == 1 && data.schema().apply(columns.get(0)).dataType() instanceof ArrayType;
        if (!array && columns.size() != size) {
            List<String> arrays = java.util.Arrays.stream(data.schema().fields())
                    .filter(f -> !f.name().equals(labelColumn) && f.dataType() instanceof ArrayType).map(f -> f.name()).toList();
            throw new IllegalArgumentException("--input " + input + ": the net takes " + size + " values per row, but "
                    + (arrays.size() > 1 ? "there are several array columns " + arrays : "there are " + columns.size()
                    + " numeric columns besides the label " + columns) + "; name the input with --input-columns");
        }
        return columns.toArray(String[]::new);
    }

    /** The training loss per step and, if there is one, the validation loss after each epoch, as a PNG. */
    private static void plotLoss(Path file, History history) throws IOException {
        float[] losses = history.losses();
        double[] steps = new double[losses.length];
        double[] values = new double[losses.length];
        for (int i = 0; i < losses.length; i++) {
            steps[i] = i + 1;
            values[i] = losses[i];
        }
        XYChart chart = new XYChartBuilder().width(800).height(450).title("train-spark: loss").xAxisTitle("step")
                .yAxisTitle("loss").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE).setPlotBackgroundColor(java.awt.Color.WHITE)
                .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE).setMarkerSize(5);
        chart.addSeries("training loss, per step", steps, values).setMarker(SeriesMarkers.NONE);
        List<Map<String, Double>> epochs = history.epochs();
        if (!epochs.isEmpty() && epochs.get(0).containsKey("val_loss")) {
            double[] at = new double[epochs.size()];
            double[] val = new double[epochs.size()];
            for (int e = 0; e < epochs.size(); e++) {
                at[e] = (double) losses.length * (e + 1) / epochs.size();
                val[e] = epochs.get(e).get("val_loss");
            }
            chart.addSeries("validation loss, per epoch", at, val).setMarker(SeriesMarkers.CIRCLE);
        }
        writeAtomically(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }

    /** Writes {@code bytes} to a temporary file beside {@code file}, then moves it there: a failed run leaves no half file. */
    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void writeMetrics(Path file, SparkFit trained, String[] columns, SparkSession spark, double seconds) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "train-spark");
        m.put("model", model.toString());
        m.put("input", input);
        m.put("inputColumns", List.of(columns));
        m.put("labelColumn", labelColumn);
        m.put("master", spark.sparkContext().master());
        m.put("workers", trained.exchange().workers());
        m.put("batchSizePerWorker", batchSize);
        m.put("steps", trained.history().steps());
        m.put("seconds", seconds);
        m.put("epochs", trained.history().epochs());
        m.put("finalLoss", trained.history().finalLoss());
        SparkFit.Exchange x = trained.exchange();
        Map<String, Object> ex = new LinkedHashMap<>();
        ex.put("bytesPerStep", x.bytesPerStep());
        ex.put("stepMillis", x.stepMillis());
        ex.put("roundTripMillis", x.roundTripMillis());
        ex.put("workerMillis", x.workerMillis());
        ex.put("overheadMillis", x.overheadMillis());
        ex.put("startSeconds", x.startSeconds());
        ex.put("stageReruns", x.reruns());
        m.put("exchange", ex);
        writeAtomically(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(m));
    }
}
