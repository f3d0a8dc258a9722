package dev.netdsl;

/**
 * One step of a network's forward pass: a {@link Linear} layer (with weights) or an
 * {@link Activation} (without). Layers are immutable specs; {@link Layers} has the factories.
 */
public sealed interface Layer permits Linear, Activation {

    /** PyTorch-style type name, e.g. {@code Linear} or {@code ReLU}. */
    String typeName();

    /**
     * The number of output features for {@code inputs} input features.
     *
     * @throws IllegalArgumentException if this layer cannot take {@code inputs} features
     */
    int outputSize(int inputs);

    /** How many trainable numbers this layer holds. */
    default long parameterCount() {
        return 0;
    }
}
