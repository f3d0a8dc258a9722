package dev.netdsl;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * How {@link Dataset}'s factories build one: every argument checked first, failing with a message that names the call
 * and the bad value (shapes, sizes, non-finite values, negative labels, ragged rows, class names), then copied once,
 * row matrices flattened (and flattened data back into rows).
 */
final class DatasetFactory {
    private DatasetFactory() {
    }

    /** {@link Dataset#of(float[][], float[][])}. */
    static Dataset of(float[][] x, float[][] y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        int rows = checkRows(x, "x");
        if (y.length != rows) {
            throw new IllegalArgumentException("Dataset.of: x has " + rows + " rows but y has " + y.length
                    + "; give one target row per input row");
        }
        int features = width(x, "x");
        int targets = width(y, "y");
        return new Dataset(rows, new int[] {features}, flatten(x, features, "x"), null, new int[] {targets},
                flatten(y, targets, "y"), null, List.of());
    }

    /** {@link Dataset#of(float[][], int[])}. */
    static Dataset of(float[][] x, int[] labels) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        int rows = checkRows(x, "x");
        if (labels.length != rows) {
            throw new IllegalArgumentException("Dataset.of: x has " + rows + " rows but there are " + labels.length
                    + " labels; give one label per input row");
        }
        checkLabels(labels);
        int features = width(x, "x");
        return new Dataset(rows, new int[] {features}, flatten(x, features, "x"), null, null, null, labels.clone(), List.of());
    }

    /** {@link Dataset#of(float[], int[], int...)}. */
    static Dataset of(float[] x, int[] labels, int... exampleShape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        int[] shape = checkShape(exampleShape, "example");
        checkSize(x, labels.length, shape, "x", labels.length + " labels");
        checkLabels(labels);
        return new Dataset(labels.length, shape, x.clone(), null, null, null, labels.clone(), List.of());
    }

    /** {@link Dataset#of(float[], int[], float[], int...)}. */
    static Dataset of(float[] x, int[] exampleShape, float[] y, int... targetShape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        int[] in = checkShape(exampleShape, "example");
        int[] out = checkShape(targetShape, "target");
        long perExample = values(in, "example");
        values(out, "target");
        int n = (int) (x.length / perExample);
        checkSize(x, n, in, "x", "");
        checkSize(y, n, out, "y", n + " examples");
        return new Dataset(n, in, x.clone(), null, out, y.clone(), null, List.of());
    }

    /** {@link Dataset#of(int[], int[], int[])}. */
    static Dataset of(int[] x, int[] exampleShape, int[] labels) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        int[] shape = checkShape(exampleShape, "example");
        checkCount(x.length, labels.length, shape, "x", labels.length + " labels");
        checkLabels(labels);
        return new Dataset(labels.length, shape, null, x.clone(), null, null, labels.clone(), List.of());
    }

    /** {@link Dataset#of(int[], int[], float[], int...)}. */
    static Dataset of(int[] x, int[] exampleShape, float[] y, int... targetShape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        int[] in = checkShape(exampleShape, "example");
        int[] out = checkShape(targetShape, "target");
        int n = (int) (x.length / values(in, "example"));
        values(out, "target");
        checkCount(x.length, n, in, "x", "");
        checkSize(y, n, out, "y", n + " examples");
        return new Dataset(n, in, null, x.clone(), out, y.clone(), null, List.of());
    }

    /** {@link Dataset#of(Tensor, Tensor)}. */
    static Dataset of(Tensor x, Tensor y) {
        int[] xs = x.shape();
        int[] ys = y.shape();
        if (xs.length < 2 || ys.length < 2 || xs[0] != ys[0]) {
            throw new IllegalArgumentException("Dataset.of: needs x [n, ...] and y [n, ...] with the same n but got "
                    + Arrays.toString(xs) + " and " + Arrays.toString(ys));
        }
        if (y.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("Dataset.of(x, y): y is " + y.dtype().fileName() + "; float targets go in y, integer"
                    + " class labels in Dataset.of(..., int[] labels)");
        }
        if (x.dtype() != DType.FLOAT32) {
            return of(x.ints(), Arrays.copyOfRange(xs, 1, xs.length), y.data(), Arrays.copyOfRange(ys, 1, ys.length));
        }
        return of(x.data(), Arrays.copyOfRange(xs, 1, xs.length), y.data(), Arrays.copyOfRange(ys, 1, ys.length));
    }

    /** {@link Dataset#ofTokens(int[], int)}. */
    static Dataset ofTokens(int[] tokens, int seqLen) {
        Objects.requireNonNull(tokens, "tokens");
        if (seqLen < 1 || tokens.length < seqLen) {
            throw new IllegalArgumentException("Dataset.ofTokens: " + tokens.length + " tokens make no sequence of " + seqLen
                    + "; give seqLen from 1 to the number of tokens");
        }
        int n = tokens.length / seqLen;
        return new Dataset(n, new int[] {seqLen}, null, Arrays.copyOf(tokens, n * seqLen), null, null, null, List.of());
    }

    static int[] checkShape(int[] shape, String what) {
        Objects.requireNonNull(shape, what + "Shape");
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("Dataset.of: the " + what + " shape " + Arrays.toString(shape)
                    + " needs one or more dimensions, each at least 1");
        }
        return shape.clone();
    }

    /** The values in one example of {@code shape}. @throws IllegalArgumentException if more than an array holds */
    private static long values(int[] shape, String what) {
        long per = 1;
        for (int d : shape) {
            per *= d;
            if (per > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Dataset.of: one " + what + " of shape " + Arrays.toString(shape)
                        + " holds more values than a Java array (2^31 - 1)");
            }
        }
        return per;
    }

    private static void checkSize(float[] v, int n, int[] shape, String what, String against) {
        long per = checkCount(v.length, n, shape, what, against);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("Dataset.of: " + what + "[" + i / per + "][" + i % per + "] is " + v[i]
                        + "; clean or drop non-finite values before training");
            }
        }
    }

    /** Checks that {@code length} values are {@code n} examples of {@code shape}; the values per example. */
    private static long checkCount(int length, int n, int[] shape, String what, String against) {
        long per = values(shape, what);
        if (n < 1 || per * n != length) {
            throw new IllegalArgumentException("Dataset.of: " + length + " values in " + what + " are not " + (n < 1 ? "any" : n)
                    + " examples of shape " + Arrays.toString(shape) + (against.isEmpty() ? "" : " (for " + against + ")")
                    + "; give " + what + ".length == examples * " + per);
        }
        return per;
    }

    static void checkLabels(int[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("Dataset.of: label " + labels[i] + " at row " + i
                        + " is negative; class labels count from 0");
            }
        }
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
        if ((long) m.length * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Dataset.of: " + what + " has " + m.length + " rows of " + width + " values, "
                    + (long) m.length * width + " in all, more than one Java array holds (2^31 - 9); split it into several data"
                    + " sets");
        }
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

    /** {@code flat} as rows of {@code width} values, copied. */
    static float[][] unflatten(float[] flat, int width) {
        float[][] m = new float[flat.length / width][width];
        for (int r = 0; r < m.length; r++) {
            System.arraycopy(flat, r * width, m[r], 0, width);
        }
        return m;
    }

    /** {@code withClassNames(copy)} for data whose largest label is {@code max}: distinct names, none blank, one per label. */
    static void checkClassNames(List<String> copy, int max) {
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < copy.size(); i++) {
            String name = copy.get(i);
            if (name.isBlank()) {
                throw new IllegalArgumentException("withClassNames: the name of class " + i + " is blank; give every class"
                        + " a name");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("withClassNames: \"" + name + "\" names class " + copy.indexOf(name)
                        + " and class " + i + "; give each class its own name");
            }
        }
        if (max >= copy.size()) {
            throw new IllegalArgumentException("withClassNames: " + copy.size() + " names for labels 0.." + (copy.size() - 1)
                    + " but the data holds label " + max + "; give a name for each label up to " + max);
        }
    }
}
