package dev.netdsl.training;

import dev.netdsl.Gradients;
import dev.netdsl.Model;

/**
 * Training rows held outside this JVM, on a cluster's executors or in another process. {@code Model.fit(source, fit)}
 * runs its usual loop over them: shuffled epochs, validation, callbacks, schedules and checkpoints. At each step it
 * asks the source for the batch's gradients and applies them with the model's optimizer. NetDSL's Spark trainer
 * ({@code NetDslSpark.trainer}) is one.
 */
public interface GradientSource {
    /** The training rows, numbered {@code 0} to {@code size() - 1}; at least 1. */
    int size();

    /**
     * The mean training loss over {@code rows} and its gradients at {@code model}'s current weights, as
     * {@code model.gradients(batch)} of those rows would give them: named and laid out as {@code model.parameters()}.
     * Nothing of the model may change here; the fit applies the result.
     *
     * @param model the model being trained, whose {@code parameters()} are the weights to use
     * @param rows the batch's row numbers, in the order the epoch's shuffle drew them
     */
    Gradients gradients(Model model, int[] rows);
}
