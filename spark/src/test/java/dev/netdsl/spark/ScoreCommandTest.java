package dev.netdsl.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.models.MnistMlp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netdsl score}: Parquet and CSV in and out, and bad input as one line with exit code 2: checked before Spark
 * starts (the model, the columns, every CSV row, by file and line), or found by Spark (a Parquet row).
 */
class ScoreCommandTest {
    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
    }

    record Run(int code, String out, String err) {
    }

    static Run score(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ScoreCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scores_a_parquet_file_with_a_model_file_into_parquet_with_the_class() {
        // GIVEN the MNIST MLP saved whole and 3,000 images in one Parquet file
        Path model = dir.resolve("mnist.netdsl");
        float[][] expected = new float[3000][];
        try (Model m = MnistMlp.sequential(false).crossEntropy().sgd(0.01).seed(3).build()) {
            m.saveAll(model);
            for (int start = 0; start < 3000; start += 1024) {        // one partition, read in batches of 1024
                int n = Math.min(1024, 3000 - start);
                float[][] x = new float[n][];
                for (int i = 0; i < n; i++) {
                    x[i] = TestSpark.pixels(start + i);
                }
                System.arraycopy(m.predict(x), 0, expected, start, n);
            }
        }
        Path images = dir.resolve("images.parquet");
        TestSpark.images(spark, 3000, 1).write().parquet(images.toString());
        Path scored = dir.resolve("scored");
        // WHEN it is scored from the command line
        Run run = score(model.toString(), "--input", images.toString(), "--out", scored.toString(), "--master", "local[2]");
        // THEN the Parquet output has each row's logits, exactly Model.predict's, and the arg-max in 'class'
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("scored 3,000 rows of " + images + " (columns pixels) with " + model);
        List<Row> rows = spark.read().parquet(scored.toString()).select("id", "prediction", "class").collectAsList();
        assertThat(rows).hasSize(3000);
        for (Row row : rows) {
            float[] want = expected[(int) row.getLong(0)];
            List<Float> got = row.getList(1);
            for (int i = 0; i < want.length; i++) {
                assertThat(got.get(i)).isEqualTo(want[i]);
            }
            assertThat(row.getInt(2)).isEqualTo(PartitionScorer.argMax(want));
        }
    }

    @Test
    void scores_a_csv_file_with_a_savedmodel_into_csv_columns() throws Exception {
        // GIVEN a net on two numeric inputs exported as a SavedModel, and a CSV with an id and the two inputs
        Path export = dir.resolve("two-inputs");
        float[][] expected;
        try (Model m = Net.of(2, 8, 3).tanh().mse().sgd(0.1).seed(5).build()) {
            m.exportSavedModel(export);
            expected = m.predict(new float[][] {{0.5f, -1f}, {2f, 0.25f}});
        }
        Path csv = dir.resolve("points.csv");
        Files.writeString(csv, "name,a,b\nfirst,0.5,-1\nsecond,2,0.25\n");
        Path out = dir.resolve("points-scored");
        // WHEN it is scored to CSV (with --output, the old name of --out, which scripts may still use)
        Run run = score(export.toString(), "--input", csv.toString(), "--output", out.toString(), "--format", "csv",
                "--input-columns", "a,b", "--output-column", "y");
        // THEN the CSV has the outputs as y_0, y_1, y_2, as Model.predict gave them
        assertThat(run.code()).as(run.err()).isZero();
        List<Row> rows = spark.read().option("header", "true").csv(out.toString()).orderBy("name").collectAsList();
        assertThat(rows.get(0).schema().fieldNames()).containsExactly("name", "a", "b", "y_0", "y_1", "y_2");
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < 3; i++) {
                assertThat(Float.parseFloat(rows.get(r).getString(3 + i))).isEqualTo(expected[r][i]);
            }
        }
    }

    /** A small model on two inputs, saved whole in {@code folder} (a classifier: 'class' is written by default). */
    static Path smallModel(Path folder) {
        Path model = folder.resolve("small.netdsl");
        if (!Files.exists(model)) {
            try (Model m = Net.of(2, 4, 2).relu().crossEntropy().sgd(0.1).seed(1).build()) {
                m.saveAll(model);
            }
        }
        return model;
    }

    /** Runs score expecting a check to fail before Spark: exit 2, one line on stderr, nothing on stdout, no Spark session asked. */
    static String failsBeforeSpark(String... args) {
        int sessions = ScoreCommand.SPARK_SESSIONS.get();
        Run run = score(args);
        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).as(run.err()).hasSize(1);
        assertThat(ScoreCommand.SPARK_SESSIONS.get()).as("Spark sessions asked for").isEqualTo(sessions);
        return run.err();
    }

    @Test
    void a_missing_column_exits_with_2_and_one_line_naming_it_before_spark_starts() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("missing"));
        Path csv = Files.writeString(parent.resolve("ab.csv"), "a,b\n1,2\n");
        String err = failsBeforeSpark(smallModel(parent).toString(), "--input", csv.toString(), "--out",
                parent.resolve("never").toString(), "--input-columns", "a,c");
        assertThat(err).isEqualTo("netdsl score: --input-columns c: " + csv + " has no column 'c'; its columns are [a, b]\n");
        assertThat(siblings(parent, "never")).isEmpty();
    }

    @Test
    void a_short_row_is_one_line_naming_the_file_and_line_before_spark_starts_and_leaves_nothing() throws Exception {
        // The issue's file: printf 'a,b\n1,2\n4\n' exited 2 after 238 lines of Spark's stack traces, naming "row 1 of
        // partition 0" and advising df.na().drop().
        Path parent = Files.createDirectories(dir.resolve("short"));
        Path csv = Files.writeString(parent.resolve("points.csv"), "a,b\n1,2\n4\n");
        String err = failsBeforeSpark(smallModel(parent).toString(), "--input", csv.toString(), "--out",
                parent.resolve("scored").toString());
        assertThat(err).isEqualTo("netdsl score: " + csv + " line 3: column b is empty (the line has 1 cell, the header 2); "
                + "drop or fix the row\n");
        assertThat(siblings(parent, "scored")).isEmpty();
    }

    @Test
    void an_empty_cell_is_one_line_naming_the_file_and_line() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("hole"));
        Path csv = Files.writeString(parent.resolve("hole.csv"), "id,a,b\nx,1,2\ny,,3\n");
        String err = failsBeforeSpark(smallModel(parent).toString(), "--input", csv.toString(), "--out",
                parent.resolve("scored").toString(), "--input-columns", "a,b");
        assertThat(err).isEqualTo("netdsl score: " + csv + " line 3: column a is empty; drop or fix the row\n");
    }

    @Test
    void a_text_cell_in_a_column_of_numbers_is_named_not_dropped() throws Exception {
        // It was: the column became text for Spark, was left out of the default input columns, and the error blamed
        // the number of columns.
        Path parent = Files.createDirectories(dir.resolve("text"));
        Path csv = Files.writeString(parent.resolve("points.csv"), "a,b\n1,2\n4,x\n");
        String err = failsBeforeSpark(smallModel(parent).toString(), "--input", csv.toString(), "--out",
                parent.resolve("scored").toString());
        assertThat(err).isEqualTo("netdsl score: " + csv + " line 3: column b is \"x\", not a number; drop or fix the row (or "
                + "name the model's input columns with --input-columns)\n");
        // Named, the same.
        String named = failsBeforeSpark(smallModel(parent).toString(), "--input", csv.toString(), "--out",
                parent.resolve("scored").toString(), "--input-columns", "a,b");
        assertThat(named).isEqualTo("netdsl score: " + csv + " line 3: column b is \"x\", not a number; drop or fix the row\n");
        // A text cell met before the column's first number is reported once the number shows it is an input column.
        Path early = Files.writeString(parent.resolve("early.csv"), "name,a,b\nfirst,1,x\nsecond,2,3\n");
        assertThat(failsBeforeSpark(smallModel(parent).toString(), "--input", early.toString(), "--out",
                parent.resolve("scored").toString())).startsWith("netdsl score: " + early + " line 2: column b is \"x\", not a number");
    }

    @Test
    void the_lines_are_the_files_lines_blank_lines_and_a_byte_order_mark_included() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("lines"));
        Path csv = Files.writeString(parent.resolve("in.csv"), "\uFEFF\na,b\r\n1,2\r\n\r\n   \r\n\"3\",\"4\"\r\n5,\"\"\r\n");
        String err = failsBeforeSpark(smallModel(parent).toString(), "--input", csv.toString(), "--out",
                parent.resolve("scored").toString());
        assertThat(err).isEqualTo("netdsl score: " + csv + " line 7: column b is empty; drop or fix the row\n");
    }

    @Test
    void a_csv_file_without_rows_or_without_a_header_is_one_line() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("no-rows"));
        Path header = Files.writeString(parent.resolve("header.csv"), "a,b\n\n");
        assertThat(failsBeforeSpark(smallModel(parent).toString(), "--input", header.toString(), "--out",
                parent.resolve("scored").toString())).isEqualTo("netdsl score: --input " + header + " has a header line but no rows "
                + "to score\n");
        Path empty = Files.writeString(parent.resolve("empty.csv"), " \n");
        assertThat(failsBeforeSpark(smallModel(parent).toString(), "--input", empty.toString(), "--out",
                parent.resolve("scored").toString())).isEqualTo("netdsl score: --input " + empty + " is empty: no header line; "
                + "give a CSV file whose first line names the columns\n");
    }

    @Test
    void a_folder_of_csv_files_names_the_file_and_its_line_and_refuses_another_header() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("folder"));
        Path in = Files.createDirectories(parent.resolve("in"));
        Files.writeString(in.resolve("part-0.csv"), "a,b\n1,2\n3,4\n");
        Files.writeString(in.resolve("part-1.csv"), "a,b\n5,6\n7,8,9\n");
        Files.writeString(in.resolve("_SUCCESS"), "");
        Files.writeString(in.resolve(".part-0.csv.crc"), "not read");
        String err = failsBeforeSpark(smallModel(parent).toString(), "--input", in.toString(), "--input-format", "csv", "--out",
                parent.resolve("scored").toString());
        assertThat(err).isEqualTo("netdsl score: " + in + "/part-1.csv line 3 has 3 cells, the header 2; check the row's "
                + "delimiters and quotes, or drop the row\n");
        Files.writeString(in.resolve("part-1.csv"), "b,a\n5,6\n");
        assertThat(failsBeforeSpark(smallModel(parent).toString(), "--input", in.toString(), "--input-format", "csv", "--out",
                parent.resolve("scored").toString())).isEqualTo("netdsl score: " + in + "/part-1.csv line 1: the header [b, a] "
                + "differs from " + in + "/part-0.csv's [a, b]; Spark would read its columns by position under " + in
                + "/part-0.csv's names: give every file the same header\n");
    }

    @Test
    void a_model_that_does_not_open_exits_with_2_naming_the_file_before_spark_starts() throws Exception {
        Path junk = dir.resolve("junk.netdsl");
        Files.writeString(junk, "junk");
        Path csv = dir.resolve("one.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        String err = failsBeforeSpark(junk.toString(), "--input", csv.toString(), "--out", dir.resolve("never3").toString());
        assertThat(err).startsWith("netdsl score: model " + junk + " does not open as a NetDSL model file: ");
        String missing = failsBeforeSpark(dir.resolve("nothing.netdsl").toString(), "--input", csv.toString(), "--out", "x");
        assertThat(missing).startsWith("netdsl score: model " + dir.resolve("nothing.netdsl") + " does not exist");
    }

    @Test
    void a_parquet_files_columns_are_checked_before_spark_starts() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("parquet-columns"));
        Path images = parent.resolve("images.parquet");
        TestSpark.images(spark, 10, 1).write().parquet(images.toString());
        Path mnist = parent.resolve("mnist.netdsl");
        try (Model m = MnistMlp.sequential(false).crossEntropy().sgd(0.01).seed(3).build()) {
            m.saveAll(mnist);
        }
        assertThat(failsBeforeSpark(mnist.toString(), "--input", images.toString(), "--out", parent.resolve("scored").toString(),
                "--input-columns", "Pixels")).isEqualTo("netdsl score: --input-columns Pixels: " + images + " has no column 'Pixels'"
                + " (it has 'pixels': names are case-sensitive here); its columns are [id, pixels]\n");
        assertThat(failsBeforeSpark(smallModel(parent).toString(), "--input", images.toString(), "--out",
                parent.resolve("scored").toString(), "--input-columns", "id")).isEqualTo("netdsl score: the model takes 2 values "
                + "per row but 1 input column was given [id]; name 2 numeric columns, or one array column of 2 values, with "
                + "--input-columns\n");
        Path notParquet = Files.writeString(parent.resolve("points.txt"), "a,b\n1,2\n");
        assertThat(failsBeforeSpark(mnist.toString(), "--input", notParquet.toString(), "--out",
                parent.resolve("scored").toString())).startsWith("netdsl score: " + notParquet + " is not a Parquet file (");
    }

    /** The files and folders in {@code parent} whose names start with {@code name}. */
    static List<String> siblings(Path parent, String name) throws Exception {
        try (Stream<Path> files = Files.list(parent)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(name)).sorted().toList();
        }
    }

    /** Every file under {@code folder} (relative name to content). */
    static Map<String, byte[]> contents(Path folder) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return files;
    }

    @Test
    void a_failed_overwrite_leaves_the_previous_output_as_it_was() throws Exception {
        // GIVEN a scored output from a first, successful run
        Path parent = Files.createDirectories(dir.resolve("overwrite"));
        Path model = parent.resolve("small.netdsl");
        try (Model m = Net.of(2, 4, 2).relu().crossEntropy().sgd(0.1).seed(1).build()) {
            m.saveAll(model);
        }
        Path good = Files.writeString(parent.resolve("good.csv"), "id,a,b\nx,1,2\ny,3,4\n");
        Path out = parent.resolve("scored");
        Run first = score(model.toString(), "--input", good.toString(), "--out", out.toString(), "--format", "csv",
                "--input-columns", "a,b");
        assertThat(first.code()).as(first.err()).isZero();
        Map<String, byte[]> before = contents(out);
        assertThat(before.keySet()).contains("_SUCCESS").anyMatch(n -> n.startsWith("part-") && n.endsWith(".csv"));
        // WHEN a second run that fails on a bad row in Spark (a null in a Parquet file) was to overwrite it
        Path hole = holes(parent);
        Run failed = score(model.toString(), "--input", hole.toString(), "--out", out.toString(), "--format", "csv",
                "--input-columns", "a,b", "--overwrite");
        // THEN it fails naming the row, and the first run's output is still there, byte for byte, with nothing beside it
        assertThat(failed.code()).as(failed.err()).isEqualTo(2);
        assertThat(failed.err()).contains("column 'a' is null");
        assertThat(contents(out)).containsOnlyKeys(before.keySet());
        Map<String, byte[]> after = contents(out);
        before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
        assertThat(siblings(parent, "scored")).containsExactly("scored");
        // AND without --overwrite the existing output is refused before Spark reads anything
        String refused = failsBeforeSpark(model.toString(), "--input", good.toString(), "--out", out.toString(),
                "--input-columns", "a,b");
        assertThat(refused).isEqualTo("netdsl score: --out " + out + " already exists; pick a new directory or pass --overwrite\n");
    }

    @Test
    void an_overwrite_replaces_the_output_whole_and_leaves_nothing_beside_it() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("replace"));
        Path model = parent.resolve("small.netdsl");
        try (Model m = Net.of(2, 4, 2).relu().crossEntropy().sgd(0.1).seed(1).build()) {
            m.saveAll(model);
        }
        Path two = Files.writeString(parent.resolve("two.csv"), "id,a,b\nx,1,2\ny,3,4\n");
        Path one = Files.writeString(parent.resolve("one.csv"), "id,a,b\nz,5,6\n");
        Path out = parent.resolve("scored");
        Run first = score(model.toString(), "--input", two.toString(), "--out", out.toString(), "--input-columns", "a,b");
        assertThat(first.code()).as(first.err()).isZero();
        // A file of the first run that the second would not write: it must not survive the overwrite.
        Files.writeString(out.resolve("stale.txt"), "from before");
        Run second = score(model.toString(), "--input", one.toString(), "--out", out.toString(), "--input-columns", "a,b",
                "--overwrite");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(out.resolve("stale.txt")).doesNotExist();
        assertThat(out.resolve("_SUCCESS")).exists();
        List<Row> rows = spark.read().parquet(out.toString()).select("id").collectAsList();
        assertThat(rows).extracting(r -> r.getString(0)).containsExactly("z");
        assertThat(siblings(parent, "scored")).containsExactly("scored");
    }

    @Test
    void a_csv_of_30000_columns_is_read_and_errors_about_it_are_one_short_line() throws Exception {
        // Spark's CSV reader stops at 20,480 columns: the score command exited 1 with the reader's 43-line settings dump.
        // Now the file is read (its schema has every column) and a missing column is one short line, exit 2. (Scoring
        // all 30,000 columns works too, but Spark's code generation for such wide rows takes minutes on two cores.)
        int n = 30_000;
        Path parent = Files.createDirectories(dir.resolve("wide"));
        Path model = parent.resolve("wide.netdsl");
        try (Model m = Net.of(2, 2).mse().sgd(0.1).seed(1).build()) {
            m.saveAll(model);
        }
        StringBuilder csv = new StringBuilder("id");
        for (int i = 0; i < n; i++) {
            csv.append(",c").append(i);
        }
        for (int r = 0; r < 2; r++) {
            csv.append("\n").append(r);
            for (int i = 0; i < n; i++) {
                csv.append(',').append((i + r) % 5);
            }
        }
        csv.append('\n');
        Path input = Files.writeString(parent.resolve("wide.csv"), csv);
        String err = failsBeforeSpark(model.toString(), "--input", input.toString(), "--out", parent.resolve("scored").toString(),
                "--input-columns", "c0,nope");
        assertThat(err).isEqualTo("netdsl score: --input-columns nope: " + input + " has no column 'nope'; its columns are [id, "
                + "c0, c1, c2, c3, c4, c5, c6, c7, c8, ... 29,991 more]\n");
        assertThat(siblings(parent, "scored")).isEmpty();
    }

    @Test
    void a_row_with_more_cells_than_spark_reads_is_one_line_exit_2() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("toomany"));
        Path model = parent.resolve("small.netdsl");
        try (Model m = Net.of(2, 2).mse().sgd(0.1).seed(1).build()) {
            m.saveAll(model);
        }
        Path input = Files.writeString(parent.resolve("in.csv"), "id,a,b\n0,1,2\n1" + ",3".repeat(25_000) + "\n");
        String err = failsBeforeSpark(model.toString(), "--input", input.toString(), "--out", parent.resolve("scored").toString(),
                "--input-columns", "a,b");
        assertThat(err).isEqualTo("netdsl score: " + input + " line 3 has more than 20,480 cells, the header 3; check the row's "
                + "delimiters and quotes\n");
        assertThat(siblings(parent, "scored")).isEmpty();
    }

    /** A Parquet file (id, a, b) whose second row has no a: a bad row that only Spark's tasks find. */
    static Path holes(Path parent) {
        Path file = parent.resolve("holes.parquet");
        if (!Files.exists(file)) {
            StructType schema = DataTypes.createStructType(new StructField[] {
                DataTypes.createStructField("id", DataTypes.StringType, false),
                DataTypes.createStructField("a", DataTypes.DoubleType, true),
                DataTypes.createStructField("b", DataTypes.DoubleType, true)});
            spark.createDataFrame(List.of(RowFactory.create("x", 1.0, 2.0), RowFactory.create("y", null, 3.0)), schema).coalesce(1)
                    .write().parquet(file.toString());
        }
        return file;
    }

    @Test
    void a_bad_parquet_row_is_one_line_with_command_line_advice_and_spark_logs_no_stack_trace() throws Exception {
        // GIVEN a Parquet file with a null where the model takes a number, and the log configuration ./netdsl score runs
        // with (Spark logged the failed task's stack trace some five times, 238 lines, before the command's line)
        Path parent = Files.createDirectories(dir.resolve("parquet-row"));
        Path input = holes(parent);
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        java.net.URI before = logs.getConfigLocation();
        StringWriter logged = new StringWriter();
        Run run;
        try {
            logs.setConfigLocation(ScoreCommand.class.getResource("cli-log4j2.properties").toURI());
            // Everything that reaches the console appender reaches this one too (loggers pass events on to the root's).
            Appender capture = WriterAppender.newBuilder().setName("capture").setTarget(logged)
                    .setLayout(PatternLayout.newBuilder().withPattern("%p %c{1}: %m%n%ex").build()).build();
            capture.start();
            logs.getConfiguration().addAppender(capture);
            logs.getConfiguration().getRootLogger().addAppender(capture, null, null);
            logs.updateLoggers();
            // WHEN it is scored
            run = score(smallModel(parent).toString(), "--input", input.toString(), "--out", parent.resolve("scored").toString(),
                    "--input-columns", "a,b");
        } finally {
            logs.setConfigLocation(before);
        }
        // THEN the command prints one line, with the row Spark found and what to do on the command line, not in Java
        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("netdsl score: " + input + ": row 1 of partition 0 (counting from 0; its other columns: "
                + "id=y): column 'a' is null; drop or fix the row\n");
        assertThat(run.out()).isEmpty();
        // AND Spark's log has no stack trace, nor a line about the failed task
        assertThat(logged.toString()).doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("column 'a' is null");
        // AND a failed run leaves no folder behind: not the output (Spark left it there, empty), not a temporary one
        assertThat(siblings(parent, "scored")).isEmpty();
    }

    @Test
    void out_names_the_output_and_output_still_works_unlisted() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("out-option"));
        Path csv = Files.writeString(parent.resolve("ab.csv"), "a,b\n1,2\n");
        String model = smallModel(parent).toString();
        Run both = score(model, "--input", csv.toString(), "--out", "x", "--output", "y");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).startsWith("Error: --out=DIR, --output=DIR are mutually exclusive (specify only one)\n");
        Run neither = score(model, "--input", csv.toString());
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).startsWith("Error: Missing required argument (specify one of these): (--out=DIR)\n");
        Run help = score("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("(--out=DIR)").contains("  --out=DIR  ").doesNotContain("--output=");
        // --output: scripts written for it still run (scores_a_csv_file_with_a_savedmodel_into_csv_columns scores with it)
        Run alias = score(model, "--input", csv.toString(), "--output", parent.resolve("scored").toString());
        assertThat(alias.code()).as(alias.err()).isZero();
        assertThat(parent.resolve("scored").resolve("_SUCCESS")).exists();
    }

    @Test
    void an_error_that_is_not_ours_is_printed_as_its_first_line_only() {
        assertThat(ScoreCommand.oneLine("one line")).isEqualTo("one line");
        assertThat(ScoreCommand.oneLine("what failed\nParser Configuration:\n\tsettings...\n"))
                .isEqualTo("what failed (--debug prints the whole error)");
        assertThat(ScoreCommand.oneLine("x".repeat(5000))).isEqualTo("x".repeat(1000) + "... (--debug prints the whole error)");
    }
}
