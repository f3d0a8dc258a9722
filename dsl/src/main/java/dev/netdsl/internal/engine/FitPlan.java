package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.Dataset;
import dev.netdsl.training.Fit;
import dev.netdsl.training.GradientSource;
import java.util.Arrays;

/**
 * How a fit cuts its work: epochs of batches (shuffled mini-batches, or the whole set each step), which of
 * them run many per native call ({@link FusedFit}) and how many per call, and why the rest run step by
 * step. Worked out once, before the first step.
 *
 * @param train the training examples, or null if a {@link GradientSource} holds them
 * @param source where each step's gradients come from if the examples are held elsewhere, or null
 * @param size the number of training examples
 * @param epochs the epochs to run
 * @param batches batches per epoch
 * @param batchSize examples per batch, or 0 for the whole set each step
 * @param whole batches per epoch that hold {@code batchSize} examples (a smaller last one never fuses)
 * @param chunk batches per fused call, or 0 to run every batch step by step
 * @param why why batches run step by step, or null
 * @param task the progress bar's name ({@code null}: per epoch, "epoch e/E")
 */
public record FitPlan(Dataset train, GradientSource source, int size, int epochs, int batches, int batchSize, int whole, int chunk, String why, String task) {

    /** {@code steps} full-batch steps as one epoch, fused {@code fullBatchChunk} at a time unless {@code why} says not. */
    static FitPlan steps(Dataset data, int steps, String why, int fullBatchChunk) {
        return new FitPlan(data, null, data.size(), 1, steps, 0, steps, why == null ? Math.min(fullBatchChunk, steps) : 0, why, "fit");
    }

    /**
     * {@code fit}'s epochs over {@code train}; {@code bars} if progress bars are drawn, {@code why} the trainer's reason to
     * run its batches step by step, or null.
     */
    static FitPlan of(Dataset train, GradientSource source, Fit fit, boolean shortForm, boolean bars, String why) {
        String task = shortForm ? "fit" : null;
        int rows = source != null ? source.size() : train.size();
        if (fit.fullBatch()) {
            return new FitPlan(train, source, rows, fit.epochs(), 1, 0, 0, 0, "each full-batch step is an epoch with its own callbacks", task);
        }
        int size = fit.batchSize();
        int whole = rows / size;
        if (why == null && whole == 0) {
            why = "the data set is smaller than one batch";
        }
        // Bars redraw between calls: a twentieth of an epoch per call with a bar, the whole epoch without one.
        int chunk = why != null ? 0 : bars && System.console() != null ? Math.max(1, (whole + 19) / 20) : whole;
        return new FitPlan(train, source, rows, fit.epochs(), (rows + size - 1) / size, size, whole, chunk, why, task);
    }

    /** Why {@code callbacks} need every batch as it happens (so no batch may be fused), or null. */
    static String perBatch(java.util.List<dev.netdsl.training.Callback> callbacks) {
        for (dev.netdsl.training.Callback c : callbacks) {
            if (c.perBatch()) {
                return c.getClass().getName() + " is told about every batch (Callback.perBatch)";
            }
        }
        return null;
    }

    /** The debug line saying which path the fit takes. */
    String say() {
        if (chunk == 0) {
            return "fit: step by step, because " + why;
        }
        return batchSize == 0 ? "fit(data, " + batches + "): fused, " + chunk + " full-batch steps per call"
                : "fit: fused, " + chunk + " batches of " + batchSize + " per call"
                + (whole * batchSize < size ? ", the last, smaller batch step by step" : "");
    }

    /**
     * The epoch's order of examples: a fresh permutation (PyTorch's RandomSampler draws randperm(n) per epoch),
     * from the model's shuffler alone, so training resumed from saveAll shuffles as if it never stopped.
     */
    int[] order(Shuffler shuffler) {
        int[] order = new int[size];
        if (batchSize > 0) {
            Arrays.setAll(order, i -> i);
            shuffler.shuffle(order);
        }
        return order;
    }

    /** Batch {@code b} of an epoch in {@code order}. */
    Dataset batch(int[] order, int b) {
        return batchSize == 0 ? train : access().subset(train, order, b * batchSize, Math.min(train.size(), (b + 1) * batchSize));
    }

    /** The row numbers of batch {@code b} of an epoch in {@code order} (all rows, in order, for full batches). */
    int[] batchRows(int[] order, int b) {
        if (batchSize == 0) {
            int[] all = new int[size];
            Arrays.setAll(all, i -> i);
            return all;
        }
        return Arrays.copyOfRange(order, b * batchSize, Math.min(size, (b + 1) * batchSize));
    }

    /** The rows of batches {@code b..b+count} of {@code order}, padded to a whole chunk (null for full batches). */
    int[] rows(int[] order, int b, int count) {
        if (batchSize == 0) {
            return null;
        }
        int[] rows = new int[chunk * batchSize];
        System.arraycopy(order, b * batchSize, rows, 0, count * batchSize);
        return rows;
    }

    /**
     * {@code data} split into training and validation examples: a permutation drawn from the model's seed (not
     * from the shuffler, so a resumed fit splits the same way), the last {@code share} held out; the same
     * examples as the public {@link Dataset#split(double, long)} with that seed.
     */
    static Dataset[] split(Dataset data, double share, long seed) {
        Dataset.Split parts = access().split(data, share, seed, "validationSplit(" + share + ")");
        return new Dataset[] {parts.train(), parts.test()};
    }
}
