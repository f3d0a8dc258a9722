package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A 2-D convolution, PyTorch's {@code nn.Conv2d(in, out, kernel, stride, padding)}: examples
 * {@code [in, H, W]} to {@code [out, H', W']}; weight {@code [out, in, kH, kW]} and bias {@code [out]},
 * both from U(-1/sqrt(in kH kW), 1/sqrt(in kH kW)) as PyTorch starts them. Create with
 * {@link Layers#conv2d(int, int, int)}.
 */
public final class Conv2d implements Layer {
    private final int in;
    private final int out;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding) {
        String call = "conv2d(" + in + ", " + out + ", " + tuple(kernel) + ", " + tuple(stride) + ", " + tuple(padding) + ")";
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException(call + ": channel counts must be at least 1");
        }
        check(call, "kernel size", kernel, 1);
        check(call, "stride", stride, 1);
        check(call, "padding", padding, 0);
        this.in = in;
        this.out = out;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
    }

    private static void check(String call, String what, int[] v, int min) {
        if (v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(call + ": the " + what + " must be two numbers, each at least " + min);
        }
    }

    /** Rebuilds it from {@code in_channels}, {@code out_channels}, {@code kernel_size}, {@code stride}, {@code padding}. */
    public static Conv2d fromSettings(Settings s) {
        return new Conv2d(s.getInt("in_channels"), s.getInt("out_channels"), s.getInts("kernel_size", 2), s.getInts("stride", 2),
                s.getInts("padding", 2));
    }

    @Override
    public String typeName() {
        return "Conv2d";
    }

    @Override
    public Settings settings() {
        return Settings.of("in_channels", in, "out_channels", out, "kernel_size", kernel, "stride", stride, "padding", padding);
    }

    @Override
    public List<ParameterSpec> parameters() {
        Initializer init = Initializers.pytorchDefault((long) in * kernel[0] * kernel[1]);
        return List.of(ParameterSpec.of("weight", init, out, in, kernel[0], kernel[1]), ParameterSpec.of("bias", init, out));
    }

    @Override
    public DType outputType(DType input) {
        return FloatLayers.check(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length != 3 || input[0] != in) {
            throw new IllegalArgumentException(this + " expects examples of " + in + " channels, [" + in + ", height, width],"
                    + " but gets " + Arrays.toString(input));
        }
        long h = (long) input[1] + 2L * padding[0] - kernel[0];
        long w = (long) input[2] + 2L * padding[1] - kernel[1];
        if (h < 0 || w < 0) {
            throw new IllegalArgumentException(this + ": its " + kernel[0] + "x" + kernel[1] + " kernel does not fit a "
                    + input[1] + "x" + input[2] + " image");
        }
        long outH = h / stride[0] + 1;
        long outW = w / stride[1] + 1;
        if ((double) out * outH * outW > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(this + ": on a " + input[1] + "x" + input[2] + " image it gives " + out + "x" + outH
                    + "x" + outW + " values per example, more than a Java array holds (2^31 - 1); use less padding or a larger"
                    + " stride");
        }
        return new int[] {out, (int) outH, (int) outW};
    }

    @Override
    public Optional<int[]> inputShape() {
        return Optional.empty();
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        return x.conv2d(context.parameter("weight"), context.parameter("bias"), stride, padding);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conv2d c && c.in == in && c.out == out && Arrays.equals(c.kernel, kernel)
                && Arrays.equals(c.stride, stride) && Arrays.equals(c.padding, padding);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * in + out) + Arrays.hashCode(kernel);
    }

    /** PyTorch's repr, e.g. {@code Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))}. */
    @Override
    public String toString() {
        return "Conv2d(" + in + ", " + out + ", kernel_size=" + tuple(kernel) + ", stride=" + tuple(stride)
                + (padding[0] != 0 || padding[1] != 0 ? ", padding=" + tuple(padding) : "") + ")";
    }

    static String tuple(int[] v) {
        return v.length == 2 ? "(" + v[0] + ", " + v[1] + ")" : Arrays.toString(v);
    }
}
