package dev.netdsl.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.models.MnistMlp;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Fit;
import dev.netdsl.training.TrainingRun;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on a real Spark cluster on this machine: a standalone master and two workers of one core,
 * each executor its own JVM. Over an epoch of 60,000 MNIST-shaped rows (the MNIST tutorial's MLP and SGD), 2 workers
 * at batch 100 take the path of one machine at batch 200; a worker's executor killed mid-epoch makes Spark rerun the
 * barrier stage and the fit ends with the same weights.
 */
class SparkClusterIT {
    static final int ROWS = 60_000;

    @TempDir
    static Path dir;
    static StandaloneCluster cluster;
    static SparkSession spark;

    @BeforeAll
    static void startTheCluster() throws Exception {
        cluster = StandaloneCluster.start(2, 1, "3g", dir);
        spark = SparkSession.builder().master(cluster.master).appName("netdsl-cluster-it")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "2g")
                .config("spark.executor.cores", "1")
                .config("spark.executor.extraClassPath", StandaloneCluster.executorClassPath())
                .config("spark.executor.extraJavaOptions", String.join(" ", NetDslSpark.java17Options()))
                .getOrCreate();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3) { // the driver and two executors
            assertThat(System.nanoTime()).as("two executors registered within 5 minutes; logs in " + dir).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static Net net() {
        return MnistMlp.sequential(true).crossEntropy().sgd(0.01).seed(1);
    }

    static Dataset<Row> images() {
        return SparkTrainerTest.labelled(spark, ROWS, 4, -1);
    }

    static float maxRelativeDifference(List<Parameter> want, List<Parameter> got) {
        float worst = 0;
        for (int i = 0; i < want.size(); i++) {
            float[] u = want.get(i).values();
            float[] v = got.get(i).values();
            for (int k = 0; k < u.length; k++) {
                worst = Math.max(worst, Math.abs(u[k] - v[k]) / Math.max(1, Math.abs(u[k])));
            }
        }
        return worst;
    }

    @Test
    void two_workers_take_one_machines_path_and_a_killed_worker_changes_nothing() throws Exception {
        // GIVEN one machine's epoch at batch 200
        List<Parameter> oneMachine;
        History one;
        try (Model m = net().build()) {
            one = m.fit(SparkTrainerTest.local(ROWS), Fit.epochs(1).batchSize(200).quiet());
            oneMachine = m.parameters();
        }

        // WHEN two workers each take 100 rows per step on the cluster
        List<Parameter> uninterrupted;
        try (SparkFit trained = NetDslSpark.trainer(net()).inputColumns("pixels").labelColumn("label").workers(2)
                .fit(images(), Fit.epochs(1).batchSize(100).quiet())) {      // 100 rows per worker and step: 200 per step
            History h = trained.history();                                   // as Model.fit returns it
            trained.model().saveAll(dir.resolve("mnist.netdsl"));            // an open Model, like any other
            System.out.println(trained.exchange());                          // what the exchange cost per step
            // THEN the same 300 losses and the same weights, within 1e-4 relative
            assertThat(h.steps()).isEqualTo(300).isEqualTo(one.steps());
            for (int s = 0; s < 300; s++) {
                float want = one.losses()[s];
                assertThat(Math.abs(h.losses()[s] - want) / Math.max(1, Math.abs(want))).as("step %d's loss", s + 1).isLessThan(1e-4f);
            }
            assertThat(maxRelativeDifference(oneMachine, trained.model().parameters())).isLessThan(1e-4f);
            uninterrupted = trained.model().parameters();
            try (Model saved = Model.open(dir.resolve("mnist.netdsl"))) {
                assertThat(saved.stepsTaken()).isEqualTo(300);
                assertThat(maxRelativeDifference(uninterrupted, saved.parameters())).isZero();
            }
        }

        // WHEN a worker's executor is killed mid-epoch (after step 120)
        String app = spark.sparkContext().applicationId();
        int[] killed = {0};
        Callback killer = new Callback() {
            @Override
            public void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
                if (batch == 120 && killed[0] == 0) {
                    List<ProcessHandle> executors = cluster.executors(app);
                    assertThat(executors).as("executor JVMs of " + app).isNotEmpty();
                    executors.get(0).destroyForcibly();
                    killed[0] = 1;
                }
            }
        };
        try (SparkFit trained = NetDslSpark.trainer(net()).inputColumns("pixels").labelColumn("label").workers(2)
                .fit(images(), Fit.epochs(1).batchSize(100).callbacks(killer).quiet())) {
            // THEN Spark reran the barrier stage, and the fit ends with the uninterrupted run's weights
            assertThat(killed[0]).isEqualTo(1);
            assertThat(trained.exchange().reruns()).isGreaterThanOrEqualTo(1);
            assertThat(trained.history().steps()).isEqualTo(300);
            assertThat(maxRelativeDifference(uninterrupted, trained.model().parameters())).isLessThan(1e-6f);
            System.out.println("SparkClusterIT, with a killed executor: " + trained.exchange());
        }
    }
}
