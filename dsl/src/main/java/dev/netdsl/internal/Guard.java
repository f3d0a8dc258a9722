package dev.netdsl.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * Stops training on a NaN or infinite loss and brings back the last good weights, at almost no cost
 * per step.
 *
 * <p>Each step's updates wait for {@code CheckNumerics(loss)}: a non-finite loss fails the whole
 * session run, so that step changes nothing. To go back one more step (to the weights whose loss
 * was last finite) the guard keeps two checkpoints of every variable, taken every
 * {@value #EVERY} steps in a run of their own, and the steps since the older one as replayable
 * actions; {@link #rollBackTo} restores a checkpoint and replays the steps after it, which on the
 * CPU reproduces the weights exactly. A per-step copy of every weight cost about 11% of an MNIST
 * epoch (docs/tensorflow-notes.md); this costs one copy per {@value #EVERY} steps.
 */
public final class Guard {
    /** The text the loss check puts in its error, to tell it from other native errors. */
    static final String MARK = "netdsl: non-finite loss";
    /** Steps between checkpoints. */
    public static final int EVERY = 32;

    private final TfRuntime rt;
    private final Op check;
    private final Checkpoint[] checkpoints = new Checkpoint[2];
    /** The steps since the older checkpoint, oldest first. */
    private final Deque<Replay> history = new ArrayDeque<>();
    /** Index into {@link #checkpoints} of the newest one with a step, or -1. */
    private int newest = -1;

    private static final class Checkpoint {
        final Op save;
        final Op restore;
        long step = -1;

        Checkpoint(Op save, Op restore) {
            this.save = save;
            this.restore = restore;
        }
    }

    private record Replay(long step, Runnable action) {
    }

    private Guard(TfRuntime rt, Op check, Checkpoint a, Checkpoint b) {
        this.rt = rt;
        this.check = check;
        checkpoints[0] = a;
        checkpoints[1] = b;
    }

    /**
     * Adds the loss check and two checkpoint copies of {@code slots}. Updates must have
     * {@link #ready()} as a control input.
     */
    public static Guard create(TfRuntime rt, Operand<TFloat32> loss, List<TfRuntime.Slot> slots) {
        Operand<TFloat32> checked = check(rt, loss);
        Checkpoint[] made = new Checkpoint[2];
        for (int k = 0; k < 2; k++) {
            List<Op> saves = new ArrayList<>();
            List<Op> restores = new ArrayList<>();
            for (TfRuntime.Slot s : slots) {
                // The copy starts equal to the variable (written from Java), so Assign copies into its own buffer
                // instead of aliasing the variable's (an Assign into an uninitialised variable may share the buffer).
                TfRuntime.Slot copy = rt.variable(s.name() + "/checkpoint_" + k, s.shape(), s.initial());
                saves.add(rt.named(rt.unique(s.name() + "/save_" + k)).assign(copy.variable(), s.read()));
                restores.add(rt.named(rt.unique(s.name() + "/restore_" + k)).assign(s.variable(), copy.read()));
            }
            made[k] = new Checkpoint(rt.named(rt.unique("guard/save_" + k)).withControlDependencies(saves).noOp(),
                    rt.named(rt.unique("guard/restore_" + k)).withControlDependencies(restores).noOp());
        }
        return new Guard(rt, checked, made[0], made[1]);
    }

    /** An op that fails the session run, with a message {@link #isNonFiniteLoss} recognises, if {@code value} holds a NaN or infinity. */
    public static Operand<TFloat32> check(TfRuntime rt, Operand<TFloat32> value) {
        return rt.named(rt.unique("guard/is_finite")).debugging.checkNumerics(value, MARK);
    }

    /** Runs once the loss is known to be finite. */
    public Op ready() {
        return check;
    }

    /**
     * Call before training step {@code step} (the number of updates applied so far) runs;
     * {@code replay} must redo exactly that step's update (same data) if asked.
     */
    public void beforeStep(long step, Runnable replay) {
        if (newest < 0 || step - checkpoints[newest].step >= EVERY) {
            int slot = newest < 0 ? 0 : 1 - newest;
            save(slot, step);
            long older = checkpoints[1 - slot].step;
            long keepFrom = older >= 0 ? older : step;
            while (!history.isEmpty() && history.peekFirst().step() < keepFrom) {
                history.removeFirst();
            }
        }
        history.addLast(new Replay(step, replay));
    }

    /**
     * Brings the variables to their values after {@code target} updates (the step before the one
     * whose loss was not finite). Returns false if no checkpoint reaches back that far (the failing
     * step was the first since the weights were loaded); the variables then stay as they are.
     */
    public boolean rollBackTo(long target) {
        int best = -1;
        for (int k = 0; k < 2; k++) {
            long s = checkpoints[k].step;
            if (s >= 0 && s <= target && (best < 0 || s > checkpoints[best].step)) {
                best = k;
            }
        }
        if (best < 0) {
            return false;
        }
        Checkpoint c = checkpoints[best];
        rt.run(rt.session().runner().addTarget(c.restore), "restore a checkpoint").close();
        for (Replay r : new ArrayList<>(history)) {
            if (r.step() >= c.step && r.step() < target) {
                r.action().run();
            }
        }
        return true;
    }

    /** Forgets the checkpoints and history: the current values (after a load) are step {@code step}'s. */
    public void keepCurrent(long step) {
        history.clear();
        checkpoints[0].step = -1;
        checkpoints[1].step = -1;
        newest = -1;
        if (rt.started()) {
            save(0, step);
        }
    }

    private void save(int slot, long step) {
        rt.run(rt.session().runner().addTarget(checkpoints[slot].save), "save a checkpoint").close();
        checkpoints[slot].step = step;
        newest = slot;
    }

    /** True if {@code e} (or its cause) is the loss check failing. */
    public static boolean isNonFiniteLoss(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // TF Java reports the failed check (INVALID_ARGUMENT) as an IllegalArgumentException.
            if (t.getMessage() != null && t.getMessage().contains(MARK)) {
                return true;
            }
        }
        return false;
    }
}
