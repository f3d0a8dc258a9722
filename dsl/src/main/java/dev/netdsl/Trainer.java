package dev.netdsl;

import dev.netdsl.internal.Guard;
import dev.netdsl.internal.Progress;
import dev.netdsl.internal.Shuffler;
import dev.netdsl.training.Callback;
import dev.netdsl.training.StepListener;
import dev.netdsl.training.TrainingRun;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Trains a {@link NetGraph}: full-batch and shuffled mini-batch fits, single steps, the divergence
 * guard's rollback, and the callbacks. Each step takes the model's exclusive lock for itself only;
 * callbacks and listeners run between steps, outside it.
 */
final class Trainer {
    private final Model model;
    private final NetGraph g;
    /** Shuffles mini-batches; its state is saved by saveAll, so resumed training shuffles the same way. */
    Shuffler shuffler;
    long stepsTaken;
    private float lastLoss = Float.NaN;
    volatile boolean progress = true;

    Trainer(Model model, NetGraph g, long seed) {
        this.model = model;
        this.g = g;
        this.shuffler = Shuffler.splitOf(seed);
    }

    private void checkTrainable(String action) {
        if (g.rt.isClosed()) {
            throw new IllegalStateException("can't " + action + " with a closed Model");
        }
        if (g.loss == null) {
            throw new IllegalStateException(action + ": " + g.net + " has no loss; add one, e.g. .mse()");
        }
        if (g.train == null) {
            throw new IllegalStateException(action + ": " + g.net + " has no optimizer; add one, e.g. .sgd(0.05)");
        }
    }

    /** {@code steps} full-batch steps on {@code data}. */
    History fit(Dataset data, int steps, StepListener listener) {
        checkTrainable("fit");
        Feeder.check("fit", g.net, data);
        if (steps < 1) {
            throw new IllegalArgumentException("fit: steps " + steps + " must be at least 1");
        }
        long start = System.nanoTime();
        float[] losses = new float[steps];
        try (Feeder feed = Feeder.of(g, data, true); Progress bar = Progress.open("fit", steps, progress && steps >= 1000)) {
            for (int i = 0; i < steps; i++) {
                losses[i] = step(feed, "fit", () -> replayOn(data));
                listener.onStep(i, losses[i]);
                if ((i & 63) == 0 || i == steps - 1) {
                    bar.update(i + 1, losses[i]);
                }
            }
        }
        return new History(losses, (System.nanoTime() - start) / 1e9);
    }

    /** {@code epochs} passes over {@code data} in shuffled mini-batches, with {@code callbacks}. */
    History fit(Dataset data, int epochs, int batchSize, List<Callback> callbacks) {
        checkTrainable("fit");
        Feeder.check("fit", g.net, data);
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("fit: " + (epochs < 1 ? "epochs " + epochs : "batchSize " + batchSize)
                    + " must be at least 1");
        }
        int batches = (data.size() + batchSize - 1) / batchSize;
        if ((long) epochs * batches > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("fit: " + epochs + " epochs of " + batches + " batches are more steps than a"
                    + " History holds (2^31 - 9); train in several fit calls");
        }
        long start = System.nanoTime();
        float[] losses = new float[epochs * batches];
        int[] order = new int[data.size()];
        int step = 0;
        Run run = new Run(epochs);
        callbacks.forEach(c -> c.onTrainBegin(run));
        try (Progress bar = Progress.open("fit", losses.length, progress)) {
            for (int e = 1; e <= epochs && !run.stop; e++) {
                for (Callback c : callbacks) {
                    c.onEpochBegin(run, e);
                }
                // A fresh permutation each epoch (PyTorch's RandomSampler draws randperm(n) per epoch), from the
                // model's shuffler alone, so training resumed from saveAll shuffles as if it never stopped.
                Arrays.setAll(order, i -> i);
                shuffler.shuffle(order);
                double sum = 0;
                int done = 0;
                for (int b = 0; b < batches && !run.stop; b++) {
                    int[] rows = Arrays.copyOfRange(order, b * batchSize, Math.min(data.size(), (b + 1) * batchSize));
                    Dataset batch = data.subset(rows);
                    try (Feeder feed = Feeder.of(g, batch, true)) {
                        losses[step] = step(feed, "fit (epoch " + e + ", batch " + (b + 1) + ")", () -> replayOn(batch));
                    }
                    sum += losses[step];
                    done++;
                    for (Callback c : callbacks) {
                        c.onBatchEnd(run, e, b + 1, losses[step]);
                    }
                    bar.update(step + 1, losses[step]);
                    step++;
                }
                for (Callback c : callbacks) {
                    c.onEpochEnd(run, e, sum / done);
                }
            }
        } finally {
            History h = new History(Arrays.copyOf(losses, step), (System.nanoTime() - start) / 1e9);
            callbacks.forEach(c -> c.onTrainEnd(run, h));
        }
        return new History(Arrays.copyOf(losses, step), (System.nanoTime() - start) / 1e9);
    }

    /** One update on {@code batch}. */
    float step(Dataset batch) {
        checkTrainable("step");
        Feeder.check("step", g.net, batch);
        try (Feeder feed = Feeder.of(g, batch, true)) {
            return step(feed, "step", () -> replayOn(batch));
        }
    }

    /**
     * One training step under the exclusive lock; {@code where} names it in the error if its loss is not
     * finite, in which case the weights of the previous step (the last with a finite loss) are put back.
     */
    private float step(Feeder feed, String where, Runnable replay) {
        return g.rt.exclusive("fit", () -> {
            g.guard.beforeUpdate();
            float value;
            try (TInt64 stepValue = TInt64.scalarOf(stepsTaken);
                 Result result = g.rt.run(runner(feed, stepValue).addTarget(g.train).fetch(g.trainLoss), "run a training step")) {
                value = ((TFloat32) result.get(0)).getFloat();
            } catch (NetDslException e) {
                if (!Guard.isNonFiniteLoss(e)) {
                    throw e;
                }
                throw diverged(feed, where);
            }
            long taken = stepsTaken;
            g.guard.afterUpdate(this, () -> replayStep(replay, taken));
            stepsTaken++;
            lastLoss = value;
            return value;
        });
    }

    private Session.Runner runner(Feeder feed, TInt64 step) {
        return feed.into(g.rt.runner(3 * g.flopsPerExample * feed.rows())).feed(g.step, step);
    }

    /** Redoes a step that succeeded before, on the same data, as step number {@code step}. */
    private void replayStep(Runnable replay, long step) {
        long now = stepsTaken;
        stepsTaken = step;
        try {
            replay.run();
        } finally {
            stepsTaken = now;
        }
    }

    private void replayOn(Dataset data) {
        try (Feeder feed = Feeder.of(g, data, true); TInt64 stepValue = TInt64.scalarOf(stepsTaken)) {
            g.rt.run(runner(feed, stepValue).addTarget(g.train), "replay a training step").close();
        }
    }

    private TrainingDivergedException diverged(Feeder feed, String where) {
        float bad;
        try (Result result = g.rt.run(feed.into(g.rt.runner(g.flopsPerExample * feed.rows())).fetch(g.trainLoss),
                "compute the loss")) {
            bad = ((TFloat32) result.get(0)).getFloat();
        }
        long failed = stepsTaken + 1;
        if (stepsTaken == 0) {
            return new TrainingDivergedException(where + ": the loss is " + bad + " with the starting weights (training step "
                    + failed + "), before any update, so the learning rate is not the cause: look for huge values in the data"
                    + " and scale it (e.g. to mean 0, standard deviation 1); the weights are unchanged", failed, bad);
        }
        String kept;
        long last = g.guard.lastUpdateOf(this);
        List<Object> undone = last < 0 ? null : g.guard.rollBackTo(last);
        if (undone != null) {
            stepsTaken -= undone.size();
            kept = "the model is back to the weights of step " + (stepsTaken + 1) + ", the last with a finite loss (" + lastLoss + ")";
        } else {
            kept = "the model keeps the weights it was given before this step (its first since they were set)";
        }
        double lr = g.net.optimizer().get().learningRate();
        return new TrainingDivergedException(where + ": the loss became " + bad + " at training step " + failed + "; " + kept
                + ". The learning rate " + lr + " is probably too large: try " + (lr / 10) + " (or scale the data)", failed, bad);
    }

    /** The fit call callbacks see. */
    private final class Run implements TrainingRun {
        private final int epochs;
        private volatile boolean stop;

        Run(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public Model model() {
            return model;
        }

        @Override
        public int epochs() {
            return epochs;
        }

        @Override
        public long stepsTaken() {
            return stepsTaken;
        }

        @Override
        public void stop() {
            stop = true;
        }

        @Override
        public boolean stopRequested() {
            return stop;
        }
    }
}
