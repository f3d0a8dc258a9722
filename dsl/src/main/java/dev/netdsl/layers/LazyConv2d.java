package dev.netdsl.layers;

import java.util.Arrays;

/**
 * A 2-D convolution that takes its input channels from its input, like PyTorch's
 * {@code nn.LazyConv2d(out, kernel, stride, padding)} and Keras's {@code Conv2D(filters, kernel)}: in a net
 * it becomes {@code Conv2d(in, out, ...)} for the {@code [in, H, W]} examples it receives, with the same
 * parameters, initialisation and numbers as {@code conv2d(in, out, kernel, stride, padding)}. Square kernel,
 * stride 1 and padding 0 unless set with {@link #withStride} and {@link #withPadding}. Create with
 * {@link Layers#conv2d(int, int)}.
 */
public final class LazyConv2d extends LazyLayer {
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;

    LazyConv2d(int out, int kernel, int stride, int padding) {
        String call = call(out, kernel, stride, padding);
        if (out < 1) {
            throw new IllegalArgumentException(call + ": the output channels " + out + " must be at least 1");
        }
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException(call + ": the kernel size (" + kernel + ") and stride (" + stride
                    + ") must be at least 1, the padding (" + padding + ") at least 0");
        }
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /**
     * A copy that moves its window {@code stride} pixels at a time, both ways (default 1).
     *
     * @throws IllegalArgumentException if {@code stride} is below 1
     */
    public LazyConv2d withStride(int stride) {
        return new LazyConv2d(out, kernel, stride, padding);
    }

    /**
     * A copy that pads each side of the image with {@code padding} zeros, both ways (default 0).
     *
     * @throws IllegalArgumentException if {@code padding} is negative
     */
    public LazyConv2d withPadding(int padding) {
        return new LazyConv2d(out, kernel, stride, padding);
    }

    /**
     * {@code Conv2d(input[0], out, kernel, stride, padding)}.
     *
     * @throws IllegalArgumentException unless {@code input} is {@code [channels, height, width]}
     */
    @Override
    public Conv2d resolve(int[] input) {
        if (input.length != 3) {
            throw new IllegalArgumentException(this + ": needs examples of shape [channels, height, width] but gets "
                    + Arrays.toString(input));
        }
        return new Conv2d(input[0], out, pair(kernel), pair(stride), pair(padding));
    }

    @Override
    String explicit() {
        return "conv2d(in, " + out + ", " + kernel + (stride != 1 || padding != 0 ? ", " + stride + ", " + padding : "") + ")";
    }

    /** PyTorch's name, {@code LazyConv2d}; model files store the resolved {@code Conv2d} instead. */
    @Override
    public String typeName() {
        return "LazyConv2d";
    }

    @Override
    public Settings settings() {
        return Settings.of("out_channels", out, "kernel_size", pair(kernel), "stride", pair(stride), "padding", pair(padding));
    }

    /** The call that made it, e.g. {@code conv2d(32, 3)} or {@code conv2d(64, 3).withStride(2).withPadding(1)}. */
    @Override
    public String toString() {
        return call(out, kernel, stride, padding);
    }

    private static String call(int out, int kernel, int stride, int padding) {
        return "conv2d(" + out + ", " + kernel + ")" + (stride != 1 ? ".withStride(" + stride + ")" : "")
                + (padding != 0 ? ".withPadding(" + padding + ")" : "");
    }

    private static int[] pair(int v) {
        return new int[] {v, v};
    }
}
