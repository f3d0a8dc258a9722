package dev.netdsl.training;

/** Called after every training step with the step index (from 0) and that step's loss. */
@FunctionalInterface
public interface StepListener {
    /** A listener that does nothing. */
    StepListener NONE = (step, loss) -> { };

    /**
     * One step finished.
     *
     * @param step 0-based index of the step within this {@code fit} call
     * @param loss the loss computed in that step, before its update
     */
    void onStep(int step, float loss);
}
