package dev.netdsl.training;

import java.util.Locale;

/**
 * Whether a monitored number improves by going down ({@link #MIN}: losses, errors) or up ({@link #MAX}:
 * accuracies, R², F1, AUC), as Keras's and PyTorch's {@code mode="min"/"max"}. {@link EarlyStopping},
 * {@link Checkpoint#best} and {@link LrSchedule#onPlateau} infer it from the names NetDSL writes and take an
 * explicit one for any other name.
 */
public enum Mode {
    /** Lower is better. */
    MIN,
    /** Higher is better. */
    MAX;

    /**
     * The mode of a monitored number by its name: {@link #MAX} for accuracies, R², F1, precision, recall
     * and AUC, {@link #MIN} for losses and errors.
     *
     * @param caller names the callback in the error, e.g. {@code EarlyStopping.on("val_auc")}
     * @throws IllegalArgumentException for a name that says neither, asking for an explicit mode
     */
    public static Mode infer(String monitor, String caller) {
        String key = monitor.toLowerCase(Locale.ROOT);
        for (String up : new String[] {"acc", "r2", "f1", "precision", "recall", "auc"}) {
            if (key.contains(up)) {
                return MAX;
            }
        }
        for (String down : new String[] {"loss", "mae", "mse", "error"}) {
            if (key.contains(down)) {
                return MIN;
            }
        }
        throw new IllegalArgumentException(caller + ": can't tell from the name whether a higher or a lower \"" + monitor
                + "\" is better; say which with .mode(Mode.MAX) or .mode(Mode.MIN)");
    }

    /** True if {@code value} is better than {@code best} by more than {@code delta}. */
    boolean better(double value, double best, double delta) {
        return this == MAX ? value - delta > best : value + delta < best;
    }

    /** The starting "best": the worst value there is. */
    double worst() {
        return this == MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
}
