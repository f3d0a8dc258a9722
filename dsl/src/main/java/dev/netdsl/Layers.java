package dev.netdsl;

/** Static factories for layers, meant for static import: {@code linear(2, 4), tanh()}. */
public final class Layers {
    private Layers() {
    }

    /**
     * A fully connected layer with {@code in} inputs and {@code out} outputs (PyTorch's
     * {@code nn.Linear(in, out)}).
     *
     * @throws IllegalArgumentException if a size is below 1
     */
    public static Linear linear(int in, int out) {
        return new Linear(in, out);
    }

    /** ReLU, {@code max(0, x)}. */
    public static Activation relu() {
        return Activation.RELU;
    }

    /** Hyperbolic tangent. */
    public static Activation tanh() {
        return Activation.TANH;
    }

    /** Logistic sigmoid. */
    public static Activation sigmoid() {
        return Activation.SIGMOID;
    }

    /** Identity: passes its input through. */
    public static Activation identity() {
        return Activation.IDENTITY;
    }
}
