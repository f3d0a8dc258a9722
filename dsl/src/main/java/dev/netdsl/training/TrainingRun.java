package dev.netdsl.training;

import dev.netdsl.Model;

/** The {@code fit} call a {@link Callback} is part of. */
public interface TrainingRun {

    /** The model being trained. */
    Model model();

    /** The number of epochs asked for (1 for full-batch training counted in steps). */
    int epochs();

    /** Training steps taken by the model so far (since it was built or opened). */
    long stepsTaken();

    /** Asks {@code fit} to stop after the current batch; it returns normally with what it did. */
    void stop();

    /** True once {@link #stop()} was called. */
    boolean stopRequested();
}
