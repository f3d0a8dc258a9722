package dev.netdsl.training;

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
    private final Mode mode;
    private double best;
    private int saves;

    private Checkpoint(Path path, String monitor, Mode mode) {
        this.path = Objects.requireNonNull(path, "path");
        this.monitor = monitor;
        this.mode = mode;
    }

    /** Saves to {@code path} after every epoch. */
    public static Checkpoint every(Path path) {
        return new Checkpoint(path, null, null);
    }

    /**
     * Saves to {@code path} after each epoch whose {@code monitor} (e.g. {@code val_accuracy}) is the best so far;
     * higher or lower is better by the name (see {@link Mode#infer}), or as {@link #mode} says.
     */
    public static Checkpoint best(Path path, String monitor) {
        return new Checkpoint(path, Objects.requireNonNull(monitor, "monitor"), null);
    }

    /** A copy that takes {@code mode} as the direction of improvement of its monitored number. */
    public Checkpoint mode(Mode mode) {
        if (monitor == null) {
            throw new IllegalArgumentException("Checkpoint.every(" + path + ").mode(...): only Checkpoint.best watches a number");
        }
        return new Checkpoint(path, monitor, Objects.requireNonNull(mode, "mode"));
    }

    private Mode direction() {
        return mode != null ? mode : Mode.infer(monitor, "Checkpoint.best(" + path + ", \"" + monitor + "\")");
    }

    /** How many times it saved during the last fit. */
    public int saves() {
        return saves;
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        if (!run.resumed()) {
            best = monitor != null ? direction().worst() : Double.POSITIVE_INFINITY;
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
            if (!direction().better(value, best, 0)) {
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
