package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.layers.Layers;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Checkpoint;
import dev.netdsl.training.CsvLogger;
import dev.netdsl.training.EarlyStopping;
import dev.netdsl.training.Fit;
import dev.netdsl.training.LrSchedule;
import dev.netdsl.training.Optimizers;
import dev.netdsl.training.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fit(train, Fit...)}: validation, early stopping, checkpoints, resuming, epoch lines, CSV logs. */
class FitTest {

    static Net classifier() {
        return Net.of(2, 16, 3).relu().crossEntropy().sgd(0.1).seed(7);
    }

    /**
     * Replaces the epoch's {@code key} with the next value of a crafted curve (placed before the callback
     * that watches it) and keeps each epoch's weights.
     */
    static final class Crafted implements Callback {
        final String key;
        final double[] curve;
        final List<List<Parameter>> weights = new ArrayList<>();

        Crafted(String key, double... curve) {
            this.key = key;
            this.curve = curve;
        }

        @Override
        public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
            logs.put(key, curve[epoch - 1]);
            weights.add(run.model().parameters());
        }
    }

    @Test
    void early_stopping_stops_after_patience_epochs_without_improvement_and_restores_the_best_epochs_weights() {
        Crafted curve = new Crafted("val_loss", 5, 4, 3, 3.5, 3.2, 3.1, 3.3, 2, 1, 0.5);
        EarlyStopping stopping = EarlyStopping.on("val_loss").patience(3).restoreBest();
        try (Model m = classifier().build()) {
            History h = m.fit(ModelTestData.blobs(96, 1), Fit.epochs(10).batchSize(16).callbacks(curve, stopping).quiet());
            // Best at epoch 3; epochs 4, 5, 6 do not improve on it: stopped after epoch 6.
            assertThat(h.epochs()).hasSize(6);
            assertThat(h.steps()).isEqualTo(6 * 6);
            assertThat(stopping.stoppedEpoch()).isEqualTo(6);
            assertThat(stopping.bestEpoch()).isEqualTo(3);
            assertThat(h.bestEpoch("val_loss")).isEqualTo(3);
            assertThat(h.best("val_loss")).isEqualTo(3.0);
            assertThat(m.parameters()).usingRecursiveComparison().isEqualTo(curve.weights.get(2));
            assertThat(curve.weights.get(5)).usingRecursiveComparison().isNotEqualTo(curve.weights.get(2));
        }
    }

    @Test
    void early_stopping_takes_max_from_an_accuracy_name_and_counts_only_changes_above_min_delta() {
        Crafted curve = new Crafted("val_accuracy", 0.5, 0.6, 0.6005, 0.609, 0.59, 0.7);
        EarlyStopping stopping = EarlyStopping.on("val_accuracy").patience(2).minDelta(0.01);
        try (Model m = classifier().build()) {
            History h = m.fit(ModelTestData.blobs(64, 2), Fit.epochs(6).batchSize(16).callbacks(curve, stopping).quiet());
            assertThat(h.epochs()).hasSize(4);
            assertThat(stopping.bestEpoch()).isEqualTo(2);
            // Without restoreBest the model keeps the last epoch's weights.
            assertThat(m.parameters()).usingRecursiveComparison().isEqualTo(curve.weights.get(3));
        }
    }

    @Test
    void a_keep_best_checkpoint_holds_the_best_epochs_weights(@TempDir Path dir) {
        Path file = dir.resolve("best.netdsl");
        Crafted curve = new Crafted("val_accuracy", 0.5, 0.7, 0.6, 0.8, 0.75);
        Checkpoint best = Checkpoint.best(file, "val_accuracy");
        try (Model m = classifier().build()) {
            m.fit(ModelTestData.blobs(64, 3), Fit.epochs(5).batchSize(16).callbacks(curve, best).quiet());
        }
        assertThat(best.saves()).isEqualTo(3);
        try (Model opened = Model.open(file)) {
            assertThat(opened.parameters()).usingRecursiveComparison().isEqualTo(curve.weights.get(3));
            assertThat(opened.stepsTaken()).isEqualTo(4 * 4);
        }
        assertThat(dir.toFile().list()).containsExactly("best.netdsl");
    }

    @Test
    void a_jvm_killed_while_a_checkpoint_is_written_leaves_the_last_whole_checkpoint(@TempDir Path dir) throws Exception {
        PropertyTest.Forked run = PropertyTest.fork(CheckpointKiller.class, List.of("-Xmx1g"), dir.toString());
        assertThat(run.exit()).as("exit code (99: halted mid-write); output:\n%s", run.out()).isEqualTo(99);
        Path file = dir.resolve("best.netdsl");
        List<String> debris;
        try (var entries = Files.list(dir)) {
            debris = entries.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
        assertThat(debris).as("the half-written temp file").hasSize(1);
        List<Parameter> saved;
        try (Model opened = Model.open(file)) {
            saved = opened.parameters();
            // The checkpoint is one of the epochs whose save completed (the watcher halts the first later write).
            int epoch = 0;
            try (var weights = Files.list(dir.resolve("weights"))) {
                for (Path w : weights.toList()) {
                    try (Model check = KilledSaveTest.big().build()) {
                        check.load(w);
                        if (sameValues(check.parameters(), saved)) {
                            epoch = Integer.parseInt(w.getFileName().toString().replaceAll("\\D", ""));
                        }
                    }
                }
            }
            assertThat(epoch).as("the epoch whose weights the checkpoint holds").isPositive();
            // The next checkpoint to the same file removes the dead process's temp file.
            opened.fit(Dataset.of(new float[4][1000], new float[4][1000]),
                    Fit.epochs(1).batchSize(4).quiet().callbacks(Checkpoint.every(file)));
        }
        try (var entries = Files.list(dir)) {
            assertThat(entries.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
        }
    }

    static boolean sameValues(List<Parameter> a, List<Parameter> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i).values(), b.get(i).values())) {
                return false;
            }
        }
        return a.size() == b.size();
    }

    /** Stops the fit after epoch {@code at} (0: never), like a process killed there. */
    static final class StopAt implements Callback {
        private final int at;

        StopAt(int at) {
            this.at = at;
        }

        @Override
        public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
            if (epoch == at) {
                run.stop();
            }
        }
    }

    static Net withDropout() {
        return Net.sequential(Layers.linear(2, 32), Layers.relu(), Layers.dropout(0.2), Layers.linear(32, 3)).crossEntropy()
                .optimizer(Optimizers.adam(0.02).weightDecay(1e-3).clipGradNorm(1)).seed(11);
    }

    /**
     * A 20-epoch fit with every kind of callback, the Checkpoint after those with state (as its javadoc says);
     * {@code StopAt} after it plays a kill right after a checkpoint.
     */
    static Fit twenty(Dataset validation, int stopAt, Path csv, Path checkpoint) {
        return Fit.epochs(20).batchSize(16).validation(validation).metrics("top2_accuracy", "macro_f1").quiet()
                .callbacks(EarlyStopping.on("val_loss").patience(30).restoreBest(), LrSchedule.warmup(8, LrSchedule.cosine(20)),
                        CsvLogger.to(csv), Checkpoint.every(checkpoint), new StopAt(stopAt));
    }

    static List<Map<String, Double>> withoutSeconds(List<Map<String, Double>> epochs) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (Map<String, Double> e : epochs) {
            Map<String, Double> copy = new LinkedHashMap<>(e);
            copy.remove("seconds");
            out.add(copy);
        }
        return out;
    }

    static List<String> csvWithoutSeconds(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    @Test
    void a_twenty_epoch_fit_resumed_from_a_checkpoint_continues_as_if_never_stopped(@TempDir Path dir) throws Exception {
        Dataset train = ModelTestData.blobs(120, 4);
        Dataset validation = ModelTestData.blobs(60, 5);
        History straight;
        List<Parameter> straightWeights;
        try (Model m = withDropout().build()) {
            straight = m.fit(train, twenty(validation, 0, dir.resolve("straight.csv"), dir.resolve("straight.netdsl")));
            straightWeights = m.parameters();
        }
        assertThat(straight.epochs()).hasSize(20);
        try (Model m = withDropout().build()) {
            History first = m.fit(train, twenty(validation, 7, dir.resolve("resumed.csv"), dir.resolve("stopped.netdsl")));
            assertThat(first.epochs()).hasSize(7);
        }
        History resumed;
        try (Model m = Model.open(dir.resolve("stopped.netdsl"))) {
            resumed = m.fit(train, twenty(validation, 0, dir.resolve("resumed.csv"), dir.resolve("resumed.netdsl")).resume());
            assertThat(m.parameters()).usingRecursiveComparison().isEqualTo(straightWeights);
        }
        assertThat(resumed.steps()).as("steps of the resumed fit").isEqualTo(13 * 8);
        assertThat(withoutSeconds(resumed.epochs())).isEqualTo(withoutSeconds(straight.epochs()));
        assertThat(csvWithoutSeconds(dir.resolve("resumed.csv"))).isEqualTo(csvWithoutSeconds(dir.resolve("straight.csv")));
        assertThat(Files.readAllLines(dir.resolve("straight.csv")).get(0))
                .isEqualTo("epoch,loss,accuracy,val_loss,val_accuracy,val_top2_accuracy,val_macro_f1,lr,seconds");
        // The rate warmed up over 8 steps (one epoch), then followed the cosine.
        assertThat(straight.epochs().get(2).get("lr")).isCloseTo(0.02 * (1 + Math.cos(Math.PI * 2 / 20)) / 2, within(1e-12));
    }

    @Test
    void resuming_needs_a_checkpoint_and_the_same_callbacks(@TempDir Path dir) {
        Dataset data = ModelTestData.blobs(32, 6);
        try (Model m = classifier().build()) {
            assertThatThrownBy(() -> m.fit(data, Fit.epochs(2).quiet().resume())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("open a file written by a Checkpoint");
            m.fit(data, Fit.epochs(1).quiet().callbacks(Checkpoint.every(dir.resolve("c.netdsl"))));
        }
        try (Model m = Model.open(dir.resolve("c.netdsl"))) {
            assertThatThrownBy(() -> m.fit(data, Fit.epochs(2).quiet().resume()
                    .callbacks(EarlyStopping.on("loss"), Checkpoint.every(dir.resolve("c.netdsl")))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give the same callbacks in the same order");
        }
    }

    @Test
    void each_epoch_prints_one_line_and_quiet_prints_nothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Model m = classifier().build()) {
            m.fit(ModelTestData.blobs(64, 7), Fit.epochs(3).batchSize(16).validation(ModelTestData.blobs(32, 8)).printTo(out));
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertThat(printed.lines().toList()).hasSize(3).allMatch(l -> l.matches(
                    "epoch [1-3]/3  loss \\d\\.\\d{3}  accuracy \\d\\.\\d{3}  val_loss \\d\\.\\d{3}  val_accuracy \\d\\.\\d{3}"
                            + "  lr 0\\.1  \\d+\\.\\d s"));
            bytes.reset();
            m.fit(ModelTestData.blobs(64, 7), Fit.epochs(2).printTo(out).quiet());
            assertThat(bytes.size()).isZero();
        }
    }

    @Test
    void validation_split_holds_out_the_same_share_for_a_seed() {
        Dataset data = ModelTestData.blobs(100, 9);
        List<Map<String, Double>> a;
        try (Model m = classifier().build()) {
            a = withoutSeconds(m.fit(data, Fit.epochs(2).batchSize(10).validationSplit(0.25).quiet()).epochs());
        }
        try (Model m = classifier().build()) {
            assertThat(withoutSeconds(m.fit(data, Fit.epochs(2).batchSize(10).validationSplit(0.25).quiet()).epochs())).isEqualTo(a);
        }
        for (Map<String, Double> e : a) {
            // 75 examples trained on, 25 held out: accuracies are counts of those.
            assertThat(e.get("accuracy") * 75).isCloseTo(Math.rint(e.get("accuracy") * 75), within(1e-9));
            assertThat(e.get("val_accuracy") * 25).isCloseTo(Math.rint(e.get("val_accuracy") * 25), within(1e-9));
        }
        assertThatThrownBy(() -> Fit.epochs(1).validationSplit(1)).hasMessageContaining("between 0 and 1");
    }

    @Test
    void full_batch_steps_count_as_epochs_and_regressions_report_mae_and_r2() {
        Dataset train = ModelTestData.noisyPlane(64, 1);
        Dataset validation = ModelTestData.noisyPlane(32, 2);
        try (Model m = Net.of(2, 1).mse().sgd(0.1).seed(1).build()) {
            History h = m.fit(train, Fit.steps(5).validation(validation).quiet());
            assertThat(h.steps()).isEqualTo(5);
            assertThat(h.epochs()).hasSize(5);
            assertThat(h.epochs().get(4).keySet()).containsExactly("loss", "val_loss", "val_mae", "val_r2", "lr", "seconds");
            // MAE and R² by their definitions, from the model's predictions.
            float[][] x = new float[32][];
            float[] y = validation.y;
            float[] all = validation.x;
            for (int i = 0; i < 32; i++) {
                x[i] = new float[] {all[2 * i], all[2 * i + 1]};
            }
            float[][] p = m.predict(x);
            double mean = 0;
            for (float v : y) {
                mean += v / 32.0;
            }
            double abs = 0;
            double res = 0;
            double tot = 0;
            for (int i = 0; i < 32; i++) {
                abs += Math.abs(p[i][0] - y[i]);
                res += (p[i][0] - y[i]) * (p[i][0] - y[i]);
                tot += (y[i] - mean) * (y[i] - mean);
            }
            Evaluation ev = m.evaluate(validation);
            assertThat(ev.mae()).isCloseTo(abs / 32, within(1e-6));
            assertThat(ev.r2()).isCloseTo(1 - res / tot, within(1e-6));
            assertThat(h.epochs().get(4).get("val_mae")).isEqualTo(ev.mae());
            assertThatThrownBy(() -> m.fit(train, Fit.steps(1).validation(validation).metrics("macro_f1").quiet()))
                    .hasMessageContaining("a classifier metric");
        }
    }

    @Test
    void evaluate_counts_top_k_and_the_confusion_matrix_with_precision_recall_and_f1() {
        // Linear(2, 3) with weights picked so the logits are (x0, x1, 0.5): the scores are known.
        try (Model m = Net.of(2, 3).crossEntropy().sgd(0.1).build()) {
            m.setParameters(List.of(new Parameter("0.weight", List.of(3, 2), new float[] {1, 0, 0, 1, 0, 0}),
                    new Parameter("0.bias", List.of(3), new float[] {0, 0, 0.5f})));
            float[][] x = {{2, 1}, {1, 2}, {0, 0}, {3, 0}, {0, 3}, {1, 0.9f}, {0.2f, 0.1f}};
            int[] labels = {0, 1, 2, 1, 1, 2, 0};
            // arg-max:       0  1  2  0  1  0  2
            Evaluation ev = m.evaluate(Dataset.of(x, labels));
            assertThat(ev.confusion()).isEqualTo(new int[][] {{1, 0, 1}, {1, 2, 0}, {1, 0, 1}});
            assertThat(ev.accuracy()).isEqualTo(4 / 7.0);
            // Top-2: the label is among the two highest for all but {3,0}→1 (scores 3, 0, 0.5) and {1,0.9}→2 (1, 0.9, 0.5).
            assertThat(ev.topK(2)).isEqualTo(5 / 7.0);
            assertThat(ev.topK(3)).isEqualTo(1.0);
            assertThat(ev.precision(0)).isEqualTo(1 / 3.0);
            assertThat(ev.recall(1)).isEqualTo(2 / 3.0);
            assertThat(ev.f1(1)).isCloseTo(2 * 1.0 * (2 / 3.0) / (1 + 2 / 3.0), within(1e-12));
            assertThat(ev.macroF1()).isCloseTo((2 * (1 / 3.0) * 0.5 / (1 / 3.0 + 0.5) + 0.8 + 0.5) / 3, within(1e-12));
            assertThatThrownBy(() -> ev.topK(4)).hasMessageContaining("top-1..3");
        }
    }

    @Test
    void the_readme_example_trains_with_validation_callbacks_and_a_schedule_and_resumes(@TempDir Path dir) {
        Dataset train = ModelTestData.blobs(600, 12);
        Dataset test = ModelTestData.blobs(200, 13);
        Path checkpoint = dir.resolve("last.netdsl");
        History h;
        History rest;
        double best;
        Evaluation ev;
        Evaluation reopened;
        // --- README example start ---
        Net net = Net.of(2, 16, 3).relu().crossEntropy()
                .optimizer(Optimizers.sgd(0.1).momentum(0.9).nesterov().weightDecay(5e-4).clipGradNorm(1)).seed(1);
        Fit fit = Fit.epochs(20).batchSize(32)
                .validation(test)                                    // evaluated after every epoch
                .metrics("top2_accuracy", "macro_f1")                // extra val_... numbers
                .callbacks(EarlyStopping.on("val_loss").patience(3).restoreBest(),
                        LrSchedule.cosine(20),
                        CsvLogger.to(dir.resolve("epochs.csv")),
                        Checkpoint.best(dir.resolve("best.netdsl"), "val_accuracy"),
                        Checkpoint.every(checkpoint));               // after the others: saves their state too
        try (Model model = net.build()) {
            h = model.fit(train, fit);                               // a line per epoch (and a bar on a terminal)
            best = h.best("val_accuracy");
            List<Map<String, Double>> epochs = h.epochs();           // loss, accuracy, val_loss, val_accuracy, ..., lr, seconds
            ev = model.evaluate(test);                               // ev.topK(2), ev.confusion(), ev.f1(c), ev.macroF1()
        }
        try (Model bestModel = Model.open(dir.resolve("best.netdsl"))) {
            reopened = bestModel.evaluate(test);                     // the best epoch's weights
        }
        try (Model again = Model.open(checkpoint)) {                 // after a crash: continue where it stopped
            rest = again.fit(train, fit.resume());
        }
        // --- README example end ---
        assertThat(reopened.accuracy()).isEqualTo(best);
        // The fit had ended (early stopping or all 20 epochs): resuming it adds nothing.
        assertThat(rest.epochs()).isEqualTo(h.epochs());
        assertThat(rest.steps()).isZero();
        assertThat(ev.topK(2)).isGreaterThanOrEqualTo(ev.accuracy());
        assertThat(best).isGreaterThan(0.85);
        assertThat(h.epochs().get(0).keySet()).containsExactly("loss", "accuracy", "val_loss", "val_accuracy", "val_top2_accuracy",
                "val_macro_f1", "lr", "seconds");
    }

    @Test
    void a_diverging_fit_stops_with_the_last_good_weights_and_still_ends_its_callbacks() {
        List<String> ended = new ArrayList<>();
        Callback end = new Callback() {
            @Override
            public void onTrainEnd(TrainingRun run, History history) {
                ended.add("end after " + history.steps() + " steps");
            }
        };
        List<List<Parameter>> after = new ArrayList<>();
        Callback keep = new Callback() {
            @Override
            public void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
                after.add(run.model().parameters());
            }
        };
        try (Model m = Net.of(2, 20, 1).relu().mse().sgd(1e6).seed(1).build()) {
            after.add(m.parameters());
            assertThatThrownBy(() -> m.fit(ModelTestData.noisyPlane(64, 3), Fit.epochs(5).batchSize(8).quiet().callbacks(keep, end)))
                    .isInstanceOf(TrainingDivergedException.class).hasMessageContaining("the last with a finite loss");
            // The last update gave weights with a non-finite loss: the model is back to those before it, whose loss was finite.
            assertThat(after.size()).isGreaterThan(2);
            assertThat(m.parameters()).usingRecursiveComparison().isEqualTo(after.get(after.size() - 2));
        }
        assertThat(ended).hasSize(1);
    }
}
