package dev.netdsl.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.relu;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.models.MnistMlp;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Checkpoint;
import dev.netdsl.training.Fit;
import dev.netdsl.training.Optimizers;
import dev.netdsl.training.TrainingRun;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on local[2] Spark (two barrier tasks in this JVM; {@code SparkClusterIT} runs the same on a
 * standalone cluster with an executor JVM per worker): 2 workers x batch b take one machine's path at batch 2b.
 */
class SparkTrainerTest {
    static final StructType LABELLED = DataTypes.createStructType(new org.apache.spark.sql.types.StructField[] {
        DataTypes.createStructField("id", DataTypes.LongType, false),
        DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false),
        DataTypes.createStructField("label", DataTypes.IntegerType, false)});

    /** {@code rows} MNIST-shaped rows with a label each ({@code id % 10}); row {@code bad} (if not -1) has 783 pixels. */
    static Dataset<Row> labelled(SparkSession spark, long rows, int partitions, long bad) {
        return spark.range(0, rows, 1, partitions).map((MapFunction<Long, Row>) id -> {
            float[] x = TestSpark.pixels(id);
            return RowFactory.create(id, id == bad ? java.util.Arrays.copyOf(x, 783) : x, (int) (id % 10));
        }, Encoders.row(LABELLED));
    }

    static dev.netdsl.Dataset local(int rows) {
        float[][] x = new float[rows][];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            x[i] = TestSpark.pixels(i);
            labels[i] = i % 10;
        }
        return dev.netdsl.Dataset.of(x, labels);
    }

    /** Asserts equal loss sequences and weights within {@code relative} (of the larger of 1 and the value). */
    static void assertSamePath(History one, Model oneModel, History spark, Model sparkModel, double relative) {
        assertThat(spark.steps()).isEqualTo(one.steps());
        for (int s = 0; s < one.steps(); s++) {
            float want = one.losses()[s];
            assertThat(spark.losses()[s]).as("step %d's loss", s + 1).isCloseTo(want, within((float) (relative * Math.max(1, Math.abs(want)))));
        }
        List<Parameter> p = oneModel.parameters();
        List<Parameter> q = sparkModel.parameters();
        for (int i = 0; i < p.size(); i++) {
            float[] u = p.get(i).values();
            float[] v = q.get(i).values();
            for (int k = 0; k < u.length; k++) {
                assertThat(v[k]).as("%s[%d]", p.get(i).name(), k).isCloseTo(u[k], within((float) (relative * Math.max(1, Math.abs(u[k])))));
            }
        }
    }

    @Test
    void two_workers_at_batch_50_take_the_path_of_one_machine_at_batch_100() {
        SparkSession spark = TestSpark.session();
        Net net = MnistMlp.sequential(false).crossEntropy().optimizer(Optimizers.sgd(0.05, 0.9)).seed(11);
        Fit fit = Fit.epochs(2).batchSize(50).quiet();
        try (Model one = net.build();
             SparkFit trained = NetDslSpark.trainer(net).inputColumns("pixels").labelColumn("label").workers(2)
                     .fit(labelled(spark, 1000, 3, -1), fit)) {
            History h = one.fit(local(1000), fit.batchSize(100));
            assertSamePath(h, one, trained.history(), trained.model(), 1e-4);
            assertThat(trained.model().stepsTaken()).isEqualTo(20);
            SparkFit.Exchange x = trained.exchange();
            assertThat(x.steps()).isEqualTo(20);
            assertThat(x.workers()).isEqualTo(2);
            // weights out and gradients back, 199,210 floats each way per worker
            assertThat(x.bytesPerStep()).isGreaterThan(4L * 199_210 * 2 * 2);
            assertThat(x.reruns()).isZero();
        }
    }

    @Test
    void a_net_with_batch_norm_trains_its_running_statistics_on_the_cluster_as_on_one_machine() {
        SparkSession spark = TestSpark.session();
        Net net = Net.sequential(linear(784, 16), dev.netdsl.layers.Layers.batchNorm1d(16), relu(), linear(16, 10)).crossEntropy()
                .sgd(0.05).seed(6);
        Fit fit = Fit.epochs(1).batchSize(40).quiet();
        try (Model one = net.build();
             SparkFit trained = NetDslSpark.trainer(net).inputColumns("pixels").labelColumn("label").workers(1)
                     .fit(labelled(spark, 400, 2, -1), fit)) {
            History h = one.fit(local(400), fit);
            assertSamePath(h, one, trained.history(), trained.model(), 1e-5);
            for (int i = 0; i < one.buffers().size(); i++) {
                assertThat(trained.model().buffers().get(i).values()).as(one.buffers().get(i).name())
                        .containsExactly(one.buffers().get(i).values(), within(1e-5f));
            }
        }
    }

    @Test
    void one_worker_draws_fits_dropout_and_two_workers_keep_the_first_workers_running_statistics() {
        SparkSession spark = TestSpark.session();
        Dataset<Row> data = labelled(spark, 300, 2, -1);
        Net dropout = Net.sequential(linear(784, 32), relu(), dev.netdsl.layers.Layers.dropout(0.5), linear(32, 10))
                .crossEntropy().sgd(0.05).seed(12);
        Fit fit = Fit.epochs(1).batchSize(30).quiet();
        try (Model one = dropout.build();
             SparkFit trained = NetDslSpark.trainer(dropout).inputColumns("pixels").labelColumn("label").workers(1).fit(data, fit)) {
            History h = one.fit(local(300), fit);
            assertSamePath(h, one, trained.history(), trained.model(), 1e-5);
        }
        // Batch norm, 2 workers, one full-batch step: the running statistics are worker 0's (rows 0, 2, 4, ...).
        Net norm = Net.sequential(linear(784, 16), dev.netdsl.layers.Layers.batchNorm1d(16), relu(), linear(16, 10))
                .crossEntropy().sgd(0.05).seed(6);
        try (Model check = norm.build();
             SparkFit trained = NetDslSpark.trainer(norm).inputColumns("pixels").labelColumn("label").workers(2)
                     .fit(data, Fit.steps(1).quiet())) {
            dev.netdsl.Gradients first = check.gradients(local(300).subset(java.util.stream.IntStream.range(0, 150)
                    .map(i -> 2 * i).toArray()));
            List<Parameter> buffers = trained.model().buffers();
            for (int i = 0; i < buffers.size(); i++) {
                assertThat(buffers.get(i).values()).as(buffers.get(i).name())
                        .containsExactly(first.buffers().get(i).values(), within(1e-5f));
            }
        }
    }

    @Test
    void validation_and_checkpoints_run_on_the_driver_and_a_resumed_fit_ends_where_one_run_does(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        Net net = Net.sequential(linear(784, 32), relu(), linear(32, 10)).crossEntropy().optimizer(Optimizers.sgd(0.05, 0.9))
                .seed(3);
        Dataset<Row> data = labelled(spark, 600, 2, -1);
        dev.netdsl.Dataset test = local(100);
        Path whole = dir.resolve("whole.netdsl");
        Path half = dir.resolve("half.netdsl");
        SparkTrainer trainer = NetDslSpark.trainer(net).inputColumns("pixels").labelColumn("label").workers(2);
        Fit fit = Fit.epochs(2).batchSize(25).validation(test).quiet();
        List<Parameter> straight;
        try (SparkFit a = trainer.fit(data, fit.callbacks(Checkpoint.every(whole)))) {
            assertThat(a.history().epochs()).hasSize(2);
            assertThat(a.history().epochs().get(1)).containsKeys("loss", "val_loss", "val_accuracy");
            assertThat(a.model().evaluate(test).loss()).isCloseTo(a.history().epochs().get(1).get("val_loss"), within(1e-5));
            straight = a.model().parameters();
        }
        assertThat(whole).exists();
        // The driver stops after the first epoch (a callback's stop()), then a new one resumes from the checkpoint.
        Callback stopAfterOne = new Callback() {
            @Override
            public void onEpochEnd(TrainingRun run, int epoch, java.util.Map<String, Double> logs) {
                run.stop();
            }
        };
        try (SparkFit b = trainer.fit(data, fit.callbacks(Checkpoint.every(half), stopAfterOne))) {
            assertThat(b.history().epochs()).hasSize(1);
        }
        try (SparkFit c = NetDslSpark.trainer(half).inputColumns("pixels").labelColumn("label").workers(2)
                .fit(data, fit.callbacks(Checkpoint.every(half), stopAfterOne).resume())) {
            assertThat(c.model().stepsTaken()).isEqualTo(24); // 600 rows in steps of 2 x 25, two epochs
            List<Parameter> resumed = c.model().parameters();
            for (int i = 0; i < straight.size(); i++) {
                assertThat(resumed.get(i).values()).as(straight.get(i).name()).containsExactly(straight.get(i).values(), within(1e-6f));
            }
        }
    }

    @Test
    void a_row_that_does_not_fit_fails_the_fit_naming_column_and_row() {
        SparkSession spark = TestSpark.session();
        Net net = MnistMlp.sequential(false).crossEntropy().sgd(0.1).seed(1);
        assertThatThrownBy(() -> NetDslSpark.trainer(net).inputColumns("pixels").labelColumn("label").workers(2)
                .fit(labelled(spark, 300, 2, 123), Fit.epochs(1).batchSize(10).quiet()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 123 of the DataFrame")
                .hasMessageContaining("column 'pixels' has 783 values but the model takes 784 per row");
    }

    @Test
    void a_value_that_is_not_finite_fails_the_fit_naming_column_row_and_position() {
        SparkSession spark = TestSpark.session();
        Dataset<Row> data = spark.range(0, 50, 1, 2).map((MapFunction<Long, Row>) id -> {
            float[] x = TestSpark.pixels(id);
            if (id == 17) {
                x[5] = Float.NaN;
            }
            return RowFactory.create(id, x, (int) (id % 10));
        }, Encoders.row(LABELLED));
        Net net = Net.of(784, 8, 10).relu().crossEntropy().sgd(0.1).seed(1);
        assertThatThrownBy(() -> NetDslSpark.trainer(net).inputColumns("pixels").workers(2).fit(data, Fit.epochs(1).quiet()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 17 of the DataFrame: column 'pixels' holds NaN at position 5; drop or fix such rows");
    }

    @Test
    void columns_that_do_not_fit_the_net_are_refused_before_any_task_starts() {
        SparkSession spark = TestSpark.session();
        Net net = MnistMlp.sequential(false).crossEntropy().sgd(0.1).seed(1);
        Dataset<Row> data = labelled(spark, 10, 1, -1);
        assertThatThrownBy(() -> NetDslSpark.trainer(net).inputColumns("pixels").labelColumn("class").workers(1)
                .fit(data, Fit.epochs(1).quiet()))
                .hasMessageContaining("label column 'class' is not in the DataFrame");
        assertThatThrownBy(() -> NetDslSpark.trainer(net).inputColumns("pixels").labelColumn("label").workers(1)
                .fit(data.withColumn("label", data.col("label").cast("string")), Fit.epochs(1).quiet()))
                .hasMessageContaining("label column 'label' is string");
        assertThatThrownBy(() -> NetDslSpark.trainer(net).inputColumns("id").labelColumn("label").workers(1)
                .fit(data, Fit.epochs(1).quiet()))
                .hasMessageContaining("the net takes 784 values per row but 1 input column was given [id]");
        assertThatThrownBy(() -> NetDslSpark.trainer(net).workers(0)).hasMessageContaining("workers: 0 must be at least 1");
    }
}
