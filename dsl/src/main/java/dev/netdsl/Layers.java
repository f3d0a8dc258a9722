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

    /** PyTorch's {@code nn.Hardtanh()}: {@code x} clipped to [-1, 1]. */
    public static Activation hardtanh() {
        return hardtanh(-1, 1);
    }

    /**
     * {@code x} clipped to [{@code min}, {@code max}] ({@code nn.Hardtanh(min_val, max_val)}).
     *
     * @throws IllegalArgumentException unless {@code min < max}, both finite
     */
    public static Activation hardtanh(double min, double max) {
        Expr.checkHardtanh(min, max);
        return new Activation(Activation.Kind.HARDTANH, min, max);
    }

    /** {@code nn.LeakyReLU()}: slope 0.01 below zero. */
    public static Activation leakyRelu() {
        return leakyRelu(0.01);
    }

    /** {@code nn.LeakyReLU(negative_slope)}. */
    public static Activation leakyRelu(double slope) {
        Expr.checkFinite("leakyRelu", "slope", slope);
        return new Activation(Activation.Kind.LEAKY_RELU, slope, 0);
    }

    /** {@code nn.ELU()}: alpha 1. */
    public static Activation elu() {
        return elu(1);
    }

    /** {@code nn.ELU(alpha)}: {@code x} above zero, {@code alpha * (exp(x) - 1)} below. */
    public static Activation elu(double alpha) {
        Expr.checkFinite("elu", "alpha", alpha);
        return new Activation(Activation.Kind.ELU, alpha, 0);
    }

    /** {@code nn.GELU()}: the exact form {@code x * Phi(x)} with the normal CDF Phi. */
    public static Activation gelu() {
        return new Activation(Activation.Kind.GELU, 0, 0);
    }

    /** {@code nn.Softplus()}: {@code log(1 + exp(x))}. */
    public static Activation softplus() {
        return new Activation(Activation.Kind.SOFTPLUS, 0, 0);
    }
}
