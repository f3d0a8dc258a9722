package dev.netdsl.layers;

import dev.netdsl.Expr;
import java.util.Arrays;

/**
 * PyTorch's {@code nn.Flatten()}: every example flattened to a vector, in PyTorch's order (for images
 * {@code [channels, height, width]}, channel by channel, row by row). Create with {@link Layers#flatten()}.
 */
public final class Flatten implements Layer {
    static final Flatten INSTANCE = new Flatten();

    private Flatten() {
    }

    /** Rebuilds it from a model file (it has no settings). */
    public static Flatten fromSettings(Settings s) {
        return INSTANCE;
    }

    @Override
    public String typeName() {
        return "Flatten";
    }

    @Override
    public int[] outputShape(int[] input) {
        long n = 1;
        for (int d : input) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Flatten: examples of shape " + Arrays.toString(input) + " have more values"
                        + " than a Java array holds (2^31 - 1)");
            }
        }
        return new int[] {(int) n};
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        long[] shape = x.shape();
        long features = 1;
        for (int i = 1; i < shape.length; i++) {
            features *= shape[i];
        }
        return shape.length == 2 ? x : x.reshape(-1, features);
    }

    @Override
    public String toString() {
        return "Flatten(start_dim=1, end_dim=-1)";
    }
}
