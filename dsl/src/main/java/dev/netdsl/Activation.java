package dev.netdsl;

/**
 * An element-wise non-linearity with no parameters (ReLU, Tanh, Sigmoid, identity). Create with the
 * factories in {@link Layers}.
 */
public enum Activation implements Layer {
    /** {@code max(0, x)}. */
    RELU("ReLU"),
    /** Hyperbolic tangent. */
    TANH("Tanh"),
    /** {@code 1 / (1 + exp(-x))}. */
    SIGMOID("Sigmoid"),
    /** Passes its input through unchanged. */
    IDENTITY("Identity");

    private final String typeName;

    Activation(String typeName) {
        this.typeName = typeName;
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public int outputSize(int inputs) {
        return inputs;
    }

    @Override
    public String toString() {
        return typeName + "()";
    }
}
