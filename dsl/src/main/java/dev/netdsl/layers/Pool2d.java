package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.Arrays;

/** What {@link MaxPool2d} and {@link AvgPool2d} share: a window and a stride over [C, H, W] examples. */
abstract class Pool2d implements Layer {
    final int[] kernel;
    final int[] stride;

    Pool2d(String call, int[] kernel, int[] stride) {
        if (kernel.length != 2 || stride.length != 2 || kernel[0] < 1 || kernel[1] < 1 || stride[0] < 1 || stride[1] < 1) {
            throw new IllegalArgumentException(call + "(" + Arrays.toString(kernel) + ", " + Arrays.toString(stride)
                    + "): the kernel size and stride must be positive");
        }
        this.kernel = kernel.clone();
        this.stride = stride.clone();
    }

    @Override
    public Settings settings() {
        return Settings.of("kernel_size", kernel, "stride", stride);
    }

    @Override
    public DType outputType(DType input) {
        return FloatLayers.check(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length != 3) {
            throw new IllegalArgumentException(this + " expects [channels, height, width] examples but gets "
                    + Arrays.toString(input));
        }
        if (input[1] < kernel[0] || input[2] < kernel[1]) {
            throw new IllegalArgumentException(this + ": its window does not fit a " + input[1] + "x" + input[2] + " image");
        }
        return new int[] {input[0], (input[1] - kernel[0]) / stride[0] + 1, (input[2] - kernel[1]) / stride[1] + 1};
    }

    abstract Expr pool(Expr x);

    @Override
    public Expr forward(Expr x, LayerContext context) {
        return pool(x);
    }

    /** Stateless, so it applies straight to any expression. */
    @Override
    public Expr apply(Expr x) {
        return pool(x);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(((Pool2d) o).kernel, kernel)
                && Arrays.equals(((Pool2d) o).stride, stride);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(kernel) + Arrays.hashCode(stride);
    }

    @Override
    public String toString() {
        return typeName() + "(kernel_size=" + Conv2d.tuple(kernel) + ", stride=" + Conv2d.tuple(stride) + ")";
    }
}
