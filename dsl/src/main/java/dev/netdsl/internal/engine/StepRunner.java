package dev.netdsl.internal.engine;

import dev.netdsl.Dataset;
import dev.netdsl.Gradients;
import dev.netdsl.Model;
import dev.netdsl.NetDslException;
import dev.netdsl.TrainingDivergedException;
import dev.netdsl.internal.Guard;
import dev.netdsl.training.GradientSource;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Runs training steps on a built {@link NetGraph}: one step per call under the model's exclusive lock with the
 * divergence guard's rollback, or many in one fused call ({@link FusedFit}); and keeps what training continues
 * from: the steps taken, the learning rate the next step uses, the shuffler, a checkpointed fit to resume. The
 * fit loop calls it for every batch; {@link Trainer} for a single {@code step}.
 */
public final class StepRunner {
    final NetGraph g;
    /** Shuffles mini-batches; its state is saved by saveAll, so resumed training shuffles the same way. */
    public Shuffler shuffler;
    public long stepsTaken;
    /** The learning rate the next step uses (schedules change it). */
    double learningRate;
    /** The state of a checkpointed fit this model was opened from, for {@code Fit.resume()}; else null. */
    public FitState pending;
    private float lastLoss = Float.NaN;
    /** Why this model's fits stopped trying the fused loop (XLA could not compile it), or null. */
    String fusionFailed;
    private FusedFit fused;
    /** Fused calls that trained (for tests and the benchmark's account of the path taken). */
    long fusedCalls;

    StepRunner(NetGraph g, long seed) {
        this.g = g;
        this.shuffler = Shuffler.splitOf(seed);
        this.learningRate = g.net.optimizer().map(o -> o.learningRate()).orElse(0.0);
    }

    /**
     * One training step under the exclusive lock; {@code where} names it in the error if its loss is not
     * finite, in which case the weights of the previous step (the last with a finite loss) are put back.
     * If {@code correct} is given, its first element gets the batch's right answers (for training accuracy).
     */
    public float step(Feeder feed, String where, Runnable replay, float[] correct) {
        needTwoExamples(where, feed.rows(), "train on batches of 2 or more");
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
     * Refuses a training pass over {@code rows} examples if batch norm over {@code [N, C]} needs two and there is one,
     * as PyTorch does; {@code where} names the call and {@code advice} what to do.
     */
    void needTwoExamples(String where, int rows, String advice) {
        if (g.needsTwoExamples != null && rows < 2) {
            throw new IllegalArgumentException(where + ": " + g.needsTwoExamples + " needs more than one value per channel"
                    + " when training (PyTorch: \"Expected more than 1 value per channel when training\"), but this batch has "
                    + rows + " example; " + advice);
        }
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

    /**
     * The training loss on the batch {@code feed} holds and its gradient with respect to each trained parameter
     * ({@link NetGraph#trained} order, stored layout), as PyTorch's {@code loss.backward()} leaves them in
     * {@code p.grad}, and what the pass would write to the buffers it updates; nothing is updated (a data-parallel
     * worker's half of a step). Random layers draw the noise of training step {@code step}.
     */
    public Computed gradients(Feeder feed, long step) {
        return g.rt.shared("compute gradients", () -> {
            try (TInt64 stepValue = TInt64.scalarOf(step)) {
                Session.Runner r = feed.into(g.rt.runner(3 * g.flopsPerExample * feed.rows())).feed(g.step, stepValue)
                        .fetch(g.trainLoss);
                g.gradients.forEach(r::fetch);
                g.bufferValues.forEach(r::fetch);
                try (Result result = g.rt.run(r, "compute gradients")) {
                    float loss = ((TFloat32) result.get(0)).getFloat();
                    List<float[]> values = new java.util.ArrayList<>();
                    for (int i = 0; i < g.gradients.size(); i++) {
                        values.add(dev.netdsl.internal.TfRuntime.floats((TFloat32) result.get(i + 1)));
                    }
                    List<float[]> buffers = new java.util.ArrayList<>();
                    for (int i = 0; i < g.bufferValues.size(); i++) {
                        buffers.add(dev.netdsl.internal.TfRuntime.floats((TFloat32) result.get(1 + g.gradients.size() + i)));
                    }
                    return new Computed(loss, values, buffers);
                }
            }
        });
    }

    /**
     * A batch's loss, its gradients (one per trained parameter) and the values the training pass gives the buffers it
     * updates ({@link NetGraph#updatedBuffers}), all in stored layout.
     */
    public record Computed(float loss, List<float[]> gradients, List<float[]> buffers) {
    }

    private GivenGradients given;

    /**
     * One optimizer step with {@code gradients} given (one per trained parameter, stored layout, finite: the caller
     * checked), under the exclusive lock: the step data-parallel training takes after averaging the workers' gradients.
     */
    public void apply(List<float[]> gradients, StatePlan buffers) {
        g.rt.exclusive("apply gradients", () -> {
            if (given == null) {
                given = new GivenGradients(g);
            }
            List<TFloat32> fed = new java.util.ArrayList<>();
            double lr = learningRate;
            try (TInt64 stepValue = TInt64.scalarOf(stepsTaken); TFloat32 rate = rateTensor(lr)) {
                Session.Runner r = g.rt.runner(0).feed(g.step, stepValue);
                if (rate != null) {
                    r.feed(g.learningRate, rate);
                }
                for (int i = 0; i < gradients.size(); i++) {
                    TFloat32 t = dev.netdsl.internal.TfRuntime.tensor(gradients.get(i), g.trained.get(i).slot().shape());
                    fed.add(t);
                    r.feed(given.inputs.get(i), t);
                }
                g.rt.run(r.addTarget(given.apply), "apply gradients").close();
            } finally {
                fed.forEach(TFloat32::close);
            }
            if (buffers != null) {
                g.rt.assign(buffers.targets(), buffers.stored());
            }
            g.guard.keepCurrent();
            stepsTaken++;
            return null;
        });
    }

    /**
     * One step whose gradients {@code source} computes over {@code rows} (outside the lock: a cluster may take a
     * while), then applies with the optimizer; returns the batch's loss. A loss that is not finite stops training
     * before anything is applied; gradients that do not match the parameters are refused, naming each.
     */
    float applyFrom(GradientSource source, Model model, int[] rows, String where) {
        Gradients computed = source.gradients(model, rows);
        if (computed == null) {
            throw new IllegalStateException(where + ": " + source.getClass().getName() + ".gradients returned null");
        }
        float loss = computed.loss();
        if (!Float.isFinite(loss)) {
            long failed = stepsTaken + 1;
            throw new TrainingDivergedException(where + ": the loss became " + loss + " at training step " + failed
                    + "; nothing was applied, so the model keeps the weights " + (stepsTaken == 0 ? "it started with"
                    : "of step " + stepsTaken) + ". The learning rate " + learningRate + " is probably too large: try "
                    + (learningRate / 10) + " (or scale the data)", failed, loss);
        }
        StatePlan plan = StatePlan.of(g.trained, computed.values()).checked(problems -> new IllegalStateException(where
                + ": the gradients " + source.getClass().getName() + " gave do not fit: " + problems + "; nothing was applied"));
        StatePlan buffers = buffers(computed.buffers(), where + ": the buffers " + source.getClass().getName() + " gave");
        apply(plan.stored(), buffers);
        lastLoss = loss;
        return loss;
    }

    /**
     * {@code given} (named, declared layout) matched to the buffers the training pass updates, or null if none are given;
     * {@code what} names them in the error if they do not fit.
     */
    StatePlan buffers(List<dev.netdsl.Parameter> given, String what) {
        if (given.isEmpty()) {
            return null;
        }
        return StatePlan.of(g.updatedBuffers, given).checked(problems -> new IllegalArgumentException(what + " do not fit: "
                + problems + "; nothing was applied"));
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
