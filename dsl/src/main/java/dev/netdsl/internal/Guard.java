package dev.netdsl.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keeps the last good values of a training step's variables. Each step first checks that the loss
 * is finite ({@code CheckNumerics}: a NaN or infinite loss fails the whole session run, so neither
 * the backup nor the update happens), then copies every variable to a backup, and only then lets
 * the updates run. After a failed step, {@link #restore()} puts back the values of the last step
 * whose loss was finite.
 */
public final class Guard {
    /** The text the loss check puts in its error, to tell it from other native errors. */
    static final String MARK = "netdsl: non-finite loss";

    private final TfRuntime rt;
    private final Op ready;
    private final Op restore;
    private final Op keepNow;

    private Guard(TfRuntime rt, Op ready, Op restore, Op keepNow) {
        this.rt = rt;
        this.ready = ready;
        this.restore = restore;
        this.keepNow = keepNow;
    }

    /**
     * Adds the check, the backups of {@code slots} and the restore op. Updates must have
     * {@link #ready()} as a control input.
     */
    public static Guard create(TfRuntime rt, Operand<TFloat32> loss, List<TfRuntime.Slot> slots) {
        Operand<TFloat32> checked = check(rt, loss);
        List<Op> saves = new ArrayList<>();
        List<Op> restores = new ArrayList<>();
        List<Op> syncs = new ArrayList<>();
        for (TfRuntime.Slot s : slots) {
            // The backup starts equal to the variable (TfRuntime writes both from Java), so Assign copies into
            // its existing buffer instead of aliasing the variable's.
            TfRuntime.Slot backup = rt.variable(s.name() + "/last_good", s.shape(), s.initial());
            saves.add(rt.named(rt.unique(s.name() + "/keep"), List.of(checked)).assign(backup.variable(), s.read()));
            syncs.add(rt.named(rt.unique(s.name() + "/keep_now")).assign(backup.variable(), s.read()));
            restores.add(rt.named(rt.unique(s.name() + "/restore")).assign(s.variable(), backup.read()));
        }
        saves.add(checked);
        Op ready = rt.named(rt.unique("guard/kept")).withControlDependencies(saves).noOp();
        Op restore = rt.named(rt.unique("guard/restore")).withControlDependencies(restores).noOp();
        Op keepNow = rt.named(rt.unique("guard/keep_now")).withControlDependencies(syncs).noOp();
        Guard guard = new Guard(rt, ready, restore, keepNow);
        if (rt.started()) {
            // Built on a running graph (a second minimizer): back up the current values, not the initial ones.
            guard.keepCurrent();
        }
        return guard;
    }

    /** An op that fails the session run, with a message {@link #isNonFiniteLoss} recognises, if {@code value} holds a NaN or infinity. */
    public static Operand<TFloat32> check(TfRuntime rt, Operand<TFloat32> value) {
        return rt.named(rt.unique("guard/is_finite")).debugging.checkNumerics(value, MARK);
    }

    /** Runs once the loss is known finite and every variable is backed up. */
    public Op ready() {
        return ready;
    }

    /** Writes the backed-up values (those of the last step with a finite loss) back. */
    public void restore() {
        rt.run(rt.session().runner().addTarget(restore), "restore the last good weights").close();
    }

    /** Makes the current values the ones {@link #restore()} goes back to (after a load). */
    public void keepCurrent() {
        rt.run(rt.session().runner().addTarget(keepNow), "back up the weights").close();
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
