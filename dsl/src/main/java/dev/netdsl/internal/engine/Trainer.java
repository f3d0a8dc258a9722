package dev.netdsl.internal.engine;

import dev.netdsl.Dataset;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.NetDslException;
import dev.netdsl.TrainingDivergedException;
import dev.netdsl.internal.Guard;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Fit;
import dev.netdsl.training.StepListener;
import dev.netdsl.training.TrainingRun;
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
public final class Trainer {
    final Model model;
    final NetGraph g;
    /** Shuffles mini-batches; its state is saved by saveAll, so resumed training shuffles the same way. */
    public Shuffler shuffler;
    public long stepsTaken;
    /** The learning rate the next step uses (schedules change it). */
    double learningRate;
    /** The state of a checkpointed fit this model was opened from, for {@code Fit.resume()}; else null. */
    public FitState pending;
    private float lastLoss = Float.NaN;
    public volatile boolean progress = true;
    /**
     * Whether fits may run many steps per native call ({@link FusedFit}): on unless the system property
     * {@code netdsl.fused} is {@code false}; tests switch it per model.
     */
    boolean fusion = !"false".equals(System.getProperty("netdsl.fused"));
    /** Fuse whatever a step costs (system property {@code netdsl.fused=true}); by default only cheap steps are. */
    boolean fuseAlways = "true".equals(System.getProperty("netdsl.fused"));
    /**
     * Steps above this many FLOPs (matrix multiplies, forward and backward) run one per call: there the
     * per-call overhead the fused loop saves is small next to the step's own work, and TensorFlow's CPU
     * kernels beat XLA's code for it (measured here: the sine-fitting net, 12 MFLOP per step, 330 us step by
     * step and 360 us fused; the MNIST MLP at batch 200, 240 MFLOP, 0.6 s and 0.8 s per epoch; the planar
     * net, 29 kFLOP, 0.65 s and 0.17 s per 10,000 steps).
     */
    static final double FUSED_MAX_FLOPS = 2e6;
    /** Why this model's fits stopped trying the fused loop (XLA could not compile it), or null. */
    private String fusionFailed;
    private FusedFit fused;
    /** Fused calls that trained (for tests and the benchmark's account of the path taken). */
    long fusedCalls;
    /** Full-batch steps per fused call: progress, stop requests and divergence checks come between calls. */
    int fullBatchChunk = 500;
    /** Above this many bytes of inputs and targets, fits feed batch by batch instead of holding the set in one call. */
    static final long FUSED_DATA_LIMIT = 1L << 30;

    public Trainer(Model model, NetGraph g, long seed) {
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
    public History fit(Dataset data, int steps, StepListener listener) {
        checkTrainable("fit");
        Feeder.check("fit", g.net, data);
        if (steps < 1) {
            throw new IllegalArgumentException("fit: steps " + steps + " must be at least 1");
        }
        return steps(data, steps, listener);
    }

    /** The short form: {@code epochs} quiet passes in mini-batches of {@code batchSize}, with {@code callbacks}. */
    public History fit(Dataset data, int epochs, int batchSize, Callback... callbacks) {
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
    public History fit(Dataset data, Fit fit, boolean shortForm) {
        checkTrainable("fit");
        Feeder.check("fit", g.net, data);
        return epochs(data, fit, shortForm);
    }

    /** {@code steps} full-batch steps on {@code data}, {@code listener} told of each. */
    private History steps(Dataset data, int steps, StepListener listener) {
        boolean told = listener != StepListener.NONE;
        List<Callback> mine = told ? List.of(new Callback() {
            @Override
            public void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
                listener.onStep(batch - 1, loss);
            }
        }) : List.of();
        FitPlan plan = FitPlan.steps(this, data, steps, told ? "a StepListener is told each step as it happens" : null);
        FitLoop loop = new FitLoop(this, plan, mine, false, false);
        loop.add(List.of(new FitCallbacks.Bars(progress && steps >= 1000, "fit", steps, loop.tally(), true))).add(mine);
        return loop.run(false);
    }

    /**
     * {@code fit}'s epochs over {@code data} (the short forms print nothing and count no accuracy): the plan, then
     * the loop with the built-in callbacks (validation, clock, progress bar) before the user's and the epoch line last.
     */
    private History epochs(Dataset data, Fit fit, boolean shortForm) {
        Dataset train = data;
        Dataset validation = fit.validation();
        if (validation != null) {
            Feeder.check("fit (validation)", g.net, validation);
        } else if (fit.validationSplit() > 0) {
            Dataset[] parts = FitPlan.split(data, fit.validationSplit(), model.seed());
            train = parts[0];
            validation = parts[1];
        }
        FitCallbacks.Validation.check(g.net, fit, validation);
        boolean printing = !fit.isQuiet() && !shortForm;
        boolean bars = progress && (shortForm || printing);
        FitPlan plan = FitPlan.of(this, train, fit, shortForm, bars, FitPlan.perBatch(fit.callbacks()));
        FitLoop loop = new FitLoop(this, plan, fit.callbacks(), !shortForm, true);
        if (validation != null) {
            loop.add(List.of(new FitCallbacks.Validation(validation, fit)));
        }
        loop.add(List.of(new FitCallbacks.Clock(), new FitCallbacks.Bars(bars, plan.task(), plan.batches(), loop.tally(), false)));
        loop.add(fit.callbacks());
        if (printing) {
            loop.add(List.of(new FitCallbacks.Lines(fit.out())));
        }
        return loop.run(fit.isResume());
    }

    /** One update on {@code batch}. */
    public float step(Dataset batch) {
        checkTrainable("step");
        Feeder.check("step", g.net, batch);
        try (Feeder feed = Feeder.of(g, batch, true)) {
            return step(feed, "step", () -> replayOn(batch), null);
        }
    }

    /**
     * One training step under the exclusive lock; {@code where} names it in the error if its loss is not
     * finite, in which case the weights of the previous step (the last with a finite loss) are put back.
     * If {@code correct} is given, its first element gets the batch's right answers (for training accuracy).
     */
    public float step(Feeder feed, String where, Runnable replay, float[] correct) {
        if (g.needsTwoExamples != null && feed.rows() < 2) {
            throw new IllegalArgumentException(where + ": " + g.needsTwoExamples + " needs more than one value per channel"
                    + " when training (PyTorch: \"Expected more than 1 value per channel when training\"), but this batch has "
                    + feed.rows() + " example; train on batches of 2 or more");
        }
        return g.rt.exclusive("fit", () -> {
            g.guard.beforeUpdate();
            float value;
            double lr = learningRate;
            try (TInt64 stepValue = TInt64.scalarOf(stepsTaken); TFloat32 rate = rateTensor(lr)) {
                Session.Runner r = runner(feed, stepValue, rate).addTarget(g.train).fetch(g.trainLoss);
                if (correct != null) {
                    r.fetch(g.trainCorrect);
                }
                try (Result result = g.rt.run(r, "run a training step")) {
                    value = ((TFloat32) result.get(0)).getFloat();
                    if (correct != null) {
                        correct[0] = ((TFloat32) result.get(1)).getFloat();
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

    /**
     * Refuses, before any step, a fit of {@code size} examples in batches of {@code batchSize} that would
     * leave a batch of one example to a net that needs two (batch norm over {@code [N, C]}), naming a batch
     * size that works.
     */
    void checkBatches(String where, int size, int batchSize) {
        if (g.needsTwoExamples == null || size % batchSize != 1 && size != 1) {
            return;
        }
        String advice;
        if (size == 1) {
            advice = "give it at least 2 examples";
        } else {
            int other = batchSize + 1;
            while (size % other == 1) {
                other++;
            }
            advice = "use a batch size that does not leave one example over, e.g. " + other
                    + (batchSize > 2 && size % (batchSize - 1) != 1 ? " or " + (batchSize - 1) : "") + ", or drop an example";
        }
        throw new IllegalArgumentException(where + ": " + g.needsTwoExamples + " needs more than one value per channel when"
                + " training (PyTorch: \"Expected more than 1 value per channel when training\"), but " + size + " example"
                + (size == 1 ? "" : "s in batches of " + batchSize + " leave a last batch of 1") + "; " + advice
                + ". Nothing was trained");
    }

    /**
     * Why a fit on {@code data} in steps of {@code rowsPerStep} rows should run one step per call
     * ({@code extra} if the caller has its own reason), or null if it may use the fused loop.
     */
    String stepByStep(Dataset data, int rowsPerStep, String extra) {
        if (!fusion) {
            return "fused training is off (system property netdsl.fused=false)";
        }
        double flops = 3 * g.flopsPerExample * rowsPerStep;
        if (!fuseAlways && flops > FUSED_MAX_FLOPS) {
            return String.format(java.util.Locale.ROOT, "a step takes %.1f MFLOP, where the step's own work outweighs the"
                    + " per-call overhead the fused loop saves (fused above %.0f MFLOP only with netdsl.fused=true)", flops / 1e6,
                    FUSED_MAX_FLOPS / 1e6);
        }
        if (fusionFailed != null) {
            return fusionFailed;
        }
        if (g.notFusable != null) {
            return g.notFusable;
        }
        if (extra != null) {
            return extra;
        }
        long bytes = 4L * data.size() * (data.features() + (data.hasLabels() ? 1 : data.targets()));
        if (bytes > FUSED_DATA_LIMIT) {
            return "the data set takes " + (bytes >> 20) + " MB, more than one call holds (" + (FUSED_DATA_LIMIT >> 20) + " MB)";
        }
        return null;
    }

    /**
     * {@code count} steps in one fused call on the rows of {@code whole} that {@code indices} lists
     * ({@code batchSize} per step; 0 for the whole set each step), under the exclusive lock. Returns the
     * steps' losses (and fills {@code correct} with each step's correct predictions if given); an empty
     * array if a loss or value was not finite (nothing changed: the caller redoes the chunk step by step,
     * for the step path's error and rollback); null if XLA could not compile the loop (nothing changed;
     * this model's fits go step by step from now on).
     */
    float[] fusedSteps(Feeder whole, int batchSize, int chunk, int[] indices, int count, float[] correct) {
        FusedFit f = fused == null ? fused = new FusedFit(g) : fused;
        FusedFit.Chunk c;
        try {
            c = g.rt.exclusive("fit", () -> {
                FusedFit.Built b = f.loop(batchSize, chunk);
                FusedFit.Chunk done = f.run(b, whole, indices, count, learningRate);
                stepsTaken += count;
                g.guard.keepCurrent();
                return done;
            });
        } catch (NetDslException e) {
            if (Guard.isNonFiniteLoss(e)) {
                return new float[0];
            }
            fusionFailed = "the fused loop failed (" + firstLine(e.getMessage()) + ")";
            FusedFit.say("fit: " + fusionFailed + "; training goes on step by step");
            return null;
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            fusionFailed = "the fused loop could not be built (" + firstLine(String.valueOf(e.getMessage())) + ")";
            FusedFit.say("fit: " + fusionFailed + "; training goes on step by step");
            return null;
        }
        if (correct != null) {
            System.arraycopy(c.correct(), 0, correct, 0, count);
        }
        lastLoss = c.losses()[count - 1];
        fusedCalls++;
        return c.losses();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
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
