package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.Objects;

/**
 * An element-wise non-linearity with no trainable parameters, as a layer (PyTorch's {@code nn.ReLU},
 * {@code nn.Hardtanh(min, max)}, ...). Create with the factories in {@link Layers}; the same
 * functions exist on {@link Expr} ({@code x.relu()}, {@code x.hardtanh(-1, 1)}, ...).
 */
public final class Activation implements Layer {
    /** Which function; the type names are PyTorch's and files store them. */
    private enum Kind {
        RELU("ReLU", "relu"), TANH("Tanh", "tanh"), SIGMOID("Sigmoid", "sigmoid"), IDENTITY("Identity", "identity"),
        HARDTANH("Hardtanh", "hardtanh"), LEAKY_RELU("LeakyReLU", "leakyRelu"), ELU("ELU", "elu"), GELU("GELU", "gelu"),
        SOFTPLUS("Softplus", "softplus");

        final String typeName;
        final String call;

        Kind(String typeName, String call) {
            this.typeName = typeName;
            this.call = call;
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
    static final Activation GELU = new Activation(Kind.GELU, 0, 0);
    static final Activation SOFTPLUS = new Activation(Kind.SOFTPLUS, 0, 0);

    private final Kind kind;
    private final double a;
    private final double b;

    private Activation(Kind kind, double a, double b) {
        this.kind = kind;
        this.a = a;
        this.b = b;
    }

    static Activation hardtanh(double min, double max) {
        dev.netdsl.internal.Check.hardtanh(min, max);
        return new Activation(Kind.HARDTANH, min, max);
    }

    static Activation leakyRelu(double slope) {
        dev.netdsl.internal.Check.finite("leakyRelu", "slope", slope);
        return new Activation(Kind.LEAKY_RELU, slope, 0);
    }

    static Activation elu(double alpha) {
        dev.netdsl.internal.Check.finite("elu", "alpha", alpha);
        return new Activation(Kind.ELU, alpha, 0);
    }

    /**
     * The activation a file names ({@code ReLU}, {@code Hardtanh} with {@code min_val}/{@code max_val},
     * ...), or null if {@code typeName} is not one.
     */
    static Activation fromSettings(String typeName, Settings s) {
        for (Kind k : Kind.values()) {
            if (k.typeName.equals(typeName)) {
                return switch (k) {
                    case HARDTANH -> hardtanh(s.getDouble("min_val"), s.getDouble("max_val"));
                    case LEAKY_RELU -> leakyRelu(s.getDouble("negative_slope"));
                    case ELU -> elu(s.getDouble("alpha"));
                    default -> new Activation(k, 0, 0);
                };
            }
        }
        return null;
    }

    /** This function applied to {@code x}, element-wise (the same as {@link #apply} outside a model). */
    public Expr of(Expr x) {
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

    /** Element-wise, so it applies straight to any expression (no layer node is needed). */
    @Override
    public Expr apply(Expr x) {
        return of(x);
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        return of(x);
    }

    @Override
    public String typeName() {
        return kind.typeName;
    }

    @Override
    public Settings settings() {
        return switch (kind) {
            case HARDTANH -> Settings.of("min_val", a, "max_val", b);
            case LEAKY_RELU -> Settings.of("negative_slope", a);
            case ELU -> Settings.of("alpha", a);
            default -> Settings.empty();
        };
    }

    @Override
    public DType outputType(DType input) {
        return FloatLayers.check(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        return input.clone();
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
        return kind.typeName + "(" + settings() + ")";
    }

    /** The {@code Layers} factory that makes this, e.g. {@code relu}; {@code Net.of(...).tanh()} uses it too. */
    public String callName() {
        return kind.call;
    }
}
