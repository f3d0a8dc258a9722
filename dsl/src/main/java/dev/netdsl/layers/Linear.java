package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A fully connected layer {@code y = x W^T + b}, like PyTorch's {@code nn.Linear}: the weight has
 * shape {@code [out, in]}, the bias {@code [out]}, both start from U(-1/sqrt(in), 1/sqrt(in)). The
 * weight is stored as {@code [in, out]} (TensorFlow's layout, a plain MatMul + BiasAdd) and shown as
 * PyTorch's. Create with {@link Layers#linear(int, int)}.
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

    /** Rebuilds a Linear from {@code in_features} and {@code out_features}. */
    public static Linear fromSettings(Settings s) {
        return new Linear(s.getInt("in_features"), s.getInt("out_features"));
    }

    /** Input features. */
    public int in() {
        return in;
    }

    /** Output features. */
    public int out() {
        return out;
    }

    @Override
    public String typeName() {
        return "Linear";
    }

    @Override
    public Settings settings() {
        return Settings.of("in_features", in, "out_features", out);
    }

    @Override
    public List<ParameterSpec> parameters() {
        // PyTorch's reset_parameters: kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(in), 1/sqrt(in)) for the weight, and
        // the bias uses the same bound; values are drawn in PyTorch's [out, in] order.
        Initializer init = Initializers.pytorchDefault(in);
        return List.of(ParameterSpec.of("weight", init, out, in).storedAs(1, 0), ParameterSpec.of("bias", init, out));
    }

    @Override
    public Optional<int[]> inputShape() {
        return Optional.of(new int[] {in});
    }

    @Override
    public DType outputType(DType input) {
        return FloatLayers.check(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        // Over the last axis, as PyTorch's: [in] gives [out], a sequence [T, in] gives [T, out].
        if (input.length == 0 || input[input.length - 1] != in) {
            if (input.length != 1) {
                throw new IllegalArgumentException(this + ": needs a [batch, " + in + "] input but got examples of shape "
                        + Arrays.toString(input) + "; add flatten() before it");
            }
            throw new IllegalArgumentException(this + " expects " + in + " input features but receives " + input[0]);
        }
        int[] shape = input.clone();
        shape[shape.length - 1] = out;
        return shape;
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        return x.matmul(context.parameter("weight")).addBias(context.parameter("bias"));
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
