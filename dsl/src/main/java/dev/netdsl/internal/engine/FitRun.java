package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.training.Callback;
import dev.netdsl.training.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The state of one {@code fit} call as its callbacks see it ({@link TrainingRun}): the epochs' numbers,
 * every step's loss, the stop request, the learning rate, checkpoints of all of it and resuming from one.
 */
public final class FitRun implements TrainingRun {
    private final Model model;
    private final StepRunner runner;
    final int epochs;
    /** The user's callbacks (whose state checkpoints hold), in order. */
    final List<Callback> callbacks;
    final List<Map<String, Double>> history = new ArrayList<>();
    /** Every step's loss, {@link #steps} of them. */
    private float[] losses = new float[1024];
    private int steps;
    private volatile boolean stop;
    private boolean resumed;
    int epoch;

    FitRun(Model model, StepRunner steps, int epochs, List<Callback> callbacks) {
        this.model = model;
        this.runner = steps;
        this.epochs = epochs;
        this.callbacks = callbacks;
    }

    /** Takes the checkpointed fit's state the model was opened with; returns the first epoch to run. */
    int resume() {
        FitState st = runner.pending;
        if (st == null) {
            throw new IllegalStateException("fit(..., Fit...resume()): this model holds no saved fit to resume; open a file written"
                    + " by a Checkpoint callback (or TrainingRun.checkpoint) with Model.open first");
        }
        if (st.callbacks().size() != callbacks.size()) {
            throw new IllegalArgumentException("resume: the checkpoint was written by a fit with " + st.callbacks().size()
                    + " callbacks, this one has " + callbacks.size() + "; give the same callbacks in the same order");
        }
        for (int i = 0; i < callbacks.size(); i++) {
            String type = callbacks.get(i).stateType();
            if (!st.callbacks().get(i).type().equals(type)) {
                throw new IllegalArgumentException("resume: callback " + i + " was a " + st.callbacks().get(i).type()
                        + " when the checkpoint was written, this one is a " + type + "; give the same callbacks in the same order");
            }
            if (st.callbacks().get(i).state() != null) {
                try {
                    callbacks.get(i).restore(st.callbacks().get(i).state());
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("resume: the checkpoint's state of callback " + i + " (" + callbacks.get(i)
                            + ") does not restore: " + e + "; the file is damaged or was written by other code", e);
                }
            }
        }
        history.addAll(st.history());
        runner.learningRate = st.learningRate();
        runner.pending = null;
        resumed = true;
        // A fit a callback had stopped at the checkpoint stays stopped, as the uninterrupted fit did.
        stop = st.stopped();
        return st.epochsDone() + 1;
    }

    /** Records a step's loss (4 bytes a step: {@code fit(data, Integer.MAX_VALUE)} asks for no 8 GB up front). */
    void step(float loss) {
        if (steps == losses.length) {
            losses = java.util.Arrays.copyOf(losses, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * steps));
        }
        losses[steps++] = loss;
    }

    /** What this fit did: its steps' losses, the epochs (a resumed fit's earlier ones too) unless {@code steps} only. */
    History finished(long start, boolean epochNumbers) {
        float[] l = java.util.Arrays.copyOf(losses, steps);
        double seconds = (System.nanoTime() - start) / 1e9;
        return epochNumbers ? access().history(l, seconds, history) : access().history(l, seconds, List.of());
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
        return runner.stepsTaken;
    }

    @Override
    public double learningRate() {
        return runner.learningRate;
    }

    @Override
    public void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("setLearningRate(" + lr + "): must be finite, 0 or more");
        }
        runner.learningRate = lr;
    }

    @Override
    public List<Map<String, Double>> history() {
        List<Map<String, Double>> view = new ArrayList<>();
        history.forEach(e -> view.add(Collections.unmodifiableMap(e)));
        return Collections.unmodifiableList(view);
    }

    @Override
    public boolean resumed() {
        return resumed;
    }

    @Override
    public void stop() {
        stop = true;
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }

    @Override
    public void checkpoint(Path path) {
        List<FitState.CallbackState> states = new ArrayList<>();
        for (Callback c : callbacks) {
            states.add(new FitState.CallbackState(c.stateType(), c.state()));
        }
        access().saveAll(model, path, new FitState(epoch, stop, List.copyOf(history), runner.learningRate, states));
    }
}
