package dev.netdsl;

import dev.netdsl.training.Callback;
import dev.netdsl.training.Checkpoint;
import dev.netdsl.training.Fit;
import dev.netdsl.training.TrainingRun;
import java.nio.file.Path;
import java.util.Map;

/**
 * Trains a large model with a keep-best checkpoint whose numbers improve every epoch. After the first
 * epoch's checkpoint is written, it saves that epoch's weights beside it and starts a watcher thread
 * that halts the JVM (exit 99, no shutdown hooks, like a kill) the moment it sees the next checkpoint's
 * temp file partly written. Each later completed checkpoint's weights are saved too, so the test can
 * tell which whole file the checkpoint must be. Run in a forked JVM by {@link FitTest}.
 *
 * <p>Usage: {@code CheckpointKiller DIR}
 */
public final class CheckpointKiller {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        Path file = dir.resolve("best.netdsl");
        Thread watcher = SaveKiller.haltOnTempFileOf(file);
        Callback improving = new Callback() {
            @Override
            public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
                logs.put("val_loss", 100.0 - epoch);
            }
        };
        Callback afterSave = new Callback() {
            @Override
            public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
                run.model().save(dir.resolve("weights").resolve("epoch-" + epoch + ".bin"));
                if (epoch == 1) {
                    watcher.start();
                }
            }
        };
        Dataset data = Dataset.of(new float[4][1000], new float[4][1000]);
        try (Model model = KilledSaveTest.big().seed(1).build()) {
            model.fit(data, Fit.epochs(50).batchSize(4).quiet()
                    .callbacks(improving, Checkpoint.best(file, "val_loss"), afterSave));
        }
        System.exit(3); // never caught a checkpoint in the act
    }
}
