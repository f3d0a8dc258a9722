package dev.netdsl;

/**
 * A fully connected layer {@code y = x W^T + b}, like PyTorch's {@code nn.Linear}: the weight has
 * shape {@code [out, in]}, the bias {@code [out]}, both start from U(-1/sqrt(in), 1/sqrt(in)).
 * Create with {@link Layers#linear(int, int)}.
 */
public final class Linear implements Layer {
    private final int in;
    private final int out;

    Linear(int in, int out) {
        if (in < 1) {
            throw new IllegalArgumentException("linear(" + in + ", " + out + "): the input size " + in
                    + " must be at least 1; pass the number of features the layer receives");
        }
        if (out < 1) {
            throw new IllegalArgumentException("linear(" + in + ", " + out + "): the output size " + out
                    + " must be at least 1; pass the number of features the layer produces");
        }
        if ((long) in * out > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("linear(" + in + ", " + out + "): " + (long) in * out
                    + " weights do not fit one Java array (at most 2^31 - 9); make the layer smaller");
        }
        this.in = in;
        this.out = out;
    }

    /** Input features. */
    public int in() {
        return in;
    }

    /** Output features. */
    public int out() {
        return out;
    }

    /**
     * This layer applied to {@code x} ({@code [batch, in]} to {@code [batch, out]}), for a
     * {@link Module}'s forward pass; the weights are the model's once it is built.
     *
     * @throws IllegalArgumentException if {@code x} is not {@code [batch, in]}
     */
    public Expr apply(Expr x) {
        return Expr.linear(this, x);
    }

    @Override
    public String typeName() {
        return "Linear";
    }

    @Override
    public int outputSize(int inputs) {
        if (inputs != in) {
            throw new IllegalArgumentException(this + " expects " + in + " input features but receives " + inputs);
        }
        return out;
    }

    @Override
    public long parameterCount() {
        return (long) in * out + out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Linear l && l.in == in && l.out == out;
    }

    @Override
    public int hashCode() {
        return 31 * in + out;
    }

    @Override
    public String toString() {
        return "Linear(in_features=" + in + ", out_features=" + out + ")";
    }
}
