package dev.netdsl.training;

import dev.netdsl.Expr;

/**
 * The fused training kernels a step may run instead of an optimizer's {@link Optimizer#update} rule, where
 * the step writes the model's variables in place (one call per step): TensorFlow's {@code ApplyX} ops,
 * named as TensorFlow names them ({@code ApplyGradientDescent}, {@code ApplyMomentum}, {@code ApplyAdam},
 * {@code ApplyRMSProp}, ...), with their inputs in the op's order. An optimizer declares its kernel in
 * {@link Optimizer#updateInPlace}; the kernel must compute the same rule as {@code update} (the fused
 * training loop, which keeps its own copies of the variables, always runs {@code update}).
 */
public interface Kernels {
    /** A variable a kernel reads and updates in place: a parameter or one of its state tensors. */
    interface Variable {
    }

    /** One kernel call being put together: its inputs, then its attributes, in the op's order. */
    interface Call {
        /** The next input: a variable the kernel updates in place. */
        Call input(Variable variable);

        /** The next input: a value (a scalar such as the learning rate, or the gradient). */
        Call input(Expr value);

        /** A boolean attribute, e.g. {@code use_nesterov}. */
        Call attr(String name, boolean value);

        /**
         * Adds the call to the step.
         *
         * @throws IllegalArgumentException if TensorFlow has no such op or refuses its inputs, naming both
         */
        void add();
    }

    /** Starts a call of TensorFlow's op {@code type}, e.g. {@code ApplyAdam}. */
    Call op(String type);
}
