package dev.netdsl.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * Stops training on a NaN or infinite loss and brings back earlier values of the variables, at almost
 * no cost per step.
 *
 * <p>Each step's updates wait for {@code CheckNumerics(loss)} ({@link #check}): a non-finite loss fails
 * the whole session run, so that step changes nothing. To go back further (to the values whose loss
 * was last finite) the guard keeps two checkpoints of every guarded variable, taken every
 * {@value #EVERY} updates in a run of their own, and a journal of the updates since the older one as
 * replayable actions; {@link #rollBackTo} restores a checkpoint and replays the journal up to the
 * wanted position, which on the CPU reproduces the values exactly. A per-step copy of every weight
 * cost about 11% of an MNIST epoch (docs/tensorflow-notes.md); this costs one copy per
 * {@value #EVERY} updates.
 *
 * <p>One guard covers every variable that the trainers of one graph update (several minimizers may
 * update the same variable): positions count updates by any of them, and a rollback restores exactly
 * the values the variables had at that position, whoever changed them since.
 */
public final class Guard {
    /** The text the loss check puts in its error, to tell it from other native errors. */
    static final String MARK = "netdsl: non-finite loss";
    /** Updates between checkpoints. */
    public static final int EVERY = 32;

    private final TfRuntime rt;
    private final Set<TfRuntime.Slot> guarded = new LinkedHashSet<>();
    /** Each guarded slot's two checkpoint copies. */
    private final List<TfRuntime.Slot[]> copies = new ArrayList<>();
    private final Checkpoint[] checkpoints = {new Checkpoint(), new Checkpoint()};
    /** The updates since the older checkpoint, oldest first. */
    private final Deque<Entry> journal = new ArrayDeque<>();
    /** Updates applied to the guarded variables so far. */
    private long position;

    private static final class Checkpoint {
        Op save;
        Op restore;
        long position = -1;
    }

    /** One successful update: where it started, who made it, and how to make it again. */
    private record Entry(long position, Object owner, Runnable replay) {
    }

    /** A guard over no variables yet; {@link #cover} adds them. */
    public Guard(TfRuntime rt) {
        this.rt = rt;
    }

    /**
     * Adds checkpoint copies for those of {@code slots} not yet guarded. Forgets the journal (the
     * checkpoint ops change); call while building, or call {@link #keepCurrent} afterwards.
     */
    public void cover(List<TfRuntime.Slot> slots) {
        boolean added = false;
        for (TfRuntime.Slot s : slots) {
            if (guarded.add(s)) {
                TfRuntime.Slot[] pair = new TfRuntime.Slot[2];
                for (int k = 0; k < 2; k++) {
                    // The copy starts equal to the variable (written from Java), so Assign copies into its own buffer
                    // instead of aliasing the variable's (an Assign into an uninitialised variable may share the buffer).
                    pair[k] = rt.variable(s.name() + "/checkpoint_" + k, s.shape(), s.initial());
                }
                copies.add(pair);
                added = true;
            }
        }
        if (!added) {
            return;
        }
        List<TfRuntime.Slot> all = new ArrayList<>(guarded);
        for (int k = 0; k < 2; k++) {
            List<Op> saves = new ArrayList<>();
            List<Op> restores = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                TfRuntime.Slot s = all.get(i);
                TfRuntime.Slot copy = copies.get(i)[k];
                saves.add(rt.named(rt.unique(s.name() + "/save_" + k)).assign(copy.variable(), s.read()));
                restores.add(rt.named(rt.unique(s.name() + "/restore_" + k)).assign(s.variable(), copy.read()));
            }
            checkpoints[k].save = rt.named(rt.unique("guard/save_" + k)).withControlDependencies(saves).noOp();
            checkpoints[k].restore = rt.named(rt.unique("guard/restore_" + k)).withControlDependencies(restores).noOp();
        }
        forget();
    }

    /** An op that fails the session run, with a message {@link #isNonFiniteLoss} recognises, if {@code value} holds a NaN or infinity. */
    public static Operand<TFloat32> check(TfRuntime rt, Operand<TFloat32> value) {
        return rt.named(rt.unique("guard/is_finite")).debugging.checkNumerics(value, MARK);
    }

    /** Updates applied to the guarded variables so far (by any owner). */
    public long position() {
        return position;
    }

    /** Call before an update runs: takes a checkpoint when one is due. */
    public void beforeUpdate() {
        int newest = newest();
        if (newest < 0 || position - checkpoints[newest].position >= EVERY) {
            int slot = newest < 0 ? 0 : 1 - newest;
            save(slot);
            long older = checkpoints[1 - slot].position;
            long keepFrom = older >= 0 ? older : position;
            while (!journal.isEmpty() && journal.peekFirst().position() < keepFrom) {
                journal.removeFirst();
            }
        }
    }

    /**
     * Call after an update by {@code owner} succeeded; {@code replay} must redo exactly that update
     * (same data) if asked.
     */
    public void afterUpdate(Object owner, Runnable replay) {
        journal.addLast(new Entry(position, owner, replay));
        position++;
    }

    /**
     * The position at which {@code owner}'s latest update still in the journal started, or -1 if
     * there is none (none made, or it lies before the last {@link #keepCurrent}).
     */
    public long lastUpdateOf(Object owner) {
        for (Iterator<Entry> it = journal.descendingIterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.owner() == owner) {
                return e.position();
            }
        }
        return -1;
    }

    /**
     * Brings the variables back to their values at {@code target} (a position, at most the current
     * one) and forgets every update after it. Returns the owners of the undone updates, one entry per
     * update, or null if no checkpoint reaches back that far; the variables then stay as they are.
     */
    public List<Object> rollBackTo(long target) {
        int best = -1;
        for (int k = 0; k < 2; k++) {
            long p = checkpoints[k].position;
            if (p >= 0 && p <= target && (best < 0 || p > checkpoints[best].position)) {
                best = k;
            }
        }
        if (best < 0 || target > position) {
            return null;
        }
        Checkpoint c = checkpoints[best];
        if (c.restore != null) {
            rt.run(rt.session().runner().addTarget(c.restore), "restore a checkpoint").close();
        }
        for (Entry e : new ArrayList<>(journal)) {
            if (e.position() >= c.position && e.position() < target) {
                e.replay().run();
            }
        }
        List<Object> undone = new ArrayList<>();
        while (!journal.isEmpty() && journal.peekLast().position() >= target) {
            undone.add(0, journal.removeLast().owner());
        }
        for (Checkpoint k : checkpoints) {
            if (k.position > target) {
                k.position = -1;
            }
        }
        position = target;
        return undone;
    }

    /** Forgets the checkpoints and journal: the current values (after a load or a write) are the new start. */
    public void keepCurrent() {
        forget();
        if (rt.started() && !guarded.isEmpty()) {
            save(0);
        }
    }

    private void forget() {
        journal.clear();
        checkpoints[0].position = -1;
        checkpoints[1].position = -1;
    }

    private int newest() {
        int newest = -1;
        for (int k = 0; k < 2; k++) {
            if (checkpoints[k].position >= 0 && (newest < 0 || checkpoints[k].position > checkpoints[newest].position)) {
                newest = k;
            }
        }
        return newest;
    }

    private void save(int slot) {
        if (guarded.isEmpty()) {
            checkpoints[slot].position = position; // nothing to copy: a net without parameters or state
            return;
        }
        rt.run(rt.session().runner().addTarget(checkpoints[slot].save), "save a checkpoint").close();
        checkpoints[slot].position = position;
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
