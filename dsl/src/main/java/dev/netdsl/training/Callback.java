package dev.netdsl.training;

import dev.netdsl.History;

/**
 * Hooks into {@code Model.fit}: called at the start and end of training, of each epoch, and after each
 * batch (a training step), outside the model's lock, so a callback may predict, evaluate, save or read
 * parameters. Any callback may stop training ({@link TrainingRun#stop()}). Implement only the hooks
 * you need.
 */
public interface Callback {

    /** Training starts. */
    default void onTrainBegin(TrainingRun run) {
    }

    /** Epoch {@code epoch} (from 1) starts. */
    default void onEpochBegin(TrainingRun run, int epoch) {
    }

    /**
     * A batch was trained on.
     *
     * @param epoch the epoch, from 1
     * @param batch the batch within the epoch, from 1
     * @param loss the batch's loss, before the step's update
     */
    default void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
    }

    /**
     * Epoch {@code epoch} (from 1) ended.
     *
     * @param meanLoss the mean of its batches' losses
     */
    default void onEpochEnd(TrainingRun run, int epoch, double meanLoss) {
    }

    /** Training ended (all epochs, a stop, or a failure), with what it did. */
    default void onTrainEnd(TrainingRun run, History history) {
    }
}
