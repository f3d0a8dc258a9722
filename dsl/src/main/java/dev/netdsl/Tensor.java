package dev.netdsl;

import java.util.Arrays;
import java.util.Objects;

/**
 * Values with a shape, row-major: what a model takes and gives for data of any rank
 * ({@code [n, 1, 28, 28]} images, {@code [n, 10]} logits): float32, or int32 ids ({@link #ofInts},
 * {@link #ints()}) for a net whose inputs are token ids. Immutable: the values are copied in and out.
 */
public final class Tensor {
    /** Float values, or an empty array for an int32 tensor. */
    private final float[] values;
    /** Int32 values, or null for a float tensor. */
    private final int[] ints;
    private final int[] shape;

    private Tensor(float[] values, int[] shape) {
        this.values = values;
        this.ints = null;
        this.shape = shape;
    }

    private Tensor(int[] ints, int[] shape) {
        this.values = new float[0];
        this.ints = ints;
        this.shape = shape;
    }

    /**
     * Int32 {@code values} (row-major) with {@code shape}, e.g. token ids {@code [n, T]}; the values are copied.
     *
     * @throws IllegalArgumentException if a dimension is negative or the shape does not hold exactly
     *     {@code values.length} values
     */
    public static Tensor ofInts(int[] values, int... shape) {
        Objects.requireNonNull(values, "values");
        checkShape(values.length, shape);
        return new Tensor(values.clone(), shape.clone());
    }

    private static void checkShape(int count, int[] shape) {
        Objects.requireNonNull(shape, "shape");
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor.of: dimension " + d + " in " + Arrays.toString(shape) + " is negative");
            }
            n = Math.min((long) Integer.MAX_VALUE + 1, n * d); // d < 2^31: no overflow, and any excess is a mismatch
        }
        if (n != count) {
            throw new IllegalArgumentException("Tensor.of: shape " + Arrays.toString(shape) + " holds " + n + " values but "
                    + count + " were given");
        }
    }

    /** The element type: float32, or int32 for {@link #ofInts} tensors. */
    public DType dtype() {
        return ints == null ? DType.FLOAT32 : DType.INT32;
    }

    /**
     * The int32 values, row-major; a copy.
     *
     * @throws IllegalStateException for a float tensor; use {@link #values()}
     */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException("a float32 tensor: call values()");
        }
        return ints.clone();
    }

    /** The int32 values without a copy (null for a float tensor), for this package and the engine (EngineAccess). */
    int[] intData() {
        return ints;
    }

    /**
     * {@code values} (row-major) with {@code shape}; the values are copied.
     *
     * @throws IllegalArgumentException if a dimension is negative or the shape does not hold exactly
     *     {@code values.length} values
     */
    public static Tensor of(float[] values, int... shape) {
        Objects.requireNonNull(values, "values");
        checkShape(values.length, shape);
        return new Tensor(values.clone(), shape.clone());
    }

    /**
     * The rows of a matrix, {@code [rows.length, width]}.
     *
     * @throws IllegalArgumentException if there are no rows or they are ragged
     */
    public static Tensor of(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0 || rows[0] == null) {
            throw new IllegalArgumentException("Tensor.of: no rows; give at least one");
        }
        int width = rows[0].length;
        if ((long) rows.length * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Tensor.of: " + rows.length + " rows of " + width + " values are more than one"
                    + " Java array holds (2^31 - 9)");
        }
        float[] flat = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != width) {
                throw new IllegalArgumentException("Tensor.of: row " + r + " has " + (rows[r] == null ? "no array"
                        : rows[r].length + " values") + " but row 0 has " + width);
            }
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        return new Tensor(flat, new int[] {rows.length, width});
    }

    /** Wraps without copying; for NetDSL's own results, which nobody else holds. */
    static Tensor wrap(float[] values, int... shape) {
        return new Tensor(values, shape);
    }

    /** The dimensions, outermost first; a copy. */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of values. */
    public int size() {
        return ints != null ? ints.length : values.length;
    }

    /**
     * The values, row-major; a copy.
     *
     * @throws IllegalStateException for an int32 tensor; use {@link #ints()}
     */
    public float[] values() {
        if (ints != null) {
            throw new IllegalStateException("an int32 tensor: call ints()");
        }
        return values.clone();
    }

    /** The values without a copy, for this package and the engine (EngineAccess). */
    float[] data() {
        return values;
    }

    /**
     * The value at {@code index} (one index per dimension).
     *
     * @throws IllegalArgumentException if the index does not fit the shape
     */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get" + Arrays.toString(index) + ": a tensor of shape " + Arrays.toString(shape)
                    + " needs " + shape.length + " indices");
        }
        int offset = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IllegalArgumentException("get" + Arrays.toString(index) + ": index " + index[i] + " is outside 0.."
                        + (shape[i] - 1) + " of dimension " + i);
            }
            offset = offset * shape[i] + index[i];
        }
        if (ints != null) {
            throw new IllegalStateException("an int32 tensor: read ints()");
        }
        return values[offset];
    }

    /** One row per entry of the first dimension, each holding the rest flattened ({@code [n, 1, 28, 28]} gives n rows of 784). */
    public float[][] rows() {
        if (ints != null) {
            throw new IllegalStateException("an int32 tensor: read ints()");
        }
        int n = shape.length == 0 ? 1 : shape[0];
        int width = n == 0 ? 0 : values.length / n;
        float[][] out = new float[n][width];
        for (int r = 0; r < n; r++) {
            System.arraycopy(values, r * width, out[r], 0, width);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(t.shape, shape) && Arrays.equals(t.values, values)
                && Arrays.equals(t.ints, ints);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values) + Arrays.hashCode(ints);
    }

    @Override
    public String toString() {
        return "Tensor" + (ints != null ? " int32" : "") + Arrays.toString(shape)
                + (size() <= 8 ? ints != null ? Arrays.toString(ints) : Arrays.toString(values) : "");
    }
}
