package dev.netdsl.layers;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor a layer declares: its name ({@code weight}), its shape in PyTorch's layout, how it starts,
 * and optionally the layout the forward pass works with ({@link #storedAs}).
 *
 * @param name the tensor's name within its layer
 * @param shape dimensions in PyTorch's layout, e.g. {@code [out, in]} for a Linear weight
 * @param init the starting values, drawn in {@code shape}'s row-major order
 * @param storage the permutation from {@code shape} to the stored layout, or null to store as declared
 */
public record ParameterSpec(String name, int[] shape, Initializer init, int[] storage) {
    /** The most values a tensor may hold: what one Java array can. */
    public static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    /**
     * @throws IllegalArgumentException for a bad name, a dimension below 1, more than {@link #MAX_SIZE} values or a
     *     bad permutation
     */
    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(init, "init");
        // Dotted for a layer made of parts, as PyTorch names a submodule's tensors: self_attn.in_proj_weight.
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*")) {
            throw new IllegalArgumentException("parameter name '" + name + "' must be letters, digits and '_', in parts joined"
                    + " by '.'");
        }
        shape = shape.clone();
        long size = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("parameter " + name + ": dimension " + d + " in " + Arrays.toString(shape)
                        + " must be at least 1");
            }
            size *= d; // at most 2^31 * 2^31: checked before it could overflow
            if (size > MAX_SIZE) {
                throw new IllegalArgumentException("parameter " + name + " " + Arrays.toString(shape) + " would hold more values"
                        + " than a Java array (2^31 - 9); make the layer smaller");
            }
        }
        if (storage != null) {
            storage = storage.clone();
            int[] sorted = storage.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                if (sorted.length != shape.length || sorted[i] != i) {
                    throw new IllegalArgumentException("parameter " + name + ": " + Arrays.toString(storage)
                            + " is not a permutation of the " + shape.length + " dimensions of " + Arrays.toString(shape));
                }
            }
        }
    }

    /** A tensor of {@code shape} starting from {@code init}, stored as declared. */
    public static ParameterSpec of(String name, Initializer init, int... shape) {
        return new ParameterSpec(name, shape, init, null);
    }

    /**
     * A copy stored in another layout: dimension {@code i} of the stored tensor is dimension
     * {@code permutation[i]} of the declared one (a Linear stores its {@code [out, in]} weight with
     * {@code storedAs(1, 0)} as {@code [in, out]}, TensorFlow's layout). Users and files still see the
     * declared layout.
     */
    public ParameterSpec storedAs(int... permutation) {
        return new ParameterSpec(name, shape, init, permutation);
    }

    /** The dimensions in PyTorch's layout; a copy. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The stored permutation, or null; a copy. */
    @Override
    public int[] storage() {
        return storage == null ? null : storage.clone();
    }

    /** The shape the forward pass sees. */
    public int[] storedShape() {
        if (storage == null) {
            return shape.clone();
        }
        int[] out = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape[storage[i]];
        }
        return out;
    }

    /** The number of values. */
    public long size() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && Arrays.equals(p.storage, storage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(storage));
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape);
    }
}
