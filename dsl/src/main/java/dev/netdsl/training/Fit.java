package dev.netdsl.training;

import dev.netdsl.Dataset;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * How {@code Model.fit(train, fit)} trains: epochs of shuffled mini-batches ({@link #epochs(int)}) or
 * full-batch steps ({@link #steps(int)}), an optional validation set evaluated after every epoch,
 * callbacks, and how much it prints. Immutable; every call returns a copy.
 *
 * <pre>{@code
 * History h = model.fit(train, Fit.epochs(20).batchSize(128).validation(test)
 *         .callbacks(EarlyStopping.on("val_loss").patience(3).restoreBest(), LrSchedule.cosine(20)));
 * }</pre>
 */
public final class Fit {
    /** The extra validation numbers {@link #metrics} takes, besides those always computed. */
    private static final java.util.regex.Pattern METRIC = java.util.regex.Pattern.compile("top[1-5]_accuracy|macro_f1|mae|r2");
    private int epochs;
    private boolean fullBatch;
    private int batchSize;
    private Dataset validation;
    private double validationSplit;
    private List<Callback> callbacks = List.of();
    private List<String> metrics = List.of();
    private boolean quiet;
    private PrintStream out = System.out;
    private boolean resume;

    private Fit() {
    }

    private Fit copy() {
        Fit f = new Fit();
        f.epochs = epochs;
        f.fullBatch = fullBatch;
        f.batchSize = batchSize;
        f.validation = validation;
        f.validationSplit = validationSplit;
        f.callbacks = callbacks;
        f.metrics = metrics;
        f.quiet = quiet;
        f.out = out;
        f.resume = resume;
        return f;
    }

    /**
     * {@code n} epochs over the training set in shuffled mini-batches of 32 ({@link #batchSize(int)}
     * to change it).
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Fit epochs(int n) {
        Fit f = new Fit();
        f.epochs = positive("epochs", n);
        f.batchSize = 32;
        return f;
    }

    /**
     * {@code n} full-batch steps, each counted as an epoch (for callbacks, validation and the history).
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Fit steps(int n) {
        Fit f = new Fit();
        f.epochs = positive("steps", n);
        f.fullBatch = true;
        return f;
    }

    private static int positive(String what, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Fit." + what + "(" + n + "): must be at least 1");
        }
        return n;
    }

    /** A copy with mini-batches of {@code n} (the last of an epoch may be smaller). */
    public Fit batchSize(int n) {
        if (fullBatch) {
            throw new IllegalStateException("batchSize: Fit.steps(...) trains on the whole set at each step; use Fit.epochs(...)"
                    + " for mini-batches");
        }
        Fit f = copy();
        f.batchSize = positive("batchSize", n);
        return f;
    }

    /** A copy evaluating {@code data} after every epoch ({@code val_loss}, {@code val_accuracy}, ...). */
    public Fit validation(Dataset data) {
        Fit f = copy();
        f.validation = Objects.requireNonNull(data, "data");
        f.validationSplit = 0;
        return f;
    }

    /**
     * A copy holding out a share of the training set for validation (the same examples for a given
     * model seed), like Keras's {@code validation_split}.
     *
     * @throws IllegalArgumentException unless {@code 0 < share < 1}
     */
    public Fit validationSplit(double share) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("validationSplit(" + share + "): the share must be between 0 and 1, e.g. 0.1");
        }
        Fit f = copy();
        f.validation = null;
        f.validationSplit = share;
        return f;
    }

    /**
     * A copy that also reports these validation numbers each epoch (as {@code val_<name>}), besides the
     * loss and accuracy (classifiers) or MAE and R² (regressions): {@code top2_accuracy} ..
     * {@code top5_accuracy} and {@code macro_f1} for classifiers, {@code mae} and {@code r2} for regressions.
     *
     * @throws IllegalArgumentException for another name
     */
    public Fit metrics(String... names) {
        for (String n : names) {
            if (n == null || !METRIC.matcher(n).matches()) {
                throw new IllegalArgumentException("metrics: unknown metric " + n + "; use top2_accuracy .. top5_accuracy or"
                        + " macro_f1 (classifiers), mae or r2 (regressions)");
            }
        }
        Fit f = copy();
        f.metrics = List.of(names);
        return f;
    }

    /** A copy with {@code callbacks}, called in this order (put a {@link Checkpoint} last). */
    public Fit callbacks(Callback... callbacks) {
        Fit f = copy();
        f.callbacks = List.of(callbacks);
        return f;
    }

    /** A copy that prints nothing (no progress bar, no epoch lines). */
    public Fit quiet() {
        Fit f = copy();
        f.quiet = true;
        return f;
    }

    /** A copy printing its epoch lines (and, on a terminal, progress bars) to {@code out} instead of standard output. */
    public Fit printTo(PrintStream out) {
        Fit f = copy();
        f.out = Objects.requireNonNull(out, "out");
        return f;
    }

    /**
     * A copy that continues the fit a {@link Checkpoint} saved the model in (open the checkpoint with
     * {@code Model.open}): from the epoch after the saved one, with that fit's history, learning rate
     * and callbacks' state, as if it had never stopped. Give the same data, options and callbacks.
     */
    public Fit resume() {
        Fit f = copy();
        f.resume = true;
        return f;
    }

    /** The number of epochs (full-batch steps for {@link #steps}). */
    public int epochs() {
        return epochs;
    }

    /** True for {@link #steps}: each epoch is one step on the whole set. */
    public boolean fullBatch() {
        return fullBatch;
    }

    /** The mini-batch size (0 for full batch). */
    public int batchSize() {
        return batchSize;
    }

    /** The validation set given, or null. */
    public Dataset validation() {
        return validation;
    }

    /** The share held out for validation, or 0. */
    public double validationSplit() {
        return validationSplit;
    }

    /** The extra validation numbers asked for with {@link #metrics}. */
    public List<String> metrics() {
        return metrics;
    }

    /** The callbacks, in order. */
    public List<Callback> callbacks() {
        return callbacks;
    }

    /** True if it prints nothing. */
    public boolean isQuiet() {
        return quiet;
    }

    /** Where it prints. */
    public PrintStream out() {
        return out;
    }

    /** True if it continues a checkpointed fit. */
    public boolean isResume() {
        return resume;
    }
}
