package dev.netdsl.training;

import dev.netdsl.History;
import dev.netdsl.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stops training when a monitored number stops improving, like Keras's {@code EarlyStopping}: after each
 * epoch, an improvement (by more than {@link #minDelta}) resets the count; after {@link #patience} epochs
 * without one, training stops. With {@link #restoreBest()} the model gets the best epoch's weights back at
 * the end. Lower is better for losses and errors, higher for accuracies, R², F1 and AUC (from the name; any
 * other name needs {@link #mode}).
 * <pre>{@code EarlyStopping.on("val_loss").patience(3).restoreBest()}</pre>
 */
public final class EarlyStopping implements Callback {
    private final String monitor;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBest;
    /** Null until given or inferred. */
    private final Mode mode;
    private double best;
    private int wait;
    private int bestEpoch;
    private int stoppedEpoch;
    private List<Parameter> bestWeights;

    private EarlyStopping(String monitor, int patience, double minDelta, boolean restoreBest, Mode mode) {
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBest = restoreBest;
        this.mode = mode;
    }

    /** Watches {@code monitor} (a key of the epoch's numbers, e.g. {@code val_loss}); patience 0, min delta 0. */
    public static EarlyStopping on(String monitor) {
        java.util.Objects.requireNonNull(monitor, "monitor");
        return new EarlyStopping(monitor, 0, 0, false, null);
    }

    /** A copy that waits {@code epochs} epochs without improvement before stopping. */
    public EarlyStopping patience(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("patience(" + epochs + "): must be 0 or more");
        }
        return new EarlyStopping(monitor, epochs, minDelta, restoreBest, mode);
    }

    /** A copy that counts only changes larger than {@code delta} as improvements. */
    public EarlyStopping minDelta(double delta) {
        if (!(delta >= 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("minDelta(" + delta + "): must be finite, 0 or more");
        }
        return new EarlyStopping(monitor, patience, delta, restoreBest, mode);
    }

    /** A copy that gives the model the best epoch's weights (and buffers) back when training ends. */
    public EarlyStopping restoreBest() {
        return new EarlyStopping(monitor, patience, minDelta, true, mode);
    }

    /** A copy that takes {@code mode} as the direction of improvement instead of inferring it from the name. */
    public EarlyStopping mode(Mode mode) {
        return new EarlyStopping(monitor, patience, minDelta, restoreBest, java.util.Objects.requireNonNull(mode, "mode"));
    }

    /** The epoch (from 1) with the best value so far, or 0. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The epoch training was stopped after, or 0 if it was not stopped. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    private Mode direction() {
        return mode != null ? mode : Mode.infer(monitor, "EarlyStopping.on(\"" + monitor + "\")");
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        if (!run.resumed()) {
            best = direction().worst();
            wait = 0;
            bestEpoch = 0;
            stoppedEpoch = 0;
            bestWeights = null;
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
        Double value = logs.get(monitor);
        if (value == null) {
            throw new IllegalArgumentException("EarlyStopping.on(\"" + monitor + "\"): the epoch's numbers are " + logs.keySet()
                    + (monitor.startsWith("val_") ? "; give fit a validation set (Fit...validation(data) or validationSplit)" : ""));
        }
        wait++;
        if (direction().better(value, best, minDelta)) {
            best = value;
            bestEpoch = epoch;
            wait = 0;
            if (restoreBest) {
                bestWeights = new ArrayList<>(run.model().parameters());
                bestWeights.addAll(run.model().buffers());
            }
        }
        if (wait >= patience && epoch > 1 || patience == 0 && wait > 0) {
            stoppedEpoch = epoch;
            run.stop();
        }
    }

    @Override
    public void onTrainEnd(TrainingRun run, History history) {
        if (restoreBest && bestWeights != null) {
            run.model().setParameters(bestWeights);
        }
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("best", best);
        s.put("wait", wait);
        s.put("best_epoch", bestEpoch);
        if (bestWeights != null) {
            s.put("best_weights", bestWeights);
        }
        return s;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(Map<String, Object> state) {
        best = ((Number) state.get("best")).doubleValue();
        wait = ((Number) state.get("wait")).intValue();
        bestEpoch = ((Number) state.get("best_epoch")).intValue();
        bestWeights = (List<Parameter>) state.get("best_weights");
    }

    @Override
    public String toString() {
        return "EarlyStopping(monitor=" + monitor + ", patience=" + patience + ", min_delta=" + minDelta
                + (mode != null ? ", mode=" + mode.name().toLowerCase(java.util.Locale.ROOT) : "")
                + (restoreBest ? ", restore_best_weights=True" : "") + ")";
    }
}
