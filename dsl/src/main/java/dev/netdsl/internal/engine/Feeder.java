package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.DType;
import dev.netdsl.Dataset;
import dev.netdsl.Net;
import dev.netdsl.Tensor;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.training.Targets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt32;

/**
 * The one place where data becomes TensorFlow tensors for a {@link NetGraph}: checks that a data set
 * fits the net, and feeds its inputs (and targets) into a session run. Close it to free the tensors.
 */
public final class Feeder implements AutoCloseable {
    private final NetGraph graph;
    private final org.tensorflow.Tensor x;
    private final org.tensorflow.Tensor y;
    private final int rows;

    private Feeder(NetGraph graph, org.tensorflow.Tensor x, org.tensorflow.Tensor y, int rows) {
        this.graph = graph;
        this.x = x;
        this.y = y;
        this.rows = rows;
    }

    /** The inputs and, if {@code targets}, the targets of {@code data}, as tensors. */
    static Feeder of(NetGraph graph, Dataset data, boolean targets) {
        org.tensorflow.Tensor x = inputs(graph, access().xData(data), access().idData(data), shape(data.size(), data.exampleShape()));
        try {
            org.tensorflow.Tensor y = null;
            if (targets) {
                y = data.hasLabels() ? TInt32.tensorOf(data.targets() == 1 ? Shape.of(data.size())
                        : Shape.of(shape(data.size(), data.targetShape())), DataBuffers.of(access().labelData(data), true, false))
                        : TfRuntime.tensor(access().yData(data), shape(data.size(), data.targetShape()));
            }
            return new Feeder(graph, x, y, data.size());
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
    }

    /** Rows of a matrix, written straight into the tensor. */
    static Feeder of(NetGraph graph, float[][] rows) {
        return new Feeder(graph, TfRuntime.tensor(rows, rows[0].length), null, rows.length);
    }

    /** A tensor's values. */
    static Feeder of(NetGraph graph, Tensor t) {
        long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
        return new Feeder(graph, inputs(graph, access().intData(t) == null ? access().data(t) : null, access().intData(t), shape), null, t.shape()[0]);
    }

    /** Float inputs, or int32 ids fed as the net's integer type (int32, or int64 for an int64 input). */
    private static org.tensorflow.Tensor inputs(NetGraph graph, float[] floats, int[] ids, long[] shape) {
        if (floats != null) {
            return TfRuntime.tensor(floats, shape);
        }
        if (graph.net.inputType() == DType.INT64) {
            long[] wide = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                wide[i] = ids[i];
            }
            return org.tensorflow.types.TInt64.tensorOf(Shape.of(shape), DataBuffers.of(wide, true, false));
        }
        return TInt32.tensorOf(Shape.of(shape), DataBuffers.of(ids, true, false));
    }

    private static long[] shape(int n, int[] example) {
        long[] out = new long[example.length + 1];
        out[0] = n;
        for (int i = 0; i < example.length; i++) {
            out[i + 1] = example[i];
        }
        return out;
    }

    /** {@code runner} with the inputs (and targets, if any) fed. */
    Session.Runner into(Session.Runner runner) {
        runner.feed(graph.x, x);
        if (y != null) {
            runner.feed(graph.y, y);
        }
        return runner;
    }

    /** {@code runner} with the inputs fed to {@code xIn} and the targets to {@code yIn} (a fused loop's feeds). */
    Session.Runner into(Session.Runner runner, org.tensorflow.op.core.Placeholder<?> xIn,
                        org.tensorflow.op.core.Placeholder<?> yIn) {
        return runner.feed(xIn, x).feed(yIn, y);
    }

    /** The number of examples. */
    int rows() {
        return rows;
    }

    @Override
    public void close() {
        x.close();
        if (y != null) {
            y.close();
        }
    }

    /**
     * Checks that {@code data} fits {@code net}: its example shape, and targets of the kind and shape
     * the loss takes (labels in range for a classifier).
     *
     * @throws IllegalArgumentException saying what does not fit and how to fix it
     */
    static void check(String action, Net net, Dataset data) {
        Objects.requireNonNull(data, "data");
        checkType(action, net, data.inputType(), "Dataset.of(int[] ids, ...)");
        int[] in = net.inputShape();
        if (!Arrays.equals(data.exampleShape(), in)) {
            String got = data.exampleShape().length == 1 ? data.features() + " features per row" : "examples of shape "
                    + Arrays.toString(data.exampleShape());
            String want = in.length == 1 ? Integer.toString(in[0]) : "examples of shape " + Arrays.toString(in);
            // The same values in another shape (images for an MLP, vectors for a CNN) only need a reshape.
            boolean sameSize = Arrays.stream(in).asLongStream().reduce(1, (a, b) -> a * b) == data.features();
            throw new IllegalArgumentException(action + ": the data has " + got + " but " + net + " takes " + want
                    + (sameSize ? "; the values fit: reshape the data with data.reshape(" + dims(in) + ")"
                    : "; match the net's input to the data"));
        }
        Targets kind = net.loss().map(l -> l.targets()).orElse(Targets.VALUES);
        int[] out = net.outputShape();
        if (!data.hasTargets()) {
            throw new IllegalArgumentException(action + ": the data has no targets; give it labels with data.withLabels(...)"
                    + " or build it with targets");
        }
        if (kind == Targets.CLASSES) {
            if (!data.hasLabels()) {
                throw new IllegalArgumentException(action + ": " + net.loss().get() + " needs integer class labels but the data"
                        + " holds float targets; build it with Dataset.of(x, labels)");
            }
            int classes = out[out.length - 1];
            int perExample = out.length == 1 ? 1 : out[0];
            if (data.targets() != perExample) {
                throw new IllegalArgumentException(action + ": the data has " + data.targets() + " label" + (data.targets() == 1 ? ""
                        : "s") + " per example but " + net + " gives " + (out.length == 1 ? "one class" : out[0] + " positions of "
                        + classes + " classes") + " per example; " + (out.length == 1 ? "label each example once"
                        : "label every position: data.withLabels(labels of " + out[0] + " per example)"));
            }
            if (access().maxLabel(data) >= classes) {
                throw new IllegalArgumentException(action + ": label " + access().maxLabel(data) + " is out of range for " + classes
                        + " classes (" + net + "); labels must be 0.." + (classes - 1));
            }
            return;
        }
        String lossName = net.loss().map(l -> l.typeName()).orElse("this net");
        if (data.hasLabels()) {
            throw new IllegalArgumentException(action + ": the data holds class labels but " + lossName
                    + " needs float targets with " + Arrays.stream(out).reduce(1, (a, b) -> a * b) + " columns");
        }
        if (!Arrays.equals(data.targetShape(), out)) {
            String got = data.targetShape().length == 1 ? data.targets() + " target columns" : "targets of shape "
                    + Arrays.toString(data.targetShape());
            String want = out.length == 1 ? Integer.toString(out[0]) : "outputs of shape " + Arrays.toString(out);
            throw new IllegalArgumentException(action + ": the data has " + got + " but " + net + " produces " + want
                    + "; match the net's output size to the targets");
        }
    }

    /** Checks that data of {@code type} fits {@code net}'s inputs: floats for float nets, int32 ids for integer ones. */
    private static void checkType(String action, Net net, DType type, String howInts) {
        if (type.isInteger() != net.inputType().isInteger()) {
            throw new IllegalArgumentException(action + ": the data holds " + type.fileName() + " values but " + net + " takes "
                    + net.inputType().fileName() + (net.inputType().isInteger() ? "; give it int32 ids with " + howInts
                    : "; give it float values, or declare integer inputs with .input(DType.INT32, ...)"));
        }
    }

    /** Checks rows for {@code predict}: some, none ragged, each as wide as the net's input. */
    public static void checkRows(Net net, float[][] x) {
        Objects.requireNonNull(x, "x");
        checkType("predict", net, DType.FLOAT32, "a Tensor.ofInts(ids, n, ...) to predict(Tensor)");
        int in = net.inputSize();
        if (x.length == 0) {
            throw new IllegalArgumentException("predict: x has no rows; pass at least one row of " + in + " features");
        }
        if (net.inputShape().length != 1) {
            throw new IllegalArgumentException("predict: " + net + " takes examples of shape " + Arrays.toString(net.inputShape())
                    + "; pass a Tensor of shape [n, " + String.join(", ", Arrays.stream(net.inputShape())
                    .mapToObj(Integer::toString).toList()) + "]");
        }
        List<String> bad = new ArrayList<>();
        for (int r = 0; r < x.length && bad.isEmpty(); r++) {
            if (x[r] == null || x[r].length != in) {
                bad.add("row " + r + " has " + (x[r] == null ? "no array" : x[r].length + " features"));
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("predict: " + bad.get(0) + " but the net takes " + in + " (" + net + ")");
        }
    }

    /** Checks a tensor for {@code predict}: {@code [n, ...inputShape]} with n at least 1. */
    public static void checkTensor(Net net, Tensor x) {
        Objects.requireNonNull(x, "x");
        checkType("predict", net, x.dtype(), "Tensor.ofInts(ids, n, ...)");
        int[] shape = x.shape();
        int[] in = net.inputShape();
        if (shape.length != in.length + 1 || shape[0] < 1 || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), in)) {
            boolean sameSize = shape.length > 0 && shape[0] >= 1 && Arrays.stream(in).asLongStream().reduce(1, (a, b) -> a * b)
                    * shape[0] == x.size();
            throw new IllegalArgumentException("predict: x has shape " + Arrays.toString(shape) + " but " + net
                    + " takes [n, " + dims(in) + "] with n >= 1" + (sameSize ? "; the values fit: "
                    + (x.dtype() == DType.INT32 ? "Tensor.ofInts(x.ints(), " : "Tensor.of(x.values(), ") + shape[0] + ", " + dims(in)
                    + ") reshapes them (or data.reshape(" + dims(in) + ").xTensor())" : ""));
        }
    }

    /** A shape as call arguments: {@code 1, 28, 28}. */
    private static String dims(int[] shape) {
        return String.join(", ", Arrays.stream(shape).mapToObj(Integer::toString).toList());
    }
}
