package dev.netdsl.layers;

import dev.netdsl.Expr;

/**
 * PyTorch's {@code nn.AvgPool2d(kernel, stride)} (stride defaults to the kernel; no padding, floor mode).
 * Create with {@link Layers#avgPool2d(int)}.
 */
public final class AvgPool2d extends Pool2d {
    AvgPool2d(int[] kernel, int[] stride) {
        super("avgPool2d", kernel, stride);
    }

    /** Rebuilds it from {@code kernel_size} and {@code stride}. */
    public static AvgPool2d fromSettings(Settings s) {
        return new AvgPool2d(s.getInts("kernel_size", 2), s.getInts("stride", 2));
    }

    @Override
    public String typeName() {
        return "AvgPool2d";
    }

    @Override
    Expr pool(Expr x) {
        return x.avgPool2d(kernel, stride);
    }
}
