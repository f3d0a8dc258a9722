package dev.netdsl.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netdsl score MODEL --input FILE --out DIR}: scores a Parquet or CSV file with a model on
 * Spark ({@code local[*]} unless {@code --master} or {@code spark-submit} says otherwise) and writes
 * the rows with the model's outputs. The {@code ./netdsl} launcher runs it; on a cluster,
 * {@code spark-submit --class dev.netdsl.spark.ScoreCommand} runs the same thing.
 *
 * <p>What can be checked before Spark starts is checked first, in a few seconds: the options, the model
 * (it opens; its input size), the input's columns (a CSV header, a Parquet footer) and, for CSV, every
 * row, so a bad one fails naming its file and line. An input Spark reads from another file system
 * (hdfs://, s3a://, ...) is checked the same way once Spark has started, with its Hadoop settings.
 */
@Command(name = "score", mixinStandardHelpOptions = true, version = "netdsl 0.1.0", sortOptions = false,
        description = {"Score a Parquet or CSV file with a saved NetDSL model (Model.saveAll) or a TensorFlow SavedModel on "
            + "Apache Spark, and write every row with the model's outputs.", ""})
public final class ScoreCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A file written by Model.saveAll, or a SavedModel directory "
            + "(Model.exportSavedModel, ./netdsl export).")
    Path model;
    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The rows: a Parquet file or directory, or a CSV "
            + "file with a header line.")
    String input;
    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Out outDir;
    /** The output directory: --out, or --output. */
    private String output;

    /** --out, or its old name --output, which scripts may still give: taken, not listed. */
    static final class Out {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The directory for the scored rows. Spark "
                + "writes them to a temporary folder beside it (DIR.tmp-...), moved to DIR once every row is scored: a failed run "
                + "leaves no DIR, and leaves an existing one (--overwrite) as it was.")
        String dir;
        @Option(names = "--output", required = true, hidden = true, paramLabel = "DIR")
        String oldName;
    }

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*], or what spark-submit gives).")
    String master;
    @Option(names = "--format", defaultValue = "parquet", paramLabel = "parquet|csv", description = "Output format (default: "
            + "${DEFAULT-VALUE}); csv writes the outputs as columns OUT_0, OUT_1, ...")
    String format;
    @Option(names = "--input-format", paramLabel = "parquet|csv", description = "Input format (default: csv for *.csv, parquet "
            + "otherwise).")
    String inputFormat;
    @Option(names = "--input-columns", split = ",", paramLabel = "COL", description = "The model's input: one array column, or "
            + "numeric columns in the model's order; NAME* takes every column starting with NAME (default: the only array "
            + "column, else every numeric column; for CSV, every column that holds numbers).")
    List<String> inputColumns;
    @Option(names = "--output-column", defaultValue = "prediction", paramLabel = "OUT", description = "Column for the outputs "
            + "(default: ${DEFAULT-VALUE}).")
    String outputColumn;
    @Option(names = "--class-column", paramLabel = "NAME", description = "Also write the arg-max class to this column (default: "
            + "'class' for a NetDSL model trained with cross-entropy, none otherwise; 'none' for none).")
    String classColumn;
    @Option(names = "--batch-size", defaultValue = "1024", description = "Rows per predict call (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--overwrite", description = "Replace --out if it exists, once the new rows are all written.")
    boolean overwrite;
    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    /** How many times the command has asked for a Spark session (tests check it asked none when a check failed first). */
    static final AtomicInteger SPARK_SESSIONS = new AtomicInteger();

    /** Runs the command and exits: 0 on success, 1 on a failed run, 2 on bad options, input or model. */
    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs the command without exiting the JVM; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        ScoreCommand command = new ScoreCommand();
        command.out = out;
        command.err = err;
        CommandLine cli = commandLine(command, "netdsl score", out, err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (command.debug) {
                e.printStackTrace(cmd.getErr());
            }
            // A task's failure reaches the driver wrapped by Spark; the reason is the first of ours in the causes.
            Throwable reason = e;
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof RowInput.BadRow row) {
                    // Spark splits files into partitions: a row is found by its partition, said on one line with what to do.
                    reason = new BadInput(command.input + ": " + row.where() + ": " + row.problem() + "; drop or fix the row");
                    break;
                }
                if (t instanceof IllegalArgumentException || t instanceof dev.netdsl.NetDslException) {
                    reason = t;
                    break;
                }
                if (t instanceof com.univocity.parsers.common.TextParsingException csv) {
                    reason = command.unreadable(csv);
                    break;
                }
            }
            cmd.getErr().println("netdsl score: " + oneLine(reason.getMessage() != null ? reason.getMessage() : reason.toString()));
            if (reason instanceof BadInput) {
                return 2;   // the line says what to fix
            }
            if (reason instanceof IllegalArgumentException) {
                cmd.getErr().println("Try 'netdsl score --help' for the options.");
                return 2;
            }
            return 1;
        });
        return cli.execute(args);
    }

    /**
     * The command line of a spark-module command ({@code score}, {@code train-spark}): Spark's log at warnings only
     * (unless the user gives a log4j2 configuration), help and errors to {@code out} and {@code err}, and a bad option
     * printed with the usage, exit code 2.
     */
    static CommandLine commandLine(Object command, String name, PrintStream out, PrintStream err) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:dev/netdsl/spark/cli-log4j2.properties");
        }
        CommandLine cli = new CommandLine(command).setCommandName(name);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, unused) -> {
            e.getCommandLine().getErr().println(e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return 2;
        });
        return cli;
    }

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    /** The most cells Spark's CSV reader takes in a row: twice the header's, at least Spark's default. */
    private int maxColumns = SPARK_MAX_COLUMNS;
    static final int SPARK_MAX_COLUMNS = 20_480;
    /** The most characters of an error message printed (--debug prints all). */
    private static final int MESSAGE_CHARS = 1000;

    /** The first line of a message, at most {@link #MESSAGE_CHARS} characters of it: a foreign error's dump stays out. */
    static String oneLine(String message) {
        int end = message.indexOf('\n');
        String line = (end < 0 ? message : message.substring(0, end)).stripTrailing();
        if (line.length() > MESSAGE_CHARS) {
            line = line.substring(0, MESSAGE_CHARS) + "...";
        }
        return line.length() < message.strip().length() ? line + " (--debug prints the whole error)" : line;
    }

    /** Spark's CSV reader (univocity) failing on a line of the input, said in one line: bad input. */
    private BadInput unreadable(com.univocity.parsers.common.TextParsingException e) {
        // No line number: the reader counts lines from the start of its split of the file, not of the file. (Rows are
        // checked line by line before Spark reads them, so this is a file that changed meanwhile, or a reader's quirk.)
        if (e.getCause() instanceof ArrayIndexOutOfBoundsException) {
            return new BadInput(String.format(Locale.ROOT, "--input %s: a row has more than %,d cells, the most "
                    + "Spark's CSV reader is set to take for this header (twice its cells, at least %,d); check the row's "
                    + "delimiters and quotes", input, maxColumns, SPARK_MAX_COLUMNS), e);
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return new BadInput("--input " + input + ": Spark's CSV reader failed: "
                + message.lines().findFirst().orElse(""), e);
    }

    /** The model, opened before Spark starts to check it: what the checks and the command need to know of it. */
    record ModelInfo(int inputSize, int outputSize, boolean classifier) {
    }

    /** The model, opened on first use (see {@link #model()}). */
    private ModelInfo info;
    /** True if the tasks run in this JVM ({@code local[*]}): the model opened for the checks is then the one they use. */
    private boolean local;

    /** Scores the input and writes the output; returns 0 (failures are thrown and become exit codes in {@link #execute}). */
    @Override
    public Integer call() throws IOException {
        format = format.toLowerCase(Locale.ROOT);
        if (!format.equals("parquet") && !format.equals("csv")) {
            throw new IllegalArgumentException("--format " + format + " is not parquet or csv");
        }
        String inFormat = inputFormat != null ? inputFormat.toLowerCase(Locale.ROOT)
                : input.toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "parquet";
        if (!inFormat.equals("parquet") && !inFormat.equals("csv")) {
            throw new IllegalArgumentException("--input-format " + inputFormat + " is not parquet or csv");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size " + batchSize + " must be at least 1");
        }
        output = outDir.dir != null ? outDir.dir : outDir.oldName;
        if (inputColumns != null && inputColumns.stream().distinct().count() != inputColumns.size()) {
            throw new IllegalArgumentException("--input-columns " + String.join(",", inputColumns) + " names a column twice");
        }
        if (classColumn != null && classColumn.equals(outputColumn)) {
            throw new IllegalArgumentException("--output-column and --class-column are both '" + outputColumn + "'; give them two "
                    + "names");
        }

        // Checked before Spark starts, cheapest first: the files, the input's columns, the model, the rows of a CSV file.
        if (!Files.exists(model)) {
            throw new BadInput("model " + model + " does not exist; give a file written by Model.saveAll or a SavedModel "
                    + "directory (./netdsl export)");
        }
        String sparkMaster = master != null ? master : System.getProperty("spark.master", "local[*]");
        local = sparkMaster.startsWith("local");
        Path localInput = localPath(input);
        if (localInput != null && !Files.exists(localInput)) {
            throw new BadInput("--input " + input + " does not exist");
        }
        Path localOutput = localPath(output);
        if (localOutput != null && Files.exists(localOutput) && !overwrite) {
            throw new BadInput("--out " + output + " already exists; pick a new directory or pass --overwrite");
        }
        InputColumns checks = new InputColumns(input, inputColumns, outputColumn, format, this::classColumn, this::model);
        InputColumns.Checked checked = null;
        if (localInput != null) {
            Configuration conf = new Configuration();
            org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(localInput.toAbsolutePath().toUri());
            checked = checks.check(root.getFileSystem(conf), conf, root, inFormat);
        }
        ModelInfo m = model();

        SparkSession.Builder builder = SparkSession.builder().appName("netdsl score " + model.getFileName());
        if (master != null) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master("local[*]");
        }
        long start = System.nanoTime();
        boolean ours = SparkSession.getDefaultSession().isEmpty();
        SPARK_SESSIONS.incrementAndGet();
        SparkSession spark = builder.getOrCreate();
        try {
            // Written beside the output, moved there once every row is written: a failed run leaves the output as it was.
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(output);
            FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            target = fs.makeQualified(target);
            if (target.getParent() == null) {
                throw new BadInput("--out " + output + " is the root of its file system; give a directory in it");
            }
            if (fs.exists(target) && !overwrite) {
                throw new BadInput("--out " + output + " already exists; pick a new directory or pass --overwrite");
            }
            if (localInput == null) {
                // On another file system (hdfs://, s3a://, ...): read with Spark's Hadoop settings, the same checks.
                org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
                org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(input);
                checked = checks.check(root.getFileSystem(conf), conf, root, inFormat);
            }
            StagedOutput staged = new StagedOutput(fs, target, err);
            Dataset<Row> data;
            if (inFormat.equals("csv")) {
                maxColumns = Math.max(SPARK_MAX_COLUMNS, 2 * (checked != null ? checked.headerCells() : checks.headerCells(spark)));
                data = spark.read().option("header", "true").option("inferSchema", "true").option("maxColumns", maxColumns)
                        .csv(input);
            } else {
                data = spark.read().parquet(input);
            }
            // Without checks before (a partitioned folder), the same checks on the columns Spark found.
            String[] columns = checked != null ? checked.columns() : checks.inputColumns(data.schema(), inFormat);
            Scorer scorer = NetDslSpark.model(model).inputColumns(columns).outputColumn(outputColumn).batchSize(batchSize);
            String classes = classColumn();
            if (!classes.equals("none")) {
                scorer = scorer.classColumn(classes);
            }
            LongAccumulator rows = spark.sparkContext().longAccumulator("netdsl rows scored");
            Dataset<Row> scored = scorer.transform(data, rows);
            if (format.equals("csv")) {
                scored = StagedOutput.flattenForCsv(scored, outputColumn, m.outputSize());
            }
            staged.write(scored, format);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "scored %,d rows of %s (columns %s) with %s on %s in %.1f s: %s%s -> %s (%s)%n", rows.value(),
                    input, String.join(",", columns), model, spark.sparkContext().master(), seconds, outputColumn,
                    classes.equals("none") ? "" : " and " + classes, output, format);
            return 0;
        } finally {
            if (ours) {
                spark.stop();   // a session that was there before (a test, a notebook) stays
            }
        }
    }

    /**
     * The model, opened once: through the model cache when the tasks run in this JVM (they then use it), else
     * opened and closed again.
     *
     * @throws BadInput naming the file if it does not open as a model
     */
    private ModelInfo model() {
        if (info == null) {
            Path m = model.toAbsolutePath().normalize();
            String key = ModelFiles.hash(m);
            java.util.function.Function<ScoringModel, ModelInfo> read =
                    s -> new ModelInfo(s.inputSize(), s.outputSize(), s.classifier());
            try {
                if (local) {
                    info = read.apply(ModelCache.get(key, ModelCache.Sharing.SHARED, () -> ScoringModel.open(m)).model());
                } else {
                    try (ScoringModel s = ScoringModel.open(m)) {
                        info = read.apply(s);
                    }
                }
            } catch (BadInput e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new BadInput(e.getMessage(), e);   // ScoringModel.open names the file and what is wrong with it
            }
        }
        return info;
    }

    /** The class column: as given, else 'class' for a NetDSL model trained with cross-entropy, else none. */
    private String classColumn() {
        return classColumn != null ? classColumn : model().classifier() ? "class" : "none";
    }

    /** The local path {@code location} names, or null for a URI with a scheme (hdfs://, s3a://, ...). */
    private static Path localPath(String location) {
        try {
            URI uri = URI.create(location);
            if (uri.getScheme() == null) {
                return Path.of(location);
            }
            return uri.getScheme().equals("file") ? Path.of(uri) : null;
        } catch (IllegalArgumentException e) {
            return Path.of(location);
        }
    }
}
