package dev.netdsl.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netdsl.Model;
import dev.netdsl.Net;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails naming the column, row or file; numeric columns, shared paths and the per-JVM model cache. */
class ScoringChecksTest {
    @TempDir
    static Path dir;
    static Path modelFile;
    static Model model;
    static SparkSession spark;

    @BeforeAll
    static void saveASmallModel() {
        model = Net.of(3, 8, 2).relu().crossEntropy().sgd(0.1).seed(7).build();
        modelFile = dir.resolve("small.netdsl");
        model.saveAll(modelFile);
        spark = TestSpark.session();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Dataset<Row> table(StructType schema, Row... rows) {
        return spark.createDataFrame(Arrays.asList(rows), schema);
    }

    static final StructType NUMBERS = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("a", DataTypes.DoubleType, true),
        DataTypes.createStructField("b", DataTypes.FloatType, true),
        DataTypes.createStructField("c", DataTypes.IntegerType, true)});

    static final StructType ARRAYS = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.DoubleType, true), true)});

    /** The root cause of a failed Spark job: Spark wraps what a task threw. */
    static Throwable cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void scores_several_numeric_columns_of_any_numeric_type() {
        // One partition, so the two rows go to predict as one batch, as below: TensorFlow's last bits depend on the
        // batch (a row predicted alone can differ by an ulp; docs/tensorflow-notes.md).
        Dataset<Row> data = table(NUMBERS, RowFactory.create("r0", 0.5, 1.5f, 2), RowFactory.create("r1", -1.0, 0f, 7)).coalesce(1);
        List<Row> rows = NetDslSpark.model(modelFile).inputColumns("a", "b", "c").outputColumn("y").classColumn("k")
                .transform(data).collectAsList();
        float[][] expected = model.predict(new float[][] {{0.5f, 1.5f, 2}, {-1f, 0f, 7}});
        for (int r = 0; r < 2; r++) {
            List<Float> y = rows.get(r).getList(4);
            assertThat(y).containsExactly(expected[r][0], expected[r][1]);
            assertThat(rows.get(r).getInt(5)).isEqualTo(PartitionScorer.argMax(expected[r]));
            assertThat(rows.get(r).getString(0)).isEqualTo("r" + r);
        }
    }

    @Test
    void a_missing_column_fails_naming_it_and_the_columns_there_are() {
        Dataset<Row> data = table(NUMBERS, RowFactory.create("r0", 0.5, 1.5f, 2));
        assertThatThrownBy(() -> NetDslSpark.model(modelFile).inputColumns("a", "B", "c").transform(data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input column 'B' is not in the DataFrame (it has 'b': names are case-sensitive here); its columns are "
                        + "[id:string,a:double,b:float,c:int]");
    }

    @Test
    void a_wrong_number_of_columns_fails_before_any_row_is_read() {
        Dataset<Row> data = table(NUMBERS, RowFactory.create("r0", 0.5, 1.5f, 2));
        assertThatThrownBy(() -> NetDslSpark.model(modelFile).inputColumns("a", "b").transform(data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the model takes 3 values per row but 2 input columns were given [a, b]; give one array column of 3 "
                        + "values or 3 numeric columns");
    }

    @Test
    void a_text_column_fails_naming_its_type() {
        Dataset<Row> data = table(NUMBERS, RowFactory.create("r0", 0.5, 1.5f, 2));
        assertThatThrownBy(() -> NetDslSpark.model(modelFile).inputColumns("id", "b", "c").transform(data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("input column 'id' is string; give one array column of numbers");
    }

    @Test
    void an_existing_output_column_is_not_overwritten() {
        Dataset<Row> data = table(NUMBERS, RowFactory.create("r0", 0.5, 1.5f, 2));
        assertThatThrownBy(() -> NetDslSpark.model(modelFile).inputColumns("a", "b", "c").outputColumn("id").transform(data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the DataFrame already has a column 'id'; pick another name with outputColumn(...) or drop it first");
    }

    @Test
    void a_wrong_array_length_fails_naming_the_row_and_column() {
        Dataset<Row> data = table(ARRAYS, RowFactory.create("ok", List.of(1.0, 2.0, 3.0)),
                RowFactory.create("short", List.of(1.0, 2.0))).coalesce(1);
        Dataset<Row> scored = NetDslSpark.model(modelFile).inputColumns("x").transform(data);
        assertThatThrownBy(scored::collectAsList)
                .satisfies(e -> assertThat(cause(e)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("row 1 of partition 0 (counting from 0; its other columns: id=short): column 'x' has 2 "
                                + "values but the model takes 3 per row"));
    }

    @Test
    void a_null_array_fails_naming_the_row_and_column() {
        Dataset<Row> data = table(ARRAYS, RowFactory.create("gone", null)).coalesce(1);
        Dataset<Row> scored = NetDslSpark.model(modelFile).inputColumns("x").transform(data);
        assertThatThrownBy(scored::collectAsList)
                .satisfies(e -> assertThat(cause(e)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("row 0 of partition 0 (counting from 0; its other columns: id=gone): column 'x' is null; drop "
                                + "or fill such rows first (e.g. df.na().drop())"));
    }

    @Test
    void a_null_inside_an_array_fails_naming_its_position() {
        Dataset<Row> data = table(ARRAYS, RowFactory.create("hole", Arrays.asList(1.0, null, 3.0))).coalesce(1);
        Dataset<Row> scored = NetDslSpark.model(modelFile).inputColumns("x").transform(data);
        assertThatThrownBy(scored::collectAsList)
                .satisfies(e -> assertThat(cause(e)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("row 0 of partition 0 (counting from 0; its other columns: id=hole): column 'x' has a null "
                                + "at position 1; fill it first"));
    }

    @Test
    void a_null_numeric_column_fails_naming_the_row_and_column() {
        Dataset<Row> data = table(NUMBERS, RowFactory.create("r0", 0.5, 1.5f, 2), RowFactory.create("r1", 0.5, null, 2)).coalesce(1);
        Dataset<Row> scored = NetDslSpark.model(modelFile).inputColumns("a", "b", "c").transform(data);
        assertThatThrownBy(scored::collectAsList)
                .satisfies(e -> assertThat(cause(e)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("row 1 of partition 0 (counting from 0; its other columns: id=r1): column 'b' is null"));
    }

    @Test
    void a_model_file_that_does_not_open_fails_naming_the_file() throws Exception {
        Path junk = dir.resolve("junk.netdsl");
        Files.writeString(junk, "not a model");
        Dataset<Row> data = table(NUMBERS, RowFactory.create("r0", 0.5, 1.5f, 2));
        assertThatThrownBy(() -> NetDslSpark.model(junk).inputColumns("a", "b", "c").transform(data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model " + junk + " does not open as a NetDSL model file: ");
        assertThatThrownBy(() -> NetDslSpark.model(dir.resolve("missing.netdsl")).inputColumns("a", "b", "c").transform(data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model " + dir.resolve("missing.netdsl") + " does not exist; ");
    }

    @Test
    void a_savedmodel_with_a_missing_variables_file_fails_naming_the_directory() throws Exception {
        Path export = dir.resolve("broken-export");
        model.exportSavedModel(export);
        try (var files = Files.list(export.resolve("variables"))) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("variables.data")) {
                    Files.delete(f);
                }
            }
        }
        Dataset<Row> data = table(NUMBERS, RowFactory.create("r0", 0.5, 1.5f, 2));
        assertThatThrownBy(() -> NetDslSpark.model(export).inputColumns("a", "b", "c").transform(data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model " + export + " does not open as a TensorFlow SavedModel with tag 'serve': ");
        Path notExport = Files.createDirectories(dir.resolve("empty-dir"));
        assertThatThrownBy(() -> NetDslSpark.model(notExport).inputColumns("a", "b", "c").transform(data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model " + notExport + " is a directory without saved_model.pb");
    }

    @Test
    void the_model_is_opened_once_per_jvm_for_every_partition_and_job() {
        Path copy = dir.resolve("once.netdsl");
        try (Model m = Net.of(3, 5, 2).relu().crossEntropy().sgd(0.1).seed(11).build()) {
            m.saveAll(copy);
        }
        Row[] rows = new Row[64];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = RowFactory.create("r" + i, (double) i, (float) -i, i % 3);
        }
        Dataset<Row> data = table(NUMBERS, rows).repartition(8);
        int before = ModelCache.opened();
        for (int job = 0; job < 3; job++) {
            assertThat(NetDslSpark.model(copy).inputColumns("a", "b", "c").batchSize(5).transform(data).count()).isEqualTo(64);
        }
        assertThat(ModelCache.opened() - before).isEqualTo(1);
    }

    @Test
    void a_shared_path_is_read_where_it_is_without_add_file() {
        Path shared = dir.resolve("shared.netdsl");
        float[] expected;
        try (Model m = Net.of(3, 4, 2).relu().crossEntropy().sgd(0.1).seed(12).build()) {
            m.saveAll(shared);
            expected = m.predict(new float[][] {{0.5f, 1.5f, 2}})[0];
        }
        Dataset<Row> data = table(NUMBERS, RowFactory.create("r0", 0.5, 1.5f, 2));
        List<Row> rows = NetDslSpark.model(shared).sharedPath().inputColumns("a", "b", "c").transform(data).collectAsList();
        assertThat(rows.get(0).<Float>getList(4)).containsExactly(expected[0], expected[1]);
        assertThat(spark.sparkContext().listFiles().mkString(",")).doesNotContain("shared.netdsl");
    }
}
