package dev.netdsl;

import dev.netdsl.internal.Guard;
import dev.netdsl.internal.Progress;
import dev.netdsl.internal.Shuffler;
import dev.netdsl.training.Fit;
import dev.netdsl.training.StepListener;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Trains a {@link NetGraph}: single steps with the divergence guard's rollback, the learning rate fed at
 * each step, and full-batch fits; epochs of mini-batches with validation and callbacks are
 * {@link FitLoop}'s. Each step takes the model's exclusive lock for itself only; callbacks and listeners
 * run between steps, outside it.
 */
final class Trainer {
    final Model model;
    final NetGraph g;
    /** Shuffles mini-batches; its state is saved by saveAll, so resumed training shuffles the same way. */
    Shuffler shuffler;
    long stepsTaken;
    /** The learning rate the next step uses (schedules change it). */
    double learningRate;
    /** The state of a checkpointed fit this model was opened from, for {@code Fit.resume()}; else null. */
    FitState pending;
    private float lastLoss = Float.NaN;
    volatile boolean progress = true;

    Trainer(Model model, NetGraph g, long seed) {
        this.model = model;
        this.g = g;
        this.shuffler = Shuffler.splitOf(seed);
        this.learningRate = g.net.optimizer().map(o -> o.learningRate()).orElse(0.0);
    }

    void checkTrainable(String action) {
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
                losses[i] = step(feed, "fit", () -> replayOn(data), null);
                listener.onStep(i, losses[i]);
                if ((i & 63) == 0 || i == steps - 1) {
                    bar.update(i + 1, losses[i]);
                }
            }
        }
        return new History(losses, (System.nanoTime() - start) / 1e9);
    }

    /** The short form: {@code epochs} quiet passes in mini-batches of {@code batchSize}, with {@code callbacks}. */
    History fit(Dataset data, int epochs, int batchSize, dev.netdsl.training.Callback... callbacks) {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("fit: " + (epochs < 1 ? "epochs " + epochs : "batchSize " + batchSize)
                    + " must be at least 1");
        }
        int batches = (data.size() + batchSize - 1) / batchSize;
        if ((long) epochs * batches > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("fit: " + epochs + " epochs of " + batches + " batches are more steps than a"
                    + " History holds (2^31 - 9); train in several fit calls");
        }
        return fit(data, Fit.epochs(epochs).batchSize(batchSize).callbacks(callbacks).quiet(), true);
    }

    /** {@code epochs} passes over {@code data} in shuffled mini-batches, as {@code fit} with options does. */
    History fit(Dataset data, Fit fit, boolean shortForm) {
        checkTrainable("fit");
        Feeder.check("fit", g.net, data);
        return new FitLoop(this, data, fit, shortForm).run();
    }

    /** One update on {@code batch}. */
    float step(Dataset batch) {
        checkTrainable("step");
        Feeder.check("step", g.net, batch);
        try (Feeder feed = Feeder.of(g, batch, true)) {
            return step(feed, "step", () -> replayOn(batch), null);
        }
    }

    /**
     * One training step under the exclusive lock; {@code where} names it in the error if its loss is not
     * finite, in which case the weights of the previous step (the last with a finite loss) are put back.
     * If {@code outputs} is given, the training pass's outputs are copied into it (for training accuracy).
     */
    float step(Feeder feed, String where, Runnable replay, float[] outputs) {
        return g.rt.exclusive("fit", () -> {
            g.guard.beforeUpdate();
            float value;
            double lr = learningRate;
            try (TInt64 stepValue = TInt64.scalarOf(stepsTaken); TFloat32 rate = rateTensor(lr)) {
                Session.Runner r = runner(feed, stepValue, rate).addTarget(g.train).fetch(g.trainLoss);
                if (outputs != null) {
                    r.fetch(g.trainOutput);
                }
                try (Result result = g.rt.run(r, "run a training step")) {
                    value = ((TFloat32) result.get(0)).getFloat();
                    if (outputs != null) {
                        ((TFloat32) result.get(1)).copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(outputs, false, false));
                    }
                }
            } catch (NetDslException e) {
                if (!Guard.isNonFiniteLoss(e)) {
                    throw e;
                }
                throw diverged(feed, where);
            }
            long taken = stepsTaken;
            g.guard.afterUpdate(this, () -> replayStep(replay, taken, lr));
            stepsTaken++;
            lastLoss = value;
            return value;
        });
    }

    /** The learning rate as a tensor to feed, or null while it is the optimizer's own (the graph's default). */
    private TFloat32 rateTensor(double lr) {
        return lr == g.net.optimizer().get().learningRate() ? null : TFloat32.scalarOf((float) lr);
    }

    private Session.Runner runner(Feeder feed, TInt64 step, TFloat32 rate) {
        Session.Runner r = feed.into(g.rt.runner(3 * g.flopsPerExample * feed.rows())).feed(g.step, step);
        return rate == null ? r : r.feed(g.learningRate, rate);
    }

    /** Redoes a step that succeeded before, on the same data, as step number {@code step} with rate {@code lr}. */
    private void replayStep(Runnable replay, long step, double lr) {
        long now = stepsTaken;
        double rate = learningRate;
        stepsTaken = step;
        learningRate = lr;
        try {
            replay.run();
        } finally {
            stepsTaken = now;
            learningRate = rate;
        }
    }

    void replayOn(Dataset data) {
        try (Feeder feed = Feeder.of(g, data, true); TInt64 stepValue = TInt64.scalarOf(stepsTaken);
             TFloat32 rate = rateTensor(learningRate)) {
            g.rt.run(runner(feed, stepValue, rate).addTarget(g.train), "replay a training step").close();
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
        double lr = learningRate;
        return new TrainingDivergedException(where + ": the loss became " + bad + " at training step " + failed + "; " + kept
                + ". The learning rate " + lr + " is probably too large: try " + (lr / 10) + " (or scale the data)", failed, bad);
    }
}
