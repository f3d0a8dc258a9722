package dev.netdsl.training;

import dev.netdsl.History;
import java.util.List;
import java.util.Map;

/**
 * Hooks into {@code Model.fit}: called at the start and end of training, of each epoch, and after each
 * batch (a training step), outside the model's lock, so a callback may predict, evaluate, save or read
 * parameters. Any callback may stop training ({@link TrainingRun#stop()}) or change the learning rate
 * ({@link TrainingRun#setLearningRate}). Implement only the hooks you need; a callback that keeps state
 * across epochs implements {@link #state()} and {@link #restore} so a resumed fit continues it.
 */
public interface Callback {

    /** Training starts (or resumes). */
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
     * Whether this callback must be told about every batch as it happens. While none of a fit's
     * callbacks does, the fit may run many batches per native call (fused, compiled by XLA) and skip
     * {@link #onBatchEnd}. The default: true if this class overrides {@code onBatchEnd}.
     */
    default boolean perBatch() {
        try {
            return getClass().getMethod("onBatchEnd", TrainingRun.class, int.class, int.class, float.class)
                    .getDeclaringClass() != Callback.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    /**
     * Epoch {@code epoch} (from 1) ended. {@code logs} holds its numbers ({@code loss}, {@code accuracy},
     * {@code val_loss}, {@code val_accuracy}, {@code lr}, {@code seconds}, ...) in the order of the epoch
     * line; a callback may add entries for those after it.
     */
    default void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
    }

    /** Training ended (all epochs, a stop, or a failure), with what it did. */
    default void onTrainEnd(TrainingRun run, History history) {
    }

    /**
     * What this callback must remember for a resumed fit to continue it (numbers, booleans, strings, lists and maps
     * of numbers, or weights as a {@code List<Parameter>}); null if nothing.
     */
    default Map<String, Object> state() {
        return null;
    }

    /** Takes back what {@link #state()} returned, when a fit resumes. */
    default void restore(Map<String, Object> state) {
    }

    /**
     * The type a checkpoint names this callback's state with, and a resumed fit checks: by default the class's
     * name. A class that takes over another's state keeps the old name, so checkpoints written before still resume.
     */
    default String stateType() {
        return getClass().getName();
    }

    /**
     * Lines the fit's epoch printer says after the last epoch line, as Keras's callbacks do ({@code Epoch 6: early
     * stopping}); called after every callback's {@link #onTrainEnd}. The default: none.
     */
    default List<String> endLines(History history) {
        return List.of();
    }
}
