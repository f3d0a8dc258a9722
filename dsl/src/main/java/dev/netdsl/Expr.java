package dev.netdsl;

import dev.netdsl.internal.Node;
import dev.netdsl.internal.Nodes;
import dev.netdsl.internal.OpCode;
import dev.netdsl.internal.Shapes;
import dev.netdsl.internal.Types;
import java.util.Arrays;
import java.util.Objects;

/**
 * A symbolic tensor: an immutable expression over variables, inputs, a layer's parameters and
 * constants, with fluent math like PyTorch's tensor methods. Its element type ({@link #dtype()}) is
 * float32, or int32/int64 for indices such as token ids, which take exact arithmetic, comparisons,
 * reshapes, {@link #gather} and {@link #oneHot} (float math on them fails, naming {@link #cast}). Shapes are checked in Java as the
 * expression is written, so a mismatch fails here, with both shapes in the message, and never inside
 * TensorFlow. An {@code Expr} is compiled to a graph by whatever owns its leaves (an
 * {@link dev.netdsl.autograd.Autograd}, or a model compiling its layers' forward passes); equal
 * expressions compile to the same ops.
 *
 * <p>Dimensions are {@code long}s; {@code -1} stands for a size only known at run time (a batch).
 */
public class Expr extends AbstractExpr {
    // The element-wise math (arithmetic and comparisons, unary functions and activations, softmax and the
    // cross-entropies) is declared in AbstractExpr, with the node every expression wraps; it is Expr's API all the same.
    static {
        Nodes.install(new Nodes.Access() {
            @Override
            public Node node(Expr e) {
                return e.node;
            }

            @Override
            public Expr expr(Node node) {
                return new Expr(node);
            }
        });
    }

    Expr(Node node) {
        super(node);
    }

    /**
     * A leaf whose value whoever compiles the expression supplies (an Autograd's variables and inputs
     * are such leaves).
     */
    protected Expr(long[] shape) {
        super(new Node(OpCode.LEAF, shape.clone(), new Expr[0], null, 0, null));
    }

    /** A constant scalar. */
    public static Expr scalar(double value) {
        return node(OpCode.CONST, new long[0], new Expr[0], new float[] {(float) value}, 0);
    }

    /** A constant int32 scalar (an index, a padding id). */
    public static Expr intScalar(int value) {
        return new Expr(new Node(OpCode.CONST, new long[0], new Expr[0], null, 0, new int[] {value}, DType.INT32));
    }

    /**
     * A constant int32 tensor of any shape from row-major {@code values}.
     *
     * @throws IllegalArgumentException if the shape's size differs from the number of values
     */
    public static Expr constant(int[] values, long... shape) {
        return new Expr(new Node(OpCode.CONST, Shapes.constant(values.length, shape), new Expr[0], null, 0, values.clone(),
                DType.INT32));
    }

    /** A constant vector. */
    public static Expr constant(float... values) {
        Objects.requireNonNull(values, "values");
        return node(OpCode.CONST, new long[] {values.length}, new Expr[0], values.clone(), 0);
    }

    /**
     * A constant of any shape from row-major {@code values}.
     *
     * @throws IllegalArgumentException if the shape's size differs from the number of values
     */
    public static Expr constant(float[] values, long... shape) {
        return node(OpCode.CONST, Shapes.constant(values.length, shape), new Expr[0], values.clone(), 0);
    }

    /** The shape, outermost first; {@code -1} marks a size known only at run time. */
    public long[] shape() {
        return node.shape().clone();
    }

    /** The element type: float32, or int32/int64 for indices. */
    public DType dtype() {
        return node.dtype();
    }

    /** The number of dimensions (0 for a scalar). */
    public int rank() {
        return node.shape().length;
    }

    // ---- element types and indexing --------------------------------------------------------------------

    /** The same values as {@code type} ({@code tensor.to(dtype)}); float to int rounds toward zero. No gradient through ints. */
    public Expr cast(DType type) {
        Objects.requireNonNull(type, "type");
        return type == dtype() ? this : new Expr(new Node(OpCode.CAST, dims(), new Expr[] {this}, null, 0, null, type));
    }

    /**
     * Rows of this tensor (along dimension 0) at integer {@code indices} of any shape: {@code [V, ...rest]} at
     * {@code [...idx]} gives {@code [...idx, ...rest]}, an embedding lookup ({@code F.embedding(indices, this)},
     * {@code weight[indices]}). An index outside {@code [0, V)} fails when the graph runs.
     *
     * @throws IllegalArgumentException if this is a scalar or the indices are not integers
     */
    public Expr gather(Expr indices) {
        Objects.requireNonNull(indices, "indices");
        return node(OpCode.GATHER, "gather", Shapes.gather(this, dims(), indices.dims()), this, indices);
    }

    /**
     * These integer class indices as one-hot float rows of {@code depth} values ({@code F.one_hot}):
     * {@code [...]} gives {@code [..., depth]}; an index outside {@code [0, depth)} gives a row of zeros.
     *
     * @throws IllegalArgumentException if {@code depth < 1} or this is not an integer tensor
     */
    public Expr oneHot(int depth) {
        return new Expr(new Node(OpCode.ONE_HOT, Shapes.oneHot(dims(), depth), new Expr[] {this}, null, depth,
                null, Types.of(OpCode.ONE_HOT, "oneHot", this)));
    }

    /**
     * {@code this + bias} with a vector {@code bias} along the last dimension (TensorFlow's
     * {@code BiasAdd}: the same values as {@link #plus}, a cheaper gradient).
     *
     * @throws IllegalArgumentException unless {@code bias} is a vector as long as the last dimension
     */
    public Expr addBias(Expr bias) {
        Objects.requireNonNull(bias, "bias");
        return node(OpCode.BIAS_ADD, Shapes.bias(dims(), bias.dims()), this, bias);
    }

    // ---- linear algebra ----------------------------------------------------------------------------

    /**
     * Matrix product {@code this @ other} ({@code torch.matmul}): {@code [a, b] @ [b, c]}; a stack of
     * matrices {@code [..., a, b]} times one matrix {@code [b, c]} (a Linear over a sequence); or two stacks,
     * whose leading dimensions broadcast ({@code [B, H, T, D] @ [B, H, D, T]}, attention's scores).
     *
     * @throws IllegalArgumentException if either is not a matrix or the inner sizes differ
     */
    public Expr matmul(Expr other) {
        Objects.requireNonNull(other, "other");
        return node(OpCode.MATMUL, Shapes.matmul(dims(), other.dims()), this, other);
    }

    /** The transpose of a matrix (PyTorch's {@code .t()}). */
    public Expr t() {
        return node(OpCode.TRANSPOSE, Shapes.transpose(dims()), this);
    }

    /**
     * The dimensions reordered ({@code torch.permute}): dimension {@code i} of the result is dimension
     * {@code order[i]} of this.
     *
     * @throws IllegalArgumentException unless {@code order} is a permutation of this rank
     */
    public Expr permute(int... order) {
        long[] out = Shapes.permute(dims(), order);
        float[] perm = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            perm[i] = order[i];
        }
        return node(OpCode.PERMUTE, out, new Expr[] {this}, perm, 0);
    }

    // ---- convolutions and batch statistics (PyTorch's layout: [batch, channels, height, width]) ------

    /**
     * 2-D convolution ({@code F.conv2d}) of this {@code [N, C, H, W]} batch with {@code weight}
     * {@code [O, C, kH, kW]} and {@code bias} {@code [O]} (or null): {@code [N, O, H', W']} with
     * {@code H' = (H + 2 padH - kH) / strideH + 1}.
     *
     * @throws IllegalArgumentException if the shapes do not fit or the output would be empty
     */
    public Expr conv2d(Expr weight, Expr bias, int[] stride, int[] padding) {
        Objects.requireNonNull(weight, "weight");
        long[] out = Shapes.conv2d(dims(), weight.dims(), bias == null ? null : bias.dims(), stride, padding);
        Expr[] args = bias == null ? new Expr[] {this, weight} : new Expr[] {this, weight, bias};
        return node(OpCode.CONV2D, out, args, new float[] {stride[0], stride[1], padding[0], padding[1]}, 0);
    }

    /** Max pooling ({@code F.max_pool2d}) of this {@code [N, C, H, W]} batch, no padding, floor mode. */
    public Expr maxPool2d(int[] kernel, int[] stride) {
        return node(OpCode.MAX_POOL2D, Shapes.pool("maxPool2d", dims(), kernel, stride), new Expr[] {this},
                new float[] {kernel[0], kernel[1], stride[0], stride[1]}, 0);
    }

    /** Average pooling ({@code F.avg_pool2d}) of this {@code [N, C, H, W]} batch, no padding, floor mode. */
    public Expr avgPool2d(int[] kernel, int[] stride) {
        return node(OpCode.AVG_POOL2D, Shapes.pool("avgPool2d", dims(), kernel, stride), new Expr[] {this},
                new float[] {kernel[0], kernel[1], stride[0], stride[1]}, 0);
    }

    /**
     * Batch normalisation with the given per-channel statistics ({@code F.batch_norm} in eval mode):
     * {@code (x - mean) / sqrt(var + eps) * weight + bias} over dimension 1 of a {@code [N, C]} or
     * {@code [N, C, H, W]} batch; the four vectors have {@code C} values.
     */
    public Expr batchNorm(Expr weight, Expr bias, Expr mean, Expr variance, double eps) {
        long[] c = Shapes.channels("batchNorm", dims(), weight.dims(), bias.dims(), mean.dims(), variance.dims());
        return node(OpCode.BATCH_NORM, dims(), new Expr[] {this, weight, bias, mean, variance}, new float[] {(float) eps}, (int) c[0]);
    }

    /** Batch normalisation with this batch's own statistics (training mode; the variance is the biased one). */
    public Expr batchNormTrain(Expr weight, Expr bias, double eps) {
        Shapes.channels("batchNormTrain", dims(), weight.dims(), bias.dims());
        return node(OpCode.BATCH_NORM_TRAIN, dims(), new Expr[] {this, weight, bias}, new float[] {(float) eps}, 0);
    }

    /** The mean of each channel (dimension 1) over the rest of a {@code [N, C, ...]} batch: {@code [C]}. */
    public Expr batchMean() {
        return node(OpCode.BATCH_MEAN, new long[] {Shapes.channels("batchMean", dims())[0]}, this);
    }

    /** The unbiased variance of each channel (dimension 1) over the rest of a {@code [N, C, ...]} batch: {@code [C]}. */
    public Expr batchVariance() {
        return node(OpCode.BATCH_VARIANCE, new long[] {Shapes.channels("batchVariance", dims())[0]}, this);
    }

    // ---- sequences: slicing, joining, masking ------------------------------------------------------

    /**
     * The slice at {@code index} along {@code axis} (negative counts from the end), which is removed
     * ({@code x.select(axis, index)}; {@code x[:, t]} for {@code axis} 1).
     *
     * @throws IllegalArgumentException if the axis or index is out of range
     */
    public Expr select(int axis, int index) {
        long[] s = dims();
        int a = Shapes.select(s, axis, index);
        return node(OpCode.SELECT, Shapes.dropAxis("select", s, a), new Expr[] {this}, new float[] {a, index}, 0);
    }

    /**
     * {@code length} elements from {@code start} along {@code axis} ({@code x.narrow(axis, start, length)}).
     *
     * @throws IllegalArgumentException if the range is outside the axis
     */
    public Expr narrow(int axis, int start, int length) {
        long[] s = dims();
        int a = Shapes.narrow(s, axis, start, length);
        long[] out = s.clone();
        out[a] = length;
        return node(OpCode.NARROW, out, new Expr[] {this}, new float[] {a, start, length}, 0);
    }

    /** {@code parts} joined along {@code axis} ({@code torch.cat}); the other dimensions must agree. */
    public static Expr concat(int axis, Expr... parts) {
        long[] out = Shapes.join("concat", axis, false, Shapes.of(parts));
        return new Expr(new Node(OpCode.CONCAT, out, parts.clone(), null, Shapes.axis("concat", axis, out.length), null,
                Types.of(OpCode.CONCAT, "concat", parts)));
    }

    /** {@code parts} stacked along a new {@code axis} ({@code torch.stack}); their shapes must be equal. */
    public static Expr stack(int axis, Expr... parts) {
        long[] out = Shapes.join("stack", axis, true, Shapes.of(parts));
        return new Expr(new Node(OpCode.STACK, out, parts.clone(), null, Shapes.axis("stack", axis, out.length), null,
                Types.of(OpCode.STACK, "stack", parts)));
    }

    /** The same values with no gradient through them ({@code x.detach()}). */
    public Expr detach() {
        return new Expr(new Node(OpCode.STOP_GRADIENT, dims(), new Expr[] {this}, null, 0, null, dtype()));
    }

    /**
     * {@code ifTrue} where this mask is nonzero, else {@code ifFalse} ({@code torch.where}), broadcasting; the
     * gradient goes to the side chosen, so a {@code -inf} fill before a softmax masks positions out.
     */
    public Expr where(Expr ifTrue, Expr ifFalse) {
        Objects.requireNonNull(ifTrue, "ifTrue");
        Objects.requireNonNull(ifFalse, "ifFalse");
        long[] shape = Shapes.broadcast("where", Shapes.broadcast("where", dims(), ifTrue.dims()), ifFalse.dims());
        return new Expr(new Node(OpCode.WHERE, shape, new Expr[] {this, ifTrue, ifFalse}, null, 0, null,
                Types.of(OpCode.WHERE, "where", ifTrue, ifFalse)));
    }

    /**
     * Layer normalisation ({@code F.layer_norm}) over the last {@code dims} axes, with the biased variance:
     * {@code (x - mean) / sqrt(var + eps) * weight + bias}, {@code weight} and {@code bias} shaped like those axes.
     *
     * @throws IllegalArgumentException if the shapes do not fit
     */
    public Expr layerNorm(Expr weight, Expr bias, int dims, double eps) {
        long[] s = dims();
        Shapes.layerNorm(s, weight.dims(), bias.dims(), dims, eps);
        return new Expr(new Node(OpCode.LAYER_NORM, s, new Expr[] {this, weight, bias}, new float[] {(float) eps}, dims, null,
                Types.of(OpCode.LAYER_NORM, "layerNorm", this, weight, bias)));
    }

    // ---- reductions and indexing -------------------------------------------------------------------

    /** The sum of all elements (a scalar). */
    public Expr sum() {
        return node(OpCode.SUM, new long[0], this);
    }

    /** The mean of all elements (a scalar). */
    public Expr mean() {
        return node(OpCode.MEAN, new long[0], this);
    }

    /** The largest element (a scalar). */
    public Expr max() {
        return node(OpCode.MAX, new long[0], this);
    }

    /** The sum over {@code axis}, which is removed from the shape. */
    public Expr sum(int axis) {
        return node(OpCode.SUM_AXIS, dropAxis("sum", axis), new Expr[] {this}, null, axis);
    }

    /** The mean over {@code axis}, which is removed from the shape. */
    public Expr mean(int axis) {
        return node(OpCode.MEAN_AXIS, dropAxis("mean", axis), new Expr[] {this}, null, axis);
    }

    private long[] dropAxis(String name, int axis) {
        return Shapes.dropAxis(name, dims(), axis);
    }

    /**
     * Element {@code i} along the first dimension, like PyTorch's {@code x[i]}: a scalar from a
     * vector, a row from a matrix.
     *
     * @throws IllegalArgumentException for a scalar or an index outside the known size
     */
    public Expr at(int i) {
        return node(OpCode.AT, Shapes.at(dims(), i), new Expr[] {this}, null, i);
    }

    /**
     * The same elements in a new shape; one dimension may be {@code -1} (inferred).
     *
     * @throws IllegalArgumentException if the element counts differ
     */
    public Expr reshape(long... dims) {
        return node(OpCode.RESHAPE, Shapes.reshape(dims(), dims), this);
    }

    @Override
    public String toString() {
        return "Expr[" + node.op().fileName() + (dtype() == DType.FLOAT32 ? " " : " " + dtype().fileName() + " ")
                + Arrays.toString(node.shape()) + "]";
    }
}
