package dev.netdsl;

import java.util.Objects;

/**
 * An element-wise non-linearity with no trainable parameters, as a layer (PyTorch's {@code nn.ReLU},
 * {@code nn.Hardtanh(min, max)}, ...). Create with the factories in {@link Layers}; the same
 * functions exist on {@link Expr} ({@code x.relu()}, {@code x.hardtanh(-1, 1)}, ...).
 */
public final class Activation implements Layer {
    /** Which function. */
    enum Kind {
        RELU("ReLU"), TANH("Tanh"), SIGMOID("Sigmoid"), IDENTITY("Identity"), HARDTANH("Hardtanh"), LEAKY_RELU("LeakyReLU"),
        ELU("ELU"), GELU("GELU"), SOFTPLUS("Softplus");

        final String typeName;

        Kind(String typeName) {
            this.typeName = typeName;
        }
    }

    /** {@code max(0, x)}. */
    public static final Activation RELU = new Activation(Kind.RELU, 0, 0);
    /** Hyperbolic tangent. */
    public static final Activation TANH = new Activation(Kind.TANH, 0, 0);
    /** {@code 1 / (1 + exp(-x))}. */
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0, 0);
    /** Passes its input through unchanged. */
    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0, 0);

    final Kind kind;
    final double a;
    final double b;

    Activation(Kind kind, double a, double b) {
        this.kind = kind;
        this.a = a;
        this.b = b;
    }

    /** This function applied to {@code x}, element-wise. */
    public Expr apply(Expr x) {
        Objects.requireNonNull(x, "x");
        return switch (kind) {
            case RELU -> x.relu();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case IDENTITY -> x.identity();
            case HARDTANH -> x.hardtanh(a, b);
            case LEAKY_RELU -> x.leakyRelu(a);
            case ELU -> x.elu(a);
            case GELU -> x.gelu();
            case SOFTPLUS -> x.softplus();
        };
    }

    @Override
    public String typeName() {
        return kind.typeName;
    }

    @Override
    public int outputSize(int inputs) {
        return inputs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Activation other && other.kind == kind && other.a == a && other.b == b;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, a, b);
    }

    /** PyTorch's repr, e.g. {@code ReLU()} or {@code Hardtanh(min_val=-1.0, max_val=1.0)}. */
    @Override
    public String toString() {
        return switch (kind) {
            case HARDTANH -> "Hardtanh(min_val=" + a + ", max_val=" + b + ")";
            case LEAKY_RELU -> "LeakyReLU(negative_slope=" + a + ")";
            case ELU -> "ELU(alpha=" + a + ")";
            default -> kind.typeName + "()";
        };
    }

    /** The {@link Net} method that picks this as the hidden activation, e.g. {@code relu}. */
    String callName() {
        return switch (kind) {
            case RELU -> "relu";
            case TANH -> "tanh";
            case SIGMOID -> "sigmoid";
            default -> kind.typeName.toLowerCase();
        };
    }
}
