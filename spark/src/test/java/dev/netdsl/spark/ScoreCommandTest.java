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

/** {@code netdsl score}: Parquet and CSV in and out, and bad input as one line with exit code 2. */
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

    @Test
    void a_missing_column_exits_with_2_and_one_line_naming_it() throws Exception {
        Path model = dir.resolve("small.netdsl");
        try (Model m = Net.of(2, 4, 2).relu().crossEntropy().sgd(0.1).seed(1).build()) {
            m.saveAll(model);
        }
        Path csv = dir.resolve("ab.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        Run run = score(model.toString(), "--input", csv.toString(), "--out", dir.resolve("never").toString(),
                "--input-columns", "a,c");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("netdsl score: input column 'c' is not in the DataFrame; its columns are [a:int,b:int]\n");
        assertThat(Files.exists(dir.resolve("never"))).isFalse();
    }

    @Test
    void a_bad_row_exits_with_2_naming_the_row() throws Exception {
        Path model = dir.resolve("small2.netdsl");
        try (Model m = Net.of(2, 4, 2).relu().crossEntropy().sgd(0.1).seed(1).build()) {
            m.saveAll(model);
        }
        Path csv = dir.resolve("hole.csv");
        Files.writeString(csv, "id,a,b\nx,1,2\ny,,3\n");
        Run run = score(model.toString(), "--input", csv.toString(), "--out", dir.resolve("never2").toString(),
                "--input-columns", "a,b");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("netdsl score: " + csv + ": row 1 of partition 0 (counting from 0; its other columns: "
                + "id=y): column 'a' is null; drop or fix the row\n");
        // A failed run leaves no folder behind: not the output (Spark left it there, empty), not a temporary one.
        assertThat(siblings(dir, "never2")).isEmpty();
    }

    @Test
    void a_model_that_does_not_open_exits_with_2_naming_the_file() throws Exception {
        Path junk = dir.resolve("junk.netdsl");
        Files.writeString(junk, "junk");
        Path csv = dir.resolve("one.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        Run run = score(junk.toString(), "--input", csv.toString(), "--out", dir.resolve("never3").toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).startsWith("netdsl score: model " + junk + " does not open as a NetDSL model file: ");
        Run missing = score(dir.resolve("nothing.netdsl").toString(), "--input", csv.toString(), "--out", "x");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("netdsl score: model " + dir.resolve("nothing.netdsl") + " does not exist");
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
        // WHEN a second run that fails on a bad row was to overwrite it
        Path hole = Files.writeString(parent.resolve("hole.csv"), "id,a,b\nx,1,2\ny,,3\n");
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
        Run refused = score(model.toString(), "--input", good.toString(), "--out", out.toString(), "--input-columns", "a,b");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).startsWith("netdsl score: --out " + out + " already exists; pick a new directory or pass "
                + "--overwrite\n");
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
        Run run = score(model.toString(), "--input", input.toString(), "--out", parent.resolve("scored").toString(),
                "--input-columns", "c0,nope");
        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines().toList()).hasSize(2);
        assertThat(run.err()).startsWith("netdsl score: input column 'nope' is not in the DataFrame; its columns are [id:int,"
                + "c0:int,c1:int,").contains("29976 more fields").hasSizeLessThan(1000);
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
        Run run = score(model.toString(), "--input", input.toString(), "--out", parent.resolve("scored").toString(),
                "--input-columns", "a,b");
        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("netdsl score: --input " + input + ": a row has more than 20,480 cells, the most Spark's"
                + " CSV reader is set to take for this header (twice its cells, at least 20,480); check the row's delimiters and"
                + " quotes\n");
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
        Path model = parent.resolve("small.netdsl");
        try (Model m = Net.of(2, 4, 2).relu().crossEntropy().sgd(0.1).seed(1).build()) {
            m.saveAll(model);
        }
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
            run = score(model.toString(), "--input", input.toString(), "--out", parent.resolve("scored").toString(),
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
        Path model = parent.resolve("small.netdsl");
        try (Model m = Net.of(2, 4, 2).relu().crossEntropy().sgd(0.1).seed(1).build()) {
            m.saveAll(model);
        }
        Path csv = Files.writeString(parent.resolve("ab.csv"), "a,b\n1,2\n");
        Run both = score(model.toString(), "--input", csv.toString(), "--out", "x", "--output", "y");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).startsWith("Error: --out=DIR, --output=DIR are mutually exclusive (specify only one)\n");
        Run neither = score(model.toString(), "--input", csv.toString());
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).startsWith("Error: Missing required argument (specify one of these): (--out=DIR)\n");
        Run help = score("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("(--out=DIR)").contains("  --out=DIR  ").doesNotContain("--output=");
        // --output: scripts written for it still run (scores_a_csv_file_with_a_savedmodel_into_csv_columns scores with it)
        Run alias = score(model.toString(), "--input", csv.toString(), "--output", parent.resolve("scored").toString());
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
