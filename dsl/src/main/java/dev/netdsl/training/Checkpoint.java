package dev.netdsl.training;

import dev.netdsl.History;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Saves the model during {@code fit}, like Keras's {@code ModelCheckpoint}: after every epoch
 * ({@link #every}) or only when a monitored number improves ({@link #best}). The file is written
 * atomically (the old one stays whole if the process dies mid-write), opens with {@code Model.open},
 * and holds the fit's state, so {@code Fit...resume()} continues training from it. Put it last among the
 * callbacks, so it saves the others' state after they updated it.
 */
public final class Checkpoint implements Callback {
    private final Path path;
    private final String monitor;
    private double best;
    private int saves;

    private Checkpoint(Path path, String monitor) {
        this.path = Objects.requireNonNull(path, "path");
        this.monitor = monitor;
    }

    /** Saves to {@code path} after every epoch. */
    public static Checkpoint every(Path path) {
        return new Checkpoint(path, null);
    }

    /** Saves to {@code path} after each epoch whose {@code monitor} (e.g. {@code val_accuracy}) is the best so far. */
    public static Checkpoint best(Path path, String monitor) {
        return new Checkpoint(path, Objects.requireNonNull(monitor, "monitor"));
    }

    /** How many times it saved during the last fit. */
    public int saves() {
        return saves;
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        if (!run.resumed()) {
            best = monitor != null && History.higherIsBetter(monitor) ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            saves = 0;
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
        if (monitor != null) {
            Double value = logs.get(monitor);
            if (value == null) {
                throw new IllegalArgumentException("Checkpoint.best(..., \"" + monitor + "\"): the epoch's numbers are "
                        + logs.keySet());
            }
            if (!(History.higherIsBetter(monitor) ? value > best : value < best)) {
                return;
            }
            best = value;
        }
        saves++;
        run.checkpoint(path);
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("best", best);
        s.put("saves", saves);
        return s;
    }

    @Override
    public void restore(Map<String, Object> state) {
        best = ((Number) state.get("best")).doubleValue();
        saves = ((Number) state.get("saves")).intValue();
    }

    @Override
    public String toString() {
        return "Checkpoint(" + path + (monitor == null ? ", every epoch" : ", best " + monitor) + ")";
    }
}
