package dev.netdsl;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An immutable set of examples: inputs {@code x} of shape {@code [n, ...exampleShape]}, float32 values
 * or int32 ids (token ids for an embedding, {@link #inputType()}), and either float targets
 * {@code [n, ...targetShape]} or integer class labels, with the classes' names where they are known
 * ({@link #classNames()}). Built from flat arrays without per-row copies (one copy in, so callers can
 * reuse their arrays).
 */
public final class Dataset {
    private final int rows;
    private final int[] exampleShape;
    /** Float inputs, or null when the inputs are {@link #ids}. */
    private final float[] x;
    /** Int32 inputs, or null when the inputs are floats. */
    private final int[] ids;
    private final int[] targetShape;
    private final float[] y;
    private final int[] labels;
    /** The name of each class by label, or empty when not known. */
    private final List<String> classNames;

    private Dataset(int rows, int[] exampleShape, float[] x, int[] targetShape, float[] y, int[] labels) {
        this(rows, exampleShape, x, null, targetShape, y, labels);
    }

    private Dataset(int rows, int[] exampleShape, float[] x, int[] ids, int[] targetShape, float[] y, int[] labels) {
        this(rows, exampleShape, x, ids, targetShape, y, labels, List.of());
    }

    private Dataset(int rows, int[] exampleShape, float[] x, int[] ids, int[] targetShape, float[] y, int[] labels,
                    List<String> classNames) {
        this.rows = rows;
        this.exampleShape = exampleShape;
        this.x = x;
        this.ids = ids;
        this.targetShape = targetShape;
        this.y = y;
        this.labels = labels;
        this.classNames = classNames;
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
        return new Dataset(rows, new int[] {features}, flatten(x, features, "x"), new int[] {targets}, flatten(y, targets, "y"),
                null);
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
        checkLabels(labels);
        int features = width(x, "x");
        return new Dataset(rows, new int[] {features}, flatten(x, features, "x"), null, null, labels.clone());
    }

    /**
     * A classification data set from a flat row-major {@code x} of {@code labels.length} rows of
     * {@code features} values.
     *
     * @throws IllegalArgumentException if the sizes disagree, a label is negative, or a value is not
     *     finite
     */
    public static Dataset of(float[] x, int features, int[] labels) {
        return of(x, labels, features);
    }

    /**
     * A classification data set of examples with any shape, e.g. images
     * {@code Dataset.of(pixels, labels, 1, 28, 28)}: {@code x} holds {@code labels.length} examples of
     * {@code exampleShape}, row-major (PyTorch's {@code [n, channels, height, width]}).
     *
     * @throws IllegalArgumentException if the sizes disagree, a label is negative, or a value is not
     *     finite
     */
    public static Dataset of(float[] x, int[] labels, int... exampleShape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        int[] shape = checkShape(exampleShape, "example");
        checkSize(x, labels.length, shape, "x", labels.length + " labels");
        checkLabels(labels);
        return new Dataset(labels.length, shape, x.clone(), null, null, labels.clone());
    }

    /**
     * A data set of float targets with any shapes: {@code x} holds {@code n} examples of
     * {@code exampleShape} and {@code y} the {@code n} targets of {@code targetShape}, both row-major.
     *
     * @throws IllegalArgumentException if the sizes disagree or a value is not finite
     */
    public static Dataset of(float[] x, int[] exampleShape, float[] y, int... targetShape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        int[] in = checkShape(exampleShape, "example");
        int[] out = checkShape(targetShape, "target");
        long perExample = values(in, "example");
        values(out, "target");
        int n = (int) (x.length / perExample);
        checkSize(x, n, in, "x", "");
        checkSize(y, n, out, "y", n + " examples");
        return new Dataset(n, in, x.clone(), out, y.clone(), null);
    }

    /**
     * A classification data set of int32 inputs, e.g. {@code n} sequences of token ids for an embedding:
     * {@code x} holds {@code labels.length} examples of {@code exampleShape}, row-major.
     *
     * @throws IllegalArgumentException if the sizes disagree or a label is negative
     */
    public static Dataset of(int[] x, int[] exampleShape, int[] labels) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        int[] shape = checkShape(exampleShape, "example");
        checkCount(x.length, labels.length, shape, "x", labels.length + " labels");
        checkLabels(labels);
        return new Dataset(labels.length, shape, null, x.clone(), null, null, labels.clone());
    }

    /**
     * A data set of int32 inputs and float targets: {@code x} holds {@code n} examples of {@code exampleShape}
     * and {@code y} the {@code n} targets of {@code targetShape}, both row-major.
     *
     * @throws IllegalArgumentException if the sizes disagree or a target is not finite
     */
    public static Dataset of(int[] x, int[] exampleShape, float[] y, int... targetShape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        int[] in = checkShape(exampleShape, "example");
        int[] out = checkShape(targetShape, "target");
        int n = (int) (x.length / values(in, "example"));
        values(out, "target");
        checkCount(x.length, n, in, "x", "");
        checkSize(y, n, out, "y", n + " examples");
        return new Dataset(n, in, null, x.clone(), out, y.clone(), null);
    }

    /** A data set from tensors: {@code x} {@code [n, ...]} (float, or int32 token ids) and float targets {@code y} {@code [n, ...]}. */
    public static Dataset of(Tensor x, Tensor y) {
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

    private static int[] checkShape(int[] shape, String what) {
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

    private static void checkLabels(int[] labels) {
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

    /** Number of examples. */
    public int size() {
        return rows;
    }

    /** The shape of one example, e.g. {@code [784]} or {@code [1, 28, 28]}; a copy. */
    public int[] exampleShape() {
        return exampleShape.clone();
    }

    /** Input values per example (the product of {@link #exampleShape()}). */
    public int features() {
        return (x != null ? x.length : ids.length) / rows;
    }

    /** The inputs' element type: float32, or int32 for ids. */
    public DType inputType() {
        return x != null ? DType.FLOAT32 : DType.INT32;
    }

    /** The shape of one float target, e.g. {@code [1]}; {@code [1]} for labelled data too. */
    public int[] targetShape() {
        return targetShape == null ? new int[] {1} : targetShape.clone();
    }

    /**
     * Target values per example: the float targets' count, or the labels per example (1, or one per position of
     * a sequence labelled by {@link #withLabels}); 1 with no targets.
     */
    public int targets() {
        return y != null ? y.length / rows : labels != null ? labels.length / rows : 1;
    }

    /** True when the examples have targets (float values or labels); {@link #ofTokens} data has none until {@link #withLabels}. */
    public boolean hasTargets() {
        return y != null || labels != null;
    }

    /**
     * {@code n = tokens.length / seqLen} sequences of {@code seqLen} int32 token ids (the rest dropped), with no
     * targets yet: give them with {@link #withLabels}, one class per sequence or one per position.
     *
     * @throws IllegalArgumentException if {@code seqLen < 1} or there is not one whole sequence
     */
    public static Dataset ofTokens(int[] tokens, int seqLen) {
        Objects.requireNonNull(tokens, "tokens");
        if (seqLen < 1 || tokens.length < seqLen) {
            throw new IllegalArgumentException("Dataset.ofTokens: " + tokens.length + " tokens make no sequence of " + seqLen
                    + "; give seqLen from 1 to the number of tokens");
        }
        int n = tokens.length / seqLen;
        return new Dataset(n, new int[] {seqLen}, null, Arrays.copyOf(tokens, n * seqLen), null, null, null, List.of());
    }

    /**
     * A copy with class labels: one per example ({@code labels.length == size()}), or one per position of each
     * sequence ({@code size() * T} labels for examples of shape {@code [T, ...]}, a language model's next tokens),
     * which a net whose output is {@code [T, classes]} takes with {@code crossEntropy()}.
     *
     * @throws IllegalArgumentException if the count fits neither or a label is negative
     */
    public Dataset withLabels(int[] labels) {
        Objects.requireNonNull(labels, "labels");
        checkLabels(labels);
        if (labels.length == rows) {
            return new Dataset(rows, exampleShape, x, ids, null, null, labels.clone(), List.of());
        }
        if (labels.length == (long) rows * exampleShape[0]) {
            return new Dataset(rows, exampleShape, x, ids, new int[] {exampleShape[0]}, null, labels.clone(), List.of());
        }
        throw new IllegalArgumentException("withLabels: " + labels.length + " labels fit neither " + rows + " examples nor their "
                + (long) rows * exampleShape[0] + " positions (" + rows + " x " + exampleShape[0] + ")");
    }

    /** True when targets are integer class labels rather than float values. */
    public boolean hasLabels() {
        return labels != null;
    }

    /**
     * A copy of the inputs, one row per example (an image's pixels flattened).
     *
     * @throws IllegalStateException for int32 inputs; use {@link #xIds()}
     */
    public float[][] x() {
        return unflatten(floats(), features());
    }

    /**
     * A copy of the inputs as one row-major array ({@code size() * features()} values).
     *
     * @throws IllegalStateException for int32 inputs; use {@link #xIds()}
     */
    public float[] xRowMajor() {
        return floats().clone();
    }

    /**
     * A copy of int32 inputs as one row-major array.
     *
     * @throws IllegalStateException for float inputs; use {@link #xRowMajor()}
     */
    public int[] xIds() {
        if (ids == null) {
            throw new IllegalStateException("this data set holds float32 inputs, not int32 ids; call xRowMajor()");
        }
        return ids.clone();
    }

    private float[] floats() {
        if (x == null) {
            throw new IllegalStateException("this data set holds int32 ids, not float32 inputs; call xIds()");
        }
        return x;
    }

    /** The inputs as a tensor {@code [n, ...exampleShape]}, of their own element type. */
    public Tensor xTensor() {
        int[] shape = new int[exampleShape.length + 1];
        shape[0] = rows;
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        return x != null ? Tensor.wrap(x.clone(), shape) : Tensor.ofInts(ids, shape);
    }

    /**
     * A copy of the float targets, one row per example.
     *
     * @throws IllegalStateException for labelled data; use {@link #labels()}
     */
    public float[][] y() {
        if (y == null) {
            throw new IllegalStateException("this data set holds class labels, not float targets; call labels()");
        }
        return unflatten(y, targets());
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
     * The same examples with another example shape holding as many values, e.g. {@code reshape(784)}
     * for an MLP over {@code [1, 28, 28]} images (PyTorch's {@code x.view(-1, 784)}). The values are
     * shared, not copied.
     *
     * @throws IllegalArgumentException if the shape holds a different number of values per example
     */
    public Dataset reshape(int... exampleShape) {
        int[] shape = checkShape(exampleShape, "example");
        long per = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        if (per != features()) {
            throw new IllegalArgumentException("reshape" + Arrays.toString(shape).replace('[', '(').replace(']', ')') + ": "
                    + Arrays.toString(this.exampleShape) + " examples hold " + features() + " values, not " + per);
        }
        return new Dataset(rows, shape, x, ids, targetShape, y, labels, classNames);
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
        int features = features();
        int targets = targets();
        float[] sx = x == null ? null : new float[n * features];
        int[] si = ids == null ? null : new int[n * features];
        float[] sy = y == null ? null : new float[n * targets];
        int per = targets();
        int[] sl = labels == null ? null : new int[n * per];
        for (int i = 0; i < n; i++) {
            int r = indices[from + i];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("subset: index " + r + " is outside 0.." + (rows - 1));
            }
            System.arraycopy(x != null ? x : ids, r * features, x != null ? sx : si, i * features, features);
            if (sy != null) {
                System.arraycopy(y, r * targets, sy, i * targets, targets);
            } else if (sl != null) {
                System.arraycopy(labels, r * per, sl, i * per, per);
            }
        }
        return new Dataset(n, exampleShape, sx, si, targetShape, sy, sl, classNames);
    }

    /**
     * The first {@code n} examples, in order (PyTorch's {@code Subset(data, range(n))}): a smaller set to
     * try a net on quickly.
     *
     * @throws IllegalArgumentException if {@code n} is less than 1 or more than {@link #size()}
     */
    public Dataset take(int n) {
        if (n < 1 || n > rows) {
            throw new IllegalArgumentException("take(" + n + "): the data set has " + rows + " examples; take 1.." + rows
                    + (n > rows ? ", or use the whole set" : ""));
        }
        int features = features();
        return new Dataset(n, exampleShape, x == null ? null : Arrays.copyOf(x, n * features),
                ids == null ? null : Arrays.copyOf(ids, n * features), targetShape,
                y == null ? null : Arrays.copyOf(y, n * targets()), labels == null ? null : Arrays.copyOf(labels, n * targets()),
                classNames);
    }

    /**
     * A seeded random split into training and test examples: a permutation of the examples drawn from
     * {@code seed}, the last {@code round(testShare * size())} of it held out as {@code test}, the rest
     * as {@code train}, each in permuted order. These are the examples {@code Fit.validationSplit(testShare)}
     * holds out when the model's seed is {@code seed}.
     *
     * @throws IllegalArgumentException if {@code testShare} is not between 0 and 1 or leaves a part empty
     */
    public Split split(double testShare, long seed) {
        String call = "split(" + testShare + ", " + seed + ")";
        if (!(testShare > 0 && testShare < 1)) {
            throw new IllegalArgumentException(call + ": the test share must be between 0 and 1, e.g. 0.2 for 20%");
        }
        return split(testShare, seed, call);
    }

    /** {@link #split(double, long)}, naming {@code call} in its error (fit's validationSplit uses it too). */
    Split split(double share, long seed, String call) {
        int n = rows;
        int held = (int) Math.round(n * share);
        if (held < 1 || held >= n) {
            throw new IllegalArgumentException(call + ": of " + n + " examples that holds out " + held
                    + "; both parts need at least one" + (n < 2 ? ", so a split needs two or more examples"
                    : ": give a share that holds out 1 to " + (n - 1) + " of them"));
        }
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5eed5eedL);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return new Split(subset(order, 0, n - held), subset(order, n - held, n));
    }

    /**
     * Training and test examples from {@link #split(double, long)}.
     *
     * @param train the examples to train on
     * @param test the held-out examples, e.g. for {@code Fit.validation(test)} or {@code evaluate}
     */
    public record Split(Dataset train, Dataset test) {
        /** @throws NullPointerException if a part is null */
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
        }
    }

    /**
     * The name of each class by label, e.g. {@code ["cat", "dog"]} for labels 0 and 1, so that
     * {@code classNames().get(model.predictClasses(x)[i])} names a prediction; empty when the names are
     * not known. {@code Csv} label columns, {@code ImageFolder} and {@code Mnist} set them; subsets,
     * {@link #take}, {@link #split} and {@link #reshape} keep them.
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * The same examples with names for their classes: {@code names.get(label)} names {@code label}.
     *
     * @throws IllegalStateException if this data set holds float targets, not class labels
     * @throws IllegalArgumentException if a name is repeated or blank, or a label has no name
     */
    public Dataset withClassNames(List<String> names) {
        Objects.requireNonNull(names, "names");
        if (labels == null) {
            throw new IllegalStateException("withClassNames: this data set holds float targets, not class labels;"
                    + " class names belong to labelled data (Dataset.of(x, labels))");
        }
        List<String> copy = List.copyOf(names);
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
        int max = maxLabel();
        if (max >= copy.size()) {
            throw new IllegalArgumentException("withClassNames: " + copy.size() + " names for labels 0.." + (copy.size() - 1)
                    + " but the data holds label " + max + "; give a name for each label up to " + max);
        }
        return new Dataset(rows, exampleShape, x, ids, targetShape, y, labels, copy);
    }

    /** {@link #withClassNames(List)} with the names in order of their labels. */
    public Dataset withClassNames(String... names) {
        Objects.requireNonNull(names, "names");
        return withClassNames(Arrays.asList(names));
    }

    /** The flat row-major float inputs (null for ids), not copied: callers in this package must not modify it. */
    float[] xData() {
        return x;
    }

    /** The flat row-major int32 inputs (null for floats), not copied. */
    int[] idData() {
        return ids;
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

    /** The class names for toString: empty, or the first ten of them. */
    private String names() {
        if (classNames.isEmpty()) {
            return "";
        }
        return " " + (classNames.size() <= 10 ? classNames.toString()
                : classNames.subList(0, 10).toString().replace("]", ", ... " + (classNames.size() - 10) + " more]"));
    }

    @Override
    public String toString() {
        String in = exampleShape.length == 1 ? Integer.toString(exampleShape[0]) : Arrays.toString(exampleShape);
        return "Dataset[" + rows + " x " + in + (ids != null ? " int32" : "") + (labels != null ? ", labels" + names() : " -> " + (targetShape.length == 1
                ? Integer.toString(targetShape[0]) : Arrays.toString(targetShape))) + "]";
    }
}
