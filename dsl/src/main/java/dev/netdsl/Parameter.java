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
    public Parameter {
        shape = List.copyOf(shape);
        values = values.clone();
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

    @Override
    public String toString() {
        return name + " " + shape;
    }
}
