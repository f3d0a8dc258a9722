package dev.netdsl;

import java.util.List;

/**
 * A snapshot of one trainable tensor: its name ({@code "0.weight"}), shape ({@code [20, 1]}, PyTorch's
 * {@code [out, in]} layout for weights) and row-major values.
 *
 * @param name the parameter's name, {@code layer.weight} or {@code layer.bias}
 * @param shape dimensions, outermost first
 * @param values a copy of the values in row-major order
 */
public record Parameter(String name, List<Integer> shape, float[] values) {
    /**
     * A dimension may be 0: an empty tensor is a value files hold (PyTorch saves {@code torch.zeros(0)}); no
     * model has one, so loading it into a model fails as any other shape mismatch.
     *
     * @throws IllegalArgumentException if a dimension is negative or the shape does not hold exactly
     *     {@code values.length} values
     */
    public Parameter {
        java.util.Objects.requireNonNull(name, "name");
        shape = List.copyOf(shape);
        values = values.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Parameter " + name + ": dimension " + d + " in " + shape + " must be at least 0");
            }
            // Saturates instead of wrapping around: a shape of 2^64 values must not pass for 0 values.
            n = n > Integer.MAX_VALUE ? n : n * d;
        }
        if (shape.contains(0)) {
            n = 0;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("Parameter " + name + ": shape " + shape + " holds " + n + " values but "
                    + values.length + " were given");
        }
    }

    /** The values; a fresh copy on each call. */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** The number of values. */
    public int size() {
        return values.length;
    }

    /** The shape in NumPy's notation, e.g. {@code (20, 1)} or {@code (20,)}. */
    public String numpyShape() {
        if (shape.size() == 1) {
            return "(" + shape.get(0) + ",)";
        }
        return shape.toString().replace('[', '(').replace(']', ')');
    }

    /**
     * The values laid out like PyTorch prints a tensor: one row per line for a matrix, e.g.
     * {@code [[ 0.1492,  0.4150], [ 0.3403, -0.4084]]}.
     */
    public String format() {
        StringBuilder s = new StringBuilder("[");
        int cols = shape.size() == 2 ? shape.get(1) : values.length;
        for (int i = 0; i < values.length; i++) {
            if (shape.size() == 2 && i % cols == 0) {
                s.append(i == 0 ? "[" : ",\n [");
            } else if (i > 0) {
                s.append(", ");
            }
            s.append(String.format(java.util.Locale.ROOT, "%7.4f", values[i]));
            if (shape.size() == 2 && i % cols == cols - 1) {
                s.append(']');
            }
        }
        return s.append(']').toString();
    }

    @Override
    public String toString() {
        return name + " " + shape;
    }
}
