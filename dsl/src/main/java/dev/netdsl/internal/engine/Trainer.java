package dev.netdsl.internal.engine;

import dev.netdsl.Dataset;
import dev.netdsl.Gradients;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Parameter;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Fit;
import dev.netdsl.training.GradientSource;
import dev.netdsl.training.StepListener;
import dev.netdsl.training.TrainingRun;
import java.util.List;

/**
 * Where {@code Model.fit} and {@code Model.step} enter the engine: checks that the model can train and that the
 * data fits it, splits off validation data, decides whether batches may run fused, cuts the work ({@link FitPlan}),
 * puts the built-in callbacks around the user's and hands everything to the one loop ({@link FitLoop}), which runs
 * the steps through {@link StepRunner}. Each step takes the model's exclusive lock for itself only; callbacks and
 * listeners run between steps, outside it.
 */
public final class Trainer {
    final Model model;
    final NetGraph g;
    /** Runs the steps and keeps the step count, learning rate, shuffler and a pending fit. */
    public final StepRunner steps;
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
    /** Full-batch steps per fused call: progress, stop requests and divergence checks come between calls. */
    int fullBatchChunk = 500;
    /** Above this many bytes of inputs and targets, fits feed batch by batch instead of holding the set in one call. */
    static final long FUSED_DATA_LIMIT = 1L << 30;

    public Trainer(Model model, NetGraph g, long seed) {
        this.model = model;
        this.g = g;
        this.steps = new StepRunner(g, seed);
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
        return fullBatch(data, steps, listener);
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
    private History fullBatch(Dataset data, int steps, StepListener listener) {
        boolean told = listener != StepListener.NONE;
        List<Callback> mine = told ? List.of(new Callback() {
            @Override
            public void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
                listener.onStep(batch - 1, loss);
            }
        }) : List.of();
        String why = stepByStep(data, data.size(), told ? "a StepListener is told each step as it happens" : null);
        FitPlan plan = FitPlan.steps(data, steps, why, fullBatchChunk);
        checkBatches("fit", data.size(), data.size());
        FitLoop loop = new FitLoop(model, this.steps, plan, mine, false, false);
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
        if (validation == null && fit.validationSplit() > 0) {
            Dataset[] parts = FitPlan.split(data, fit.validationSplit(), model.seed());
            train = parts[0];
            validation = parts[1];
        }
        String why = fit.fullBatch() ? null : stepByStep(train, fit.batchSize(), FitPlan.perBatch(fit.callbacks()));
        FitPlan plan = FitPlan.of(train, null, fit, shortForm, bars(fit, shortForm), why);
        checkBatches("fit", train.size(), plan.batchSize() == 0 ? train.size() : plan.batchSize());
        return loop(plan, fit, validation, shortForm);
    }

    /**
     * {@code Model.fit(source, fit)}: the same loop over rows held elsewhere, each step's gradients from {@code source}.
     */
    public History fit(GradientSource source, Fit fit) {
        checkTrainable("fit");
        if (fit.validationSplit() > 0) {
            throw new IllegalArgumentException("fit: validationSplit(" + fit.validationSplit() + ") splits rows this JVM"
                    + " holds, but a GradientSource holds them elsewhere; give the validation rows as Fit.validation(data)");
        }
        int size = source.size();
        if (size < 1) {
            throw new IllegalArgumentException("fit: the GradientSource " + source.getClass().getName() + " holds " + size
                    + " rows; it needs at least 1");
        }
        FitPlan plan = FitPlan.of(null, source, fit, false, bars(fit, false), "each step's gradients come from a"
                + " GradientSource");
        checkBatches("fit", size, plan.batchSize() == 0 ? size : plan.batchSize());
        return loop(plan, fit, fit.validation(), false);
    }

    /** Whether the fit draws progress bars: the short forms always, a fit with options unless quiet. */
    private boolean bars(Fit fit, boolean shortForm) {
        return progress && (shortForm || !fit.isQuiet());
    }

    /** The loop with the built-in callbacks (validation, clock, progress bar) before the user's and the epoch line last. */
    private History loop(FitPlan plan, Fit fit, Dataset validation, boolean shortForm) {
        if (fit.validation() != null) {
            Feeder.check("fit (validation)", g.net, validation);
        }
        FitCallbacks.Validation.check(g.net, fit, validation);
        boolean printing = !fit.isQuiet() && !shortForm;
        boolean bars = bars(fit, shortForm);
        FitLoop loop = new FitLoop(model, steps, plan, fit.callbacks(), !shortForm && plan.source() == null, true);
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
            return steps.step(feed, "step", () -> steps.replayOn(batch), null);
        }
    }

    /**
     * {@code Model.gradients}: the batch's loss and gradients, named and laid out as the model's parameters, with random
     * layers drawing the noise of training step {@code step}.
     */
    public Gradients gradients(Dataset batch, long step) {
        checkTrainable("gradients");
        Feeder.check("gradients", g.net, batch);
        steps.needTwoExamples("gradients", batch.size(), "compute gradients on batches of 2 or more");
        StepRunner.Computed c;
        try (Feeder feed = Feeder.of(g, batch, true)) {
            c = steps.gradients(feed, step);
        }
        return new Gradients(c.loss(), NetGraph.declared(g.trained, c.gradients()), NetGraph.declared(g.updatedBuffers, c.buffers()));
    }

    /**
     * {@code Model.applyGradients}: one optimizer step with {@code values}, which must name every trained parameter
     * once, in its shape, finite; then {@code buffers} (the running statistics the pass gave, or none) are written.
     */
    public void applyGradients(List<Parameter> values, List<Parameter> buffers) {
        checkTrainable("applyGradients");
        StatePlan plan = StatePlan.of(g.trained, values).checked(problems -> new IllegalArgumentException("applyGradients: "
                + problems + ". Give the gradients Model.gradients returns (or their mean); the model is unchanged"));
        steps.apply(plan.stored(), steps.buffers(buffers, "applyGradients: the buffers"));
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
        if (steps.fusionFailed != null) {
            return steps.fusionFailed;
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
}
