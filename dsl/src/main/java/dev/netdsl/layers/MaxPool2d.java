package dev.netdsl.layers;

import dev.netdsl.Expr;

/**
 * PyTorch's {@code nn.MaxPool2d(kernel, stride)} (stride defaults to the kernel; no padding, floor mode).
 * Create with {@link Layers#maxPool2d(int)}.
 */
public final class MaxPool2d extends Pool2d {
    MaxPool2d(int[] kernel, int[] stride) {
        super("maxPool2d", kernel, stride);
    }

    /** Rebuilds it from {@code kernel_size} and {@code stride}. */
    public static MaxPool2d fromSettings(Settings s) {
        return new MaxPool2d(s.getInts("kernel_size", 2), s.getInts("stride", 2));
    }

    @Override
    public String typeName() {
        return "MaxPool2d";
    }

    @Override
    Expr pool(Expr x) {
        return x.maxPool2d(kernel, stride);
    }
}
