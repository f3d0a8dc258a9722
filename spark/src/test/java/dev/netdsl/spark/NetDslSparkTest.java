package dev.netdsl.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netdsl.Model;
import dev.netdsl.models.MnistMlp;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scoring on local[2] Spark gives exactly Model.predict's numbers, from a model file and from its SavedModel export. */
class NetDslSparkTest {
    static final int ROWS = 100_000;
    static final int PARTITIONS = 4;
    static final int BATCH = 1024;

    @TempDir
    static Path dir;
    static Path modelFile;
    static Path savedModel;
    static Model model;
    static SparkSession spark;

    @BeforeAll
    static void saveTheMnistMlp() {
        // GIVEN the MNIST tutorial's MLP (784-200-200-10), seeded, saved whole and exported
        model = MnistMlp.sequential(false).crossEntropy().sgd(0.01).seed(1).build();
        modelFile = dir.resolve("mnist.netdsl");
        savedModel = dir.resolve("mnist-savedmodel");
        model.saveAll(modelFile);
        model.exportSavedModel(savedModel);
        spark = TestSpark.session();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Model.predict over the rows Spark scores, batched as the tasks batch them: per partition, BATCH rows at a time. */
    static float[][] expected() {
        float[][] out = new float[ROWS][];
        for (int p = 0; p < PARTITIONS; p++) {
            // spark.range(0, n, 1, parts) puts rows [p * n / parts, (p + 1) * n / parts) in partition p.
            int from = (int) ((long) p * ROWS / PARTITIONS);
            int to = (int) ((long) (p + 1) * ROWS / PARTITIONS);
            for (int start = from; start < to; start += BATCH) {
                int n = Math.min(BATCH, to - start);
                float[][] x = new float[n][];
                for (int i = 0; i < n; i++) {
                    x[i] = TestSpark.pixels(start + i);
                }
                float[][] y = model.predict(x);
                System.arraycopy(y, 0, out, start, n);
            }
        }
        return out;
    }

    private static void assertExactlyPredict(Path modelPath) {
        Dataset<Row> images = TestSpark.images(spark, ROWS, PARTITIONS);
        // WHEN the rows are scored on Spark
        Dataset<Row> scored = NetDslSpark.model(modelPath)    // a saveAll file or an exported SavedModel
                .inputColumns("pixels")                     // one array<float> column, or several numeric columns
                .outputColumn("logits")
                .classColumn("class")                       // the arg-max of the outputs, for classifiers
                .batchSize(1024)
                .transform(images);
        List<Row> rows = scored.select("id", "logits", "class").collectAsList();
        // THEN every row has Model.predict's outputs, bit for bit, and their arg-max
        float[][] expected = expected();
        assertThat(rows).hasSize(ROWS);
        int mismatches = 0;
        String first = null;
        for (Row row : rows) {
            int id = (int) row.getLong(0);
            List<Float> logits = row.getList(1);
            float[] got = new float[logits.size()];
            for (int i = 0; i < got.length; i++) {
                got[i] = logits.get(i);
            }
            boolean same = java.util.Arrays.equals(got, expected[id]) && row.getInt(2) == PartitionScorer.argMax(expected[id]);
            if (!same) {
                mismatches++;
                if (first == null) {
                    first = "row " + id + ": " + java.util.Arrays.toString(got) + " vs " + java.util.Arrays.toString(expected[id]);
                }
            }
        }
        assertThat(mismatches).as("rows that differ from Model.predict; the first: %s", first).isZero();
    }

    @Test
    void scores_100000_rows_from_a_model_file_exactly_as_model_predict() {
        assertExactlyPredict(modelFile);
    }

    @Test
    void scores_100000_rows_from_a_savedmodel_export_exactly_as_model_predict() {
        assertExactlyPredict(savedModel);
    }
}
