package dev.netdsl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Model#fit} call did: the loss of every step (before that step's update, as PyTorch's
 * {@code loss.item()} reports it), the numbers of every epoch (for {@code fit(data, Fit)}), and the
 * wall-clock time.
 */
public final class History {
    private final float[] losses;
    private final double seconds;
    private final List<Map<String, Double>> epochs;

    History(float[] losses, double seconds) {
        this(losses, seconds, List.of());
    }

    History(float[] losses, double seconds, List<Map<String, Double>> epochs) {
        this.losses = losses;
        this.seconds = seconds;
        List<Map<String, Double>> copy = new ArrayList<>();
        epochs.forEach(e -> copy.add(Collections.unmodifiableMap(new java.util.LinkedHashMap<>(e))));
        this.epochs = Collections.unmodifiableList(copy);
    }

    /** The loss of every step in order; a copy. */
    public float[] losses() {
        return losses.clone();
    }

    /** Number of steps taken. */
    public int steps() {
        return losses.length;
    }

    /** The loss of the last step, or NaN if no step ran. */
    public float finalLoss() {
        return losses.length == 0 ? Float.NaN : losses[losses.length - 1];
    }

    /** Wall-clock seconds spent in {@code fit}. */
    public double seconds() {
        return seconds;
    }

    /** Steps per second, or 0 if no time passed. */
    public double stepsPerSecond() {
        return seconds > 0 ? losses.length / seconds : 0;
    }

    /**
     * Each epoch's numbers, in order: {@code loss}, {@code accuracy} (classifiers), {@code val_loss},
     * {@code val_accuracy} (or {@code val_mae}, {@code val_r2} for regression), {@code lr}, {@code seconds}.
     * Empty for the short forms of {@code fit}.
     */
    public List<Map<String, Double>> epochs() {
        return epochs;
    }

    /**
     * The best value of {@code key} over the epochs: the highest for accuracy-like keys
     * ({@code accuracy}, {@code r2}, ...), the lowest for the rest (losses, errors).
     *
     * @throws IllegalArgumentException if no epoch recorded {@code key}
     */
    public double best(String key) {
        return epochs.get(bestEpoch(key) - 1).get(key);
    }

    /** The epoch (from 1) with the best value of {@code key}; see {@link #best}. */
    public int bestEpoch(String key) {
        boolean max = higherIsBetter(key);
        int best = -1;
        for (int i = 0; i < epochs.size(); i++) {
            Double v = epochs.get(i).get(key);
            if (v != null && !v.isNaN() && (best < 0 || (max ? v > epochs.get(best).get(key) : v < epochs.get(best).get(key)))) {
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("best(\"" + key + "\"): no epoch recorded it; the keys are "
                    + (epochs.isEmpty() ? "[] (use fit(data, Fit...) for per-epoch numbers)" : epochs.get(0).keySet()));
        }
        return best + 1;
    }

    /** True for keys where higher is better: accuracies and R². */
    public static boolean higherIsBetter(String key) {
        return key.contains("acc") || key.endsWith("r2") || key.contains("f1") || key.contains("precision")
                || key.contains("recall");
    }

    @Override
    public String toString() {
        return "History[steps=" + losses.length + ", finalLoss=" + finalLoss() + ", seconds="
                + String.format("%.3f", seconds) + (epochs.isEmpty() ? "" : ", epochs=" + epochs.size()) + "]"
                + (losses.length <= 5 ? Arrays.toString(losses) : "");
    }
}
