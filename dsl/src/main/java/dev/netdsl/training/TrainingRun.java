package dev.netdsl.training;

import dev.netdsl.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The {@code fit} call a {@link Callback} is part of. */
public interface TrainingRun {

    /** The model being trained. */
    Model model();

    /** The number of epochs asked for. */
    int epochs();

    /** Training steps taken by the model so far (since it was built or opened). */
    long stepsTaken();

    /** The learning rate the next step uses. */
    double learningRate();

    /**
     * Sets the learning rate from the next step on (a schedule's job), without rebuilding the graph.
     *
     * @throws IllegalArgumentException unless finite and 0 or more
     */
    void setLearningRate(double lr);

    /**
     * The numbers of every epoch ended so far (with a resumed fit's earlier epochs), as {@code History.epochs()}
     * gives them at the end; read-only.
     */
    List<Map<String, Double>> history();

    /** True if this fit continues one a checkpoint saved ({@code Fit.resume()}): callbacks were restored, not reset. */
    boolean resumed();

    /** Asks {@code fit} to stop after the current batch; it returns normally with what it did. */
    void stop();

    /** True once {@link #stop()} was called. */
    boolean stopRequested();

    /**
     * Saves the model with this fit's state (epochs done, history, learning rate, callbacks' state) to
     * {@code path}, atomically; {@code Model.open} reopens it, and {@code Fit.resume()} continues from it.
     */
    void checkpoint(Path path);
}
