package dev.netdsl;

import java.util.Objects;

/**
 * An immutable table of examples: inputs {@code x} (rows × features) and either float targets
 * {@code y} (rows × targets) or integer class labels. Values are copied in and out, so callers can
 * reuse their arrays.
 */
public final class Dataset {
    private final int rows;
    private final int features;
    private final float[] x;
    private final int targets;
    private final float[] y;
    private final int[] labels;

    private Dataset(int rows, int features, float[] x, int targets, float[] y, int[] labels) {
        this.rows = rows;
        this.features = features;
        this.x = x;
        this.targets = targets;
        this.y = y;
        this.labels = labels;
    }

    /**
     * A regression data set: row {@code i} of {@code x} maps to row {@code i} of {@code y}.
     *
     * @throws IllegalArgumentException if either matrix is empty or ragged, the row counts differ,
     *     or a value is NaN or infinite
     */
    public static Dataset of(float[][] x, float[][] y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        int rows = checkRows(x, "x");
        if (y.length != rows) {
            throw new IllegalArgumentException("Dataset.of: x has " + rows + " rows but y has " + y.length
                    + "; give one target row per input row");
        }
        int features = width(x, "x");
        int targets = width(y, "y");
        return new Dataset(rows, features, flatten(x, features, "x"), targets, flatten(y, targets, "y"), null);
    }

    /**
     * A classification data set: row {@code i} of {@code x} has class {@code labels[i]} (0-based).
     *
     * @throws IllegalArgumentException if {@code x} is empty or ragged, the counts differ, a label is
     *     negative, or a value is NaN or infinite
     */
    public static Dataset of(float[][] x, int[] labels) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        int rows = checkRows(x, "x");
        if (labels.length != rows) {
            throw new IllegalArgumentException("Dataset.of: x has " + rows + " rows but there are " + labels.length
                    + " labels; give one label per input row");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("Dataset.of: label " + labels[i] + " at row " + i
                        + " is negative; class labels count from 0");
            }
        }
        int features = width(x, "x");
        return new Dataset(rows, features, flatten(x, features, "x"), 1, null, labels.clone());
    }

    /**
     * A classification data set from a flat row-major {@code x} of {@code labels.length} rows of
     * {@code features} values (no per-row arrays: the way to build large image sets). {@code x} is
     * copied.
     *
     * @throws IllegalArgumentException if the sizes disagree, a label is negative, or a value is not
     *     finite
     */
    public static Dataset of(float[] x, int features, int[] labels) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        if (features < 1 || labels.length < 1 || (long) features * labels.length != x.length) {
            throw new IllegalArgumentException("Dataset.of: " + x.length + " values are not " + labels.length + " rows of "
                    + features + " features; give x.length == labels.length * features");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("Dataset.of: x[" + i / features + "][" + i % features + "] is " + x[i]
                        + "; clean or drop non-finite values before training");
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("Dataset.of: label " + labels[i] + " at row " + i
                        + " is negative; class labels count from 0");
            }
        }
        return new Dataset(labels.length, features, x.clone(), 1, null, labels.clone());
    }

    private static int checkRows(float[][] m, String what) {
        if (m.length == 0) {
            throw new IllegalArgumentException("Dataset.of: " + what + " has no rows; a data set needs at least one example");
        }
        return m.length;
    }

    private static int width(float[][] m, String what) {
        if (m[0] == null || m[0].length == 0) {
            throw new IllegalArgumentException("Dataset.of: " + what + "[0] has no columns; each row needs at least one value");
        }
        return m[0].length;
    }

    private static float[] flatten(float[][] m, int width, String what) {
        float[] flat = new float[m.length * width];
        for (int r = 0; r < m.length; r++) {
            float[] row = m[r];
            if (row == null || row.length != width) {
                throw new IllegalArgumentException("Dataset.of: " + what + "[" + r + "] has "
                        + (row == null ? "no array" : row.length + " values") + " but " + what + "[0] has " + width
                        + "; every row needs the same length");
            }
            for (int c = 0; c < width; c++) {
                if (!Float.isFinite(row[c])) {
                    throw new IllegalArgumentException("Dataset.of: " + what + "[" + r + "][" + c + "] is " + row[c]
                            + "; clean or drop non-finite values before training");
                }
            }
            System.arraycopy(row, 0, flat, r * width, width);
        }
        return flat;
    }

    /** Number of examples. */
    public int size() {
        return rows;
    }

    /** Input features per example. */
    public int features() {
        return features;
    }

    /** Target columns per example (1 for labelled data). */
    public int targets() {
        return targets;
    }

    /** True when targets are integer class labels rather than a float matrix. */
    public boolean hasLabels() {
        return labels != null;
    }

    /** A copy of the inputs, rows × features. */
    public float[][] x() {
        return unflatten(x, features);
    }

    /** A copy of the inputs as one row-major array ({@code size() * features()} values). */
    public float[] xRowMajor() {
        return x.clone();
    }

    /**
     * A copy of the float targets, rows × targets.
     *
     * @throws IllegalStateException for labelled data; use {@link #labels()}
     */
    public float[][] y() {
        if (y == null) {
            throw new IllegalStateException("this data set holds class labels, not float targets; call labels()");
        }
        return unflatten(y, targets);
    }

    /**
     * A copy of the class labels.
     *
     * @throws IllegalStateException for float targets; use {@link #y()}
     */
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException("this data set holds float targets, not class labels; call y()");
        }
        return labels.clone();
    }

    /**
     * The examples at {@code indices}, in that order (repeats allowed): the building block of
     * mini-batches and shuffles.
     *
     * @throws IllegalArgumentException if {@code indices} is empty or an index is out of range
     */
    public Dataset subset(int[] indices) {
        Objects.requireNonNull(indices, "indices");
        return subset(indices, 0, indices.length);
    }

    /** The examples at {@code indices[from..to)}. */
    Dataset subset(int[] indices, int from, int to) {
        int n = to - from;
        if (n < 1) {
            throw new IllegalArgumentException("subset: no indices given; a data set needs at least one example");
        }
        float[] sx = new float[n * features];
        float[] sy = y == null ? null : new float[n * targets];
        int[] sl = labels == null ? null : new int[n];
        for (int i = 0; i < n; i++) {
            int r = indices[from + i];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("subset: index " + r + " is outside 0.." + (rows - 1));
            }
            System.arraycopy(x, r * features, sx, i * features, features);
            if (sy != null) {
                System.arraycopy(y, r * targets, sy, i * targets, targets);
            } else {
                sl[i] = labels[r];
            }
        }
        return new Dataset(n, features, sx, targets, sy, sl);
    }

    /** The flat row-major inputs, not copied: callers in this package must not modify it. */
    float[] xData() {
        return x;
    }

    /** The flat row-major float targets, or null for labelled data; not copied. */
    float[] yData() {
        return y;
    }

    /** The labels, or null for float targets; not copied. */
    int[] labelData() {
        return labels;
    }

    /** The largest label, or -1 for float targets. */
    int maxLabel() {
        int max = -1;
        if (labels != null) {
            for (int l : labels) {
                max = Math.max(max, l);
            }
        }
        return max;
    }

    private static float[][] unflatten(float[] flat, int width) {
        float[][] m = new float[flat.length / width][width];
        for (int r = 0; r < m.length; r++) {
            System.arraycopy(flat, r * width, m[r], 0, width);
        }
        return m;
    }

    @Override
    public String toString() {
        return "Dataset[" + rows + " x " + features + (labels != null ? ", labels" : " -> " + targets) + "]";
    }
}
