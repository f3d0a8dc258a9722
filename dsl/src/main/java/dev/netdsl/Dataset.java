package dev.netdsl;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable set of examples: inputs {@code x} of shape {@code [n, ...exampleShape]}, float32 values
 * or int32 ids (token ids for an embedding, {@link #inputType()}), and either float targets
 * {@code [n, ...targetShape]} or integer class labels, with the classes' names where they are known
 * ({@link #classNames()}). Built from flat arrays without per-row copies (one copy in, so callers can
 * reuse their arrays).
 */
public final class Dataset {
    final int rows;
    final int[] exampleShape;
    /** Float inputs, or null when the inputs are {@link #ids}. */
    final float[] x;
    /** Int32 inputs, or null when the inputs are floats. */
    final int[] ids;
    final int[] targetShape;
    final float[] y;
    final int[] labels;
    /** The name of each class by label, or empty when not known. */
    final List<String> classNames;

    /** The arrays are the data set's own from here on: nothing else may change them. */
    Dataset(int rows, int[] exampleShape, float[] x, int[] ids, int[] targetShape, float[] y, int[] labels,
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
        return DatasetFactory.of(x, y);
    }

    /**
     * A classification data set: row {@code i} of {@code x} has class {@code labels[i]} (0-based).
     *
     * @throws IllegalArgumentException if {@code x} is empty or ragged, the counts differ, a label is
     *     negative, or a value is NaN or infinite
     */
    public static Dataset of(float[][] x, int[] labels) {
        return DatasetFactory.of(x, labels);
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
        return DatasetFactory.of(x, labels, exampleShape);
    }

    /**
     * A data set of float targets with any shapes: {@code x} holds {@code n} examples of
     * {@code exampleShape} and {@code y} the {@code n} targets of {@code targetShape}, both row-major.
     *
     * @throws IllegalArgumentException if the sizes disagree or a value is not finite
     */
    public static Dataset of(float[] x, int[] exampleShape, float[] y, int... targetShape) {
        return DatasetFactory.of(x, exampleShape, y, targetShape);
    }

    /**
     * A classification data set of int32 inputs, e.g. {@code n} sequences of token ids for an embedding:
     * {@code x} holds {@code labels.length} examples of {@code exampleShape}, row-major.
     *
     * @throws IllegalArgumentException if the sizes disagree or a label is negative
     */
    public static Dataset of(int[] x, int[] exampleShape, int[] labels) {
        return DatasetFactory.of(x, exampleShape, labels);
    }

    /**
     * A data set of int32 inputs and float targets: {@code x} holds {@code n} examples of {@code exampleShape}
     * and {@code y} the {@code n} targets of {@code targetShape}, both row-major.
     *
     * @throws IllegalArgumentException if the sizes disagree or a target is not finite
     */
    public static Dataset of(int[] x, int[] exampleShape, float[] y, int... targetShape) {
        return DatasetFactory.of(x, exampleShape, y, targetShape);
    }

    /** A data set from tensors: {@code x} {@code [n, ...]} (float, or int32 token ids) and float targets {@code y} {@code [n, ...]}. */
    public static Dataset of(Tensor x, Tensor y) {
        return DatasetFactory.of(x, y);
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
        return DatasetFactory.ofTokens(tokens, seqLen);
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
        DatasetFactory.checkLabels(labels);
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
        return DatasetFactory.unflatten(floats(), features());
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
        return DatasetFactory.unflatten(y, targets());
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
        int[] shape = DatasetFactory.checkShape(exampleShape, "example");
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
        return DatasetRows.subset(this, indices, 0, indices.length);
    }

    /**
     * The first {@code n} examples, in order (PyTorch's {@code Subset(data, range(n))}): a smaller set to
     * try a net on quickly.
     *
     * @throws IllegalArgumentException if {@code n} is less than 1 or more than {@link #size()}
     */
    public Dataset take(int n) {
        return DatasetRows.take(this, n);
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
        return DatasetRows.split(this, testShare, seed, call);
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
        DatasetFactory.checkClassNames(copy, DatasetRows.maxLabel(this));
        return new Dataset(rows, exampleShape, x, ids, targetShape, y, labels, copy);
    }

    /** {@link #withClassNames(List)} with the names in order of their labels. */
    public Dataset withClassNames(String... names) {
        Objects.requireNonNull(names, "names");
        return withClassNames(Arrays.asList(names));
    }

    @Override
    public String toString() {
        return DatasetRows.describe(this);
    }
}
