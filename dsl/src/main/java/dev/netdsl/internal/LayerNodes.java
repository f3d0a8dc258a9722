package dev.netdsl.internal;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import dev.netdsl.layers.Layer;
import java.util.Arrays;
import java.util.Objects;

/** Makes the expression nodes that stand for a layer applied to its input. */
public final class LayerNodes {
    private LayerNodes() {
    }

    /**
     * {@code layer} applied to {@code x} ({@code [batch, ...example]}): an {@link OpCode#APPLY} node of
     * shape {@code [batch, ...layer.outputShape(example)]}, checked now.
     *
     * @throws IllegalArgumentException if {@code x} has no batch dimension or the layer refuses its shape
     */
    public static Expr apply(Layer layer, Expr x) {
        Objects.requireNonNull(x, "x");
        long[] shape = x.shape();
        if (shape.length == 0) {
            throw new IllegalArgumentException(layer + ": needs a batch of examples ([batch, ...]) but got a scalar");
        }
        int[] example = new int[shape.length - 1];
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(layer + ": the example shape " + Arrays.toString(Arrays.copyOfRange(shape, 1,
                        shape.length)) + " must be known (only the batch dimension may be -1)");
            }
            example[i - 1] = (int) shape[i];
        }
        DType type;
        try {
            type = layer.outputType(x.dtype());
        } catch (IllegalArgumentException e) {
            throw new TypeMismatch(e.getMessage(), e);
        }
        int[] out = layer.outputShape(example);
        long[] result = new long[out.length + 1];
        result[0] = shape[0];
        for (int i = 0; i < out.length; i++) {
            result[i + 1] = out[i];
        }
        return Nodes.expr(new Node(OpCode.APPLY, result, new Expr[] {x}, null, 0, layer, type));
    }

    /** A layer refused its input's element type (not its shape). */
    public static final class TypeMismatch extends IllegalArgumentException {
        TypeMismatch(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The input example shape of {@code x}, without the batch dimension. */
    public static int[] example(long[] shape) {
        int[] out = new int[Math.max(0, shape.length - 1)];
        for (int i = 1; i < shape.length; i++) {
            out[i - 1] = (int) shape[i];
        }
        return out;
    }
}
