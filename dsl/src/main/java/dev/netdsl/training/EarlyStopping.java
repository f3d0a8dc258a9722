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
    private boolean restored;
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

    /** True if, when the last fit ended, this callback gave the model the best epoch's weights back ({@link #restoreBest()}). */
    public boolean restoredBest() {
        return restored;
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
        restored = false;
    }

    @Override
    public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
        Double value = logs.get(monitor);
        if (value == null) {
            throw new IllegalArgumentException(missing(monitor, logs.keySet()));
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
            restored = true;
        }
    }

    /** {@code Epoch 6: early stopping} and {@code Restoring model weights from the end of the best epoch: 3.}, as Keras says them. */
    @Override
    public List<String> endLines(History history) {
        List<String> out = new ArrayList<>();
        // A resumed fit that had already stopped ran no epoch: it said so when it began.
        if (stoppedEpoch > 0 && history.steps() > 0) {
            out.add("Epoch " + stoppedEpoch + ": early stopping");
        }
        if (restored) {
            out.add("Restoring model weights from the end of the best epoch: " + bestEpoch() + ".");
        }
        return out;
    }

    /**
     * Why {@code monitor} is not among the epoch's numbers {@code keys}: a near name ({@code val_acc} for
     * {@code val_accuracy}, a typo) is suggested; a missing validation set is named only when no {@code val_} number
     * exists at all.
     */
    static String missing(String monitor, java.util.Set<String> keys) {
        String start = "EarlyStopping.on(\"" + monitor + "\"): the epoch's numbers are " + keys;
        String near = null;
        int nearest = Integer.MAX_VALUE;
        for (String k : keys) {
            boolean sameKind = k.startsWith("val_") == monitor.startsWith("val_");
            int d = k.startsWith(monitor) || monitor.startsWith(k) ? 0 : edits(k, monitor);
            if (sameKind && d <= 2 && d < nearest) {
                near = k;
                nearest = d;
            }
        }
        if (near != null) {
            return start + "; did you mean \"" + near + "\"?";
        }
        if (monitor.startsWith("val_") && keys.stream().noneMatch(k -> k.startsWith("val_"))) {
            return start + "; give fit a validation set (Fit...validation(data) or validationSplit)";
        }
        return start;
    }

    /** The Levenshtein distance between {@code a} and {@code b}. */
    private static int edits(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
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
