package dev.netdsl.internal;

import dev.netdsl.Expr;
import dev.netdsl.layers.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Turns {@link Expr} DAGs into graph ops in one place (a main graph or a loop body), with the leaves
 * bound to whatever operands that place provides ({@link Binder}). Equal expressions (same structure,
 * same leaves) are built once, however often they are rebuilt in Java; but each application of a layer
 * is its own, as each call of a PyTorch module is (a dropout applied twice draws two masks, a batch norm
 * applied twice updates its statistics twice).
 */
public final class ExprCompiler {

    /** Supplies the values of an expression's leaves, and expands layer applications. */
    public interface Binder {
        /** An Autograd variable or input. */
        default Operand<TFloat32> leaf(Expr leaf) {
            throw new IllegalArgumentException(leaf + " has no value here; it belongs to an Autograd, not to a model");
        }

        /** The model's input placeholder (float32, or int32 for token ids). */
        default Operand<?> modelInput() {
            throw new IllegalArgumentException("a model's forward pass can only be compiled inside its Model");
        }

        /** A layer's parameter or buffer. */
        default Operand<TFloat32> parameter(ParamRef ref) {
            throw new IllegalArgumentException(ref.layer() + "'s " + ref.name() + " has no value here");
        }

        /** A value bound by internal code. */
        default Operand<TFloat32> bound(Object key) {
            throw new IllegalStateException("no value bound for " + key);
        }

        /** {@code layer}'s forward pass over {@code x}, the {@code use}-th layer application compiled here. */
        default Expr expand(Layer layer, Expr x, int use) {
            throw new IllegalArgumentException(layer + ".apply(...) can only be compiled inside a Model built from"
                    + " Net.module(...) or Net.sequential(...)");
        }

        /**
         * Uniform [0, 1) noise of {@code shape} (-1 for the batch dimension), keyed by {@code salt} and the
         * current step.
         */
        default Operand<TFloat32> uniform(Ops tf, long[] shape, int salt) {
            throw new IllegalArgumentException("random noise (dropout) needs a model's training pass");
        }
    }

    private final Ops tf;
    private final Binder binder;
    /** Every node built so far, by structure. */
    private final Map<Key, Integer> ids = new HashMap<>();
    /** Each node's value as built: in PyTorch's logical layout, or (images) channels-last. */
    private final List<Value> values = new ArrayList<>();
    /** Each converted value: the logical layout of a channels-last value, or the other way round. */
    private final Map<Integer, Operand<?>> converted = new HashMap<>();
    /**
     * The slices of a node along one axis, by node id and axis, so every select(axis, i) of it shares one Unpack: one
     * op forward and one Pack in the gradient. (A Gather per slice has a gradient of the whole tensor each, summed: a
     * recurrence over T steps would add T tensors of T steps.)
     */
    private final Map<List<Integer>, List<Output<?>>> slices = new HashMap<>();
    /** The ids of the nodes of the expression being compiled. */
    private Map<Expr, Integer> current;
    private int applications;
    /** The layer whose forward pass is being built, or null. */
    private Layer expanding;
    /** The first layer whose training statistics need two values per channel, or null. */
    private String needsTwoValues;

    /**
     * A built value. Images are [N, C, H, W] for the user (PyTorch's layout) but TensorFlow's CPU kernels
     * want [N, H, W, C]; convolutions, pooling and batch norm produce channels-last values, element-wise
     * ops keep them so, and anything else gets the logical layout back through one transpose, made once
     * per value. A conv net thus transposes its input once and its features once before flattening.
     */
    private record Value(Operand<?> op, boolean channelsLast) {
    }

    /** A node's structure: its children by id, leaves (variables, inputs, layers, keys) by identity. */
    private static final class Key {
        final OpCode op;
        final long[] shape;
        final float[] values;
        final int index;
        final int[] args;
        final Object identity;
        final int hash;

        Key(Expr e, Node n, int[] args) {
            this.op = n.op();
            this.shape = n.shape();
            this.values = n.values();
            this.index = n.index();
            this.args = args;
            // Leaves and layer applications are themselves (one per Expr); parameters are equal by reference.
            this.identity = n.op() == OpCode.LEAF || n.op() == OpCode.APPLY ? e : n.ref() instanceof ParamRef p ? p : n.ref();
            this.hash = Objects.hash(op, index, identity instanceof ParamRef ? identity.hashCode() : System.identityHashCode(identity),
                    Arrays.hashCode(shape), Arrays.hashCode(values), Arrays.hashCode(args));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.op == op && k.index == index
                    && (k.identity == identity || identity instanceof ParamRef && identity.equals(k.identity))
                    && Arrays.equals(k.shape, shape) && Arrays.equals(k.values, values) && Arrays.equals(k.args, args);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    public ExprCompiler(Ops tf, Binder binder) {
        this.tf = tf;
        this.binder = binder;
    }

    /**
     * The first layer (its description) built so far whose batch statistics need more than one value per
     * channel (a batch norm in training over {@code [N, C]}, where one example gives a variance of 0/0), or null.
     */
    public String needsTwoValuesPerChannel() {
        return needsTwoValues;
    }

    /** The graph value of float32 {@code e}, built once per distinct structure. */
    public Operand<TFloat32> compile(Expr e) {
        if (e.dtype() != dev.netdsl.DType.FLOAT32) {
            throw new IllegalArgumentException(e + " is " + e.dtype().fileName() + " where float32 values are needed; convert it"
                    + " with .cast(DType.FLOAT32)");
        }
        return compileAny(e);
    }

    /** The graph value of {@code e}, of its own element type. */
    public <T extends TType> Operand<T> compileAny(Expr e) {
        boolean outer = current == null;
        if (outer) {
            current = new IdentityHashMap<>();
        }
        try {
            return logical(id(e));
        } finally {
            if (outer) {
                current = null;
            }
        }
    }

    private int id(Expr e) {
        Integer known = current.get(e);
        if (known != null) {
            return known;
        }
        Node n = Nodes.of(e);
        int[] args = new int[n.args().length];
        for (int i = 0; i < args.length; i++) {
            args[i] = id(n.args()[i]);
        }
        Key key = new Key(e, n, args);
        Integer id = ids.get(key);
        if (id == null) {
            Value built = build(e, n);
            id = values.size();
            values.add(built);
            ids.put(key, id);
        }
        current.put(e, id);
        return id;
    }

    // Values are built from checked expressions (Types), so each one has the element type its node says.
    @SuppressWarnings("unchecked")
    private <T extends TType> Operand<T> logical(int id) {
        Value v = values.get(id);
        return (Operand<T>) (v.channelsLast() ? converted.computeIfAbsent(id, k -> tf.linalg.transpose(v.op(),
                tf.constant(new int[] {0, 3, 1, 2}))) : v.op());
    }

    @SuppressWarnings("unchecked")
    private <T extends TType> Operand<T> channelsLast(int id) {
        Value v = values.get(id);
        return (Operand<T>) (v.channelsLast() ? v.op() : converted.computeIfAbsent(id, k -> tf.linalg.transpose(v.op(),
                tf.constant(new int[] {0, 2, 3, 1}))));
    }

    private <T extends TType> Operand<T> arg(Node n, int i) {
        return logical(current.get(n.args()[i]));
    }

    private int argId(Node n, int i) {
        return current.get(n.args()[i]);
    }

    private static final java.util.Set<OpCode> ELEMENTWISE = java.util.EnumSet.of(OpCode.NEG, OpCode.SQUARE, OpCode.SQRT,
            OpCode.EXP, OpCode.LOG, OpCode.ABS, OpCode.RELU, OpCode.TANH, OpCode.SIGMOID, OpCode.HARDTANH, OpCode.LEAKY_RELU,
            OpCode.ELU, OpCode.GELU, OpCode.SOFTPLUS, OpCode.ERF);
    private static final java.util.Set<OpCode> BROADCASTING = java.util.EnumSet.of(OpCode.ADD, OpCode.SUB, OpCode.MUL,
            OpCode.DIV, OpCode.POW, OpCode.MAXIMUM, OpCode.MINIMUM, OpCode.GREATER_EQUAL);

    private Value build(Expr e, Node n) {
        switch (n.op()) {
            case LEAF:
                return new Value(binder.leaf(e), false);
            case MODEL_INPUT:
                return new Value(binder.modelInput(), false);
            case CONST:
                if (n.ref() instanceof int[] ints) {
                    return new Value(n.shape().length == 0 ? tf.constant(ints[0]) : tf.placeholderWithDefault(
                            tf.constant(Shape.of(n.shape()), DataBuffers.of(ints, true, false)), Shape.of(n.shape())), false);
                }
                if (n.shape().length == 0) {
                    return new Value(tf.constant(n.values()[0]), false);
                }
                // Behind a PlaceholderWithDefault, which Grappler does not take for a constant: its constant push-down
                // rewrites Add(BiasAdd(M, V), C) to Add(BiasAdd(M, C), V) for any vector C, also one that only broadcasts
                // (C [1], V [4]), and the run then fails (docs/tensorflow-notes.md).
                return new Value(tf.placeholderWithDefault(tf.constant(Shape.of(n.shape()), DataBuffers.of(n.values(), true, false)),
                        Shape.of(n.shape())), false);
            case PARAM:
                return new Value(binder.parameter((ParamRef) n.ref()), false);
            case BOUND:
                return new Value(binder.bound(n.ref()), false);
            case APPLY: {
                // The layer's forward pass, compiled here; its value (and layout) is the application's.
                Layer outer = expanding;
                expanding = (Layer) n.ref();
                try {
                    Expr out = binder.expand((Layer) n.ref(), n.args()[0], applications++);
                    if (out.dtype() != n.dtype() || !Arrays.equals(out.shape(), n.shape())) {
                        throw new IllegalArgumentException(n.ref() + ": its forward pass gives " + out.dtype().fileName() + " "
                                + Arrays.toString(out.shape()) + " but its outputShape and outputType say " + n.dtype().fileName()
                                + " " + Arrays.toString(n.shape()) + "; make them agree");
                    }
                    return values.get(id(out));
                } finally {
                    expanding = outer;
                }
            }
            case CONV2D:
            case MAX_POOL2D:
            case AVG_POOL2D:
                return new Value(Images.build(tf, n, channelsLast(argId(n, 0)), n.args().length > 1 ? arg(n, 1) : null,
                        n.args().length > 2 ? arg(n, 2) : null), true);
            case BATCH_NORM:
                return batchNorm(n);
            case BATCH_NORM_TRAIN:
                twoValuesPerChannel(n);
                return batchNorm(n);
            case BATCH_VARIANCE:
                twoValuesPerChannel(n);
                // fall through
            case BATCH_MEAN:
                return new Value(Images.moments(tf, n, values.get(argId(n, 0)).channelsLast() ? channelsLast(argId(n, 0))
                        : arg(n, 0), values.get(argId(n, 0)).channelsLast()), false);
            default:
                break;
        }
        if (typed(n)) {
            return new Value(typedOp(n), false);
        }
        if (SEQUENCE.contains(n.op())) {
            return new Value(sequenceOp(n), false);
        }
        if (ELEMENTWISE.contains(n.op()) && values.get(argId(n, 0)).channelsLast()) {
            return new Value(compute(n, channelsLast(argId(n, 0)), null), true);
        }
        if (BROADCASTING.contains(n.op()) && keepsChannelsLast(n)) {
            return new Value(compute(n, physical(n, 0), physical(n, 1)), true);
        }
        return new Value(compute(n, arg(n, 0), n.args().length > 1 ? arg(n, 1) : null), false);
    }

    private static final java.util.Set<OpCode> TYPED = java.util.EnumSet.of(OpCode.CAST, OpCode.GATHER, OpCode.ONE_HOT,
            OpCode.EQUAL, OpCode.NOT_EQUAL, OpCode.LESS, OpCode.LESS_EQUAL, OpCode.GREATER);

    /** True for ops on (or to) integers and the comparisons: built in the logical layout by {@link #typedOp}. */
    private static boolean typed(Node n) {
        if (TYPED.contains(n.op()) || n.dtype() != dev.netdsl.DType.FLOAT32) {
            return true;
        }
        for (Expr a : n.args()) {
            if (a.dtype() != dev.netdsl.DType.FLOAT32) {
                return true;
            }
        }
        return false;
    }

    /** Ops that take or make integers, and comparisons (a float 0/1 mask, as {@link OpCode#GREATER_EQUAL}). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Operand<?> typedOp(Node n) {
        Operand a = arg(n, 0);
        Operand b = n.args().length > 1 ? arg(n, 1) : null;
        switch (n.op()) {
            case CAST: return tf.dtypes.cast(a, tfType(n.dtype()));
            case GATHER: return tf.gather(a, b, tf.constant(0));
            case ONE_HOT: return tf.oneHot(a, tf.constant(n.index()), tf.constant(1f), tf.constant(0f));
            case EQUAL: return mask(tf.math.equal(a, b));
            case NOT_EQUAL: return mask(tf.math.notEqual(a, b));
            case LESS: return mask(tf.math.less(a, b));
            case LESS_EQUAL: return mask(tf.math.lessEqual(a, b));
            case GREATER: return mask(tf.math.greater(a, b));
            case GREATER_EQUAL: return mask(tf.math.greaterEqual(a, b));
            case ADD: return tf.math.add(a, b);
            case SUB: return tf.math.sub(a, b);
            case MUL: return tf.math.mul(a, b);
            case MAXIMUM: return tf.math.maximum(a, b);
            case MINIMUM: return tf.math.minimum(a, b);
            case NEG: return tf.math.neg(a);
            case ABS: return tf.math.abs(a);
            case SQUARE: return tf.math.square(a);
            case TRANSPOSE: return tf.linalg.transpose(a, tf.constant(new int[] {1, 0}));
            case PERMUTE: return tf.linalg.transpose(a, tf.constant(toInts(n.values())));
            case RESHAPE: return tf.reshape(a, tf.constant(toInts(n.shape())));
            case SUM: return rank(n, 0) == 0 ? a : tf.sum(a, allAxes(rank(n, 0)));
            case MAX: return rank(n, 0) == 0 ? a : tf.max(a, allAxes(rank(n, 0)));
            case SUM_AXIS: return tf.sum(a, tf.constant(n.index()));
            case AT: return tf.gather(a, tf.constant(n.index()), tf.constant(0));
            case SELECT, NARROW, CONCAT, STACK, STOP_GRADIENT, WHERE: return sequenceOp(n);
            default: throw new IllegalStateException("no compiler for " + n.op() + " on " + n.dtype().fileName());
        }
    }

    private static final java.util.Set<OpCode> SEQUENCE = java.util.EnumSet.of(OpCode.SELECT, OpCode.NARROW, OpCode.CONCAT,
            OpCode.STACK, OpCode.STOP_GRADIENT, OpCode.WHERE);

    /** Slicing, joining and masking, of any element type, in the logical layout. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Operand<?> sequenceOp(Node n) {
        Operand a = arg(n, 0);
        switch (n.op()) {
            case SELECT: {
                int axis = (int) n.values()[0];
                int index = (int) n.values()[1];
                return slice(n, a, axis, index, 4096);
            }
            case NARROW: {
                int rank = n.shape().length;
                int[] begin = new int[rank];
                int[] size = new int[rank];
                java.util.Arrays.fill(size, -1);
                begin[(int) n.values()[0]] = (int) n.values()[1];
                size[(int) n.values()[0]] = (int) n.values()[2];
                return tf.slice(a, tf.constant(begin), tf.constant(size));
            }
            case CONCAT:
            case STACK: {
                List<Operand> parts = new ArrayList<>();
                for (int i = 0; i < n.args().length; i++) {
                    parts.add(arg(n, i));
                }
                return n.op() == OpCode.CONCAT ? tf.concat((List) parts, tf.constant(n.index()))
                        : tf.stack((List) parts, org.tensorflow.op.core.Stack.axis((long) n.index()));
            }
            case STOP_GRADIENT:
                return tf.stopGradient(a);
            case WHERE: {
                Operand<TBool> nonzero = tf.math.notEqual(a, tf.dtypes.cast(tf.constant(0), a.type()));
                return tf.select(nonzero, arg(n, 1), arg(n, 2));
            }
            default:
                throw new IllegalStateException("not a sequence op: " + n.op());
        }
    }

    /**
     * {@code a @ b}: MatMul for two matrices; a stack of matrices times one matrix as one MatMul over the stack's
     * rows (reshaped to {@code [-1, k]} and back); two stacks with BatchMatMulV2, which broadcasts and has a gradient.
     */
    private Operand<TFloat32> matmul(Node n, Operand<TFloat32> a, Operand<TFloat32> b) {
        long[] as = Nodes.of(n.args()[0]).shape();
        long[] bs = Nodes.of(n.args()[1]).shape();
        if (as.length == 2 && bs.length == 2) {
            return tf.linalg.matMul(a, b);
        }
        if (bs.length == 2) {
            Operand<TFloat32> rows = tf.reshape(a, tf.constant(new int[] {-1, (int) as[as.length - 1]}));
            Operand<TInt32> lead = tf.slice(tf.shape(a), tf.constant(new int[] {0}), tf.constant(new int[] {as.length - 1}));
            return tf.reshape(tf.linalg.matMul(rows, b), tf.concat(List.of(lead, tf.constant(new int[] {(int) bs[1]})),
                    tf.constant(0)));
        }
        return tf.scope().env().opBuilder("BatchMatMulV2", rt("batch_matmul"), tf.scope()).addInput(a.asOutput())
                .addInput(b.asOutput()).build().<TFloat32>output(0);
    }

    /** Per row of the last axis; logits of rank 3 ([batch, T, classes]) as [-1, classes] rows and back. */
    private Operand<TFloat32> softmaxCrossEntropy(Node n, Operand<TFloat32> a, Operand<TFloat32> b) {
        int rank = n.shape().length + 1;
        if (rank == 2) {
            return tf.nn.softmaxCrossEntropyWithLogits(a, b).loss();
        }
        Operand<TInt32> rows = tf.constant(new int[] {-1, (int) Nodes.of(n.args()[0]).shape()[rank - 1]});
        Operand<TFloat32> loss = tf.nn.softmaxCrossEntropyWithLogits(tf.reshape(a, rows), tf.reshape(b, rows)).loss();
        return tf.reshape(loss, tf.slice(tf.shape(a), tf.constant(new int[] {0}), tf.constant(new int[] {rank - 1})));
    }

    private String rt(String name) {
        return tf.scope().makeUnique(name);
    }

    /** Layer normalisation over the last {@code n.index()} axes, biased variance (F.layer_norm). */
    private Operand<TFloat32> layerNorm(Node n, Operand<TFloat32> x, Operand<TFloat32> weight, Operand<TFloat32> bias) {
        int rank = n.shape().length;
        int[] axes = new int[n.index()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = rank - axes.length + i;
        }
        Operand<TInt32> over = tf.constant(axes);
        Operand<TFloat32> mean = tf.math.mean(x, over, org.tensorflow.op.math.Mean.keepDims(true));
        Operand<TFloat32> centred = tf.math.sub(x, mean);
        Operand<TFloat32> variance = tf.math.mean(tf.math.square(centred), over, org.tensorflow.op.math.Mean.keepDims(true));
        Operand<TFloat32> normed = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant(n.values()[0]))));
        return tf.math.add(tf.math.mul(normed, weight), bias);
    }

    private Operand<TFloat32> mask(Operand<TBool> condition) {
        return tf.dtypes.cast(condition, TFloat32.class);
    }

    /** TensorFlow's class for an element type. */
    public static Class<? extends TType> tfType(dev.netdsl.DType type) {
        return switch (type) {
            case FLOAT32 -> TFloat32.class;
            case INT32 -> TInt32.class;
            case INT64 -> org.tensorflow.types.TInt64.class;
        };
    }

    /** Notes a batch statistic over one value per example and channel ({@code [N, C]}): it needs two examples. */
    private void twoValuesPerChannel(Node n) {
        long[] x = Nodes.of(n.args()[0]).shape();
        long perExample = 1;
        for (int i = 2; i < x.length; i++) {
            perExample *= x[i];
        }
        if (perExample < 2 && needsTwoValues == null) {
            needsTwoValues = expanding != null ? expanding.toString() : "a batch statistic (batchNormTrain/batchVariance)";
        }
    }

    /** True if a binary op can work on channels-last values: an image one, the other an equal image or a scalar. */
    private boolean keepsChannelsLast(Node n) {
        boolean any = false;
        for (int i = 0; i < 2; i++) {
            Value v = values.get(argId(n, i));
            long[] shape = Nodes.of(n.args()[i]).shape();
            if (shape.length == 4) {
                any |= v.channelsLast();
                if (!Arrays.equals(shape, n.shape())) {
                    return false;
                }
            } else if (shape.length != 0) {
                return false;
            }
        }
        return any;
    }

    private <T extends TType> Operand<T> physical(Node n, int i) {
        return Nodes.of(n.args()[i]).shape().length == 4 ? channelsLast(argId(n, i)) : arg(n, i);
    }

    private Value batchNorm(Node n) {
        boolean image = n.shape().length == 4;
        Operand<TFloat32> x = image ? channelsLast(argId(n, 0)) : arg(n, 0);
        Operand<TFloat32> y = Images.batchNorm(tf, n, x, arg(n, 1), arg(n, 2),
                n.op() == OpCode.BATCH_NORM ? arg(n, 3) : null, n.op() == OpCode.BATCH_NORM ? arg(n, 4) : null);
        return new Value(y, image);
    }

    /** Ops on values already in the layout they are computed in ({@code b} null for one argument). */
    private Operand<TFloat32> compute(Node n, Operand<TFloat32> a, Operand<TFloat32> b) {
        switch (n.op()) {
            case RANDOM_UNIFORM: return binder.uniform(tf, n.shape(), n.index());
            case ADD: return tf.math.add(a, b);
            case SUB: return tf.math.sub(a, b);
            case MUL: return tf.math.mul(a, b);
            case DIV: return tf.math.div(a, b);
            case POW: return tf.math.pow(a, b);
            case MAXIMUM: return tf.math.maximum(a, b);
            case MINIMUM: return tf.math.minimum(a, b);
            case GREATER_EQUAL: return tf.dtypes.cast(tf.math.greaterEqual(a, b), TFloat32.class);
            case MATMUL: return matmul(n, a, b);
            case LAYER_NORM: return layerNorm(n, a, arg(n, 1), arg(n, 2));
            case BIAS_ADD: return tf.nn.biasAdd(a, b);
            case SOFTMAX_CROSS_ENTROPY: return softmaxCrossEntropy(n, a, b);
            case NEG: return tf.math.neg(a);
            case SQUARE: return tf.math.square(a);
            case SQRT: return tf.math.sqrt(a);
            case EXP: return tf.math.exp(a);
            case LOG: return tf.math.log(a);
            case ABS: return tf.math.abs(a);
            case RELU: return tf.nn.relu(a);
            case TANH: return tf.math.tanh(a);
            case SIGMOID: return tf.math.sigmoid(a);
            case SOFTMAX: return overLastAxis(n.args()[0], a, true);
            case LOG_SOFTMAX: return overLastAxis(n.args()[0], a, false);
            case TRANSPOSE: return tf.linalg.transpose(a, tf.constant(new int[] {1, 0}));
            case PERMUTE: return tf.linalg.transpose(a, tf.constant(toInts(n.values())));
            case SUM: return rank(n, 0) == 0 ? a : tf.sum(a, allAxes(rank(n, 0)));
            case MEAN: return rank(n, 0) == 0 ? a : tf.math.mean(a, allAxes(rank(n, 0)));
            case MAX: return rank(n, 0) == 0 ? a : tf.max(a, allAxes(rank(n, 0)));
            case SUM_AXIS: return tf.sum(a, tf.constant(n.index()));
            case MEAN_AXIS: return tf.math.mean(a, tf.constant(n.index()));
            case AT: return at(n, a);
            case HARDTANH: return hardtanh(a, n.values()[0], n.values()[1]);
            case LEAKY_RELU: return tf.nn.leakyRelu(a, org.tensorflow.op.nn.LeakyRelu.alpha(n.values()[0]));
            case ELU: return n.values()[0] == 1f ? tf.nn.elu(a)
                    // alpha * (exp(x) - 1) below zero: relu(x) + alpha * min(elu(x), 0)
                    : tf.math.add(tf.nn.relu(a), tf.math.mul(tf.constant(n.values()[0]), tf.math.minimum(tf.nn.elu(a), tf.constant(0f))));
            case ERF: return tf.math.erf(a);
            case GELU: return tf.math.mul(tf.math.mul(tf.constant(0.5f), a),
                    tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(a, tf.constant((float) (1 / Math.sqrt(2)))))));
            case SOFTPLUS: return tf.math.softplus(a);
            case RESHAPE: return tf.reshape(a, tf.constant(toInts(n.shape())));
            default: throw new IllegalStateException("no compiler for " + n.op());
        }
    }

    private static int rank(Node n, int arg) {
        return Nodes.of(n.args()[arg]).shape().length;
    }

    /**
     * (Log-)softmax over the last axis. TF's C++ gradients of Softmax and LogSoftmax reduce over axis 1
     * whatever the rank (a vector fails to build, rank 3 would be wrong), so anything but a matrix is
     * reshaped to [rows, last] and back (docs/tensorflow-notes.md).
     */
    private Operand<TFloat32> overLastAxis(Expr input, Operand<TFloat32> a, boolean softmax) {
        long[] shape = Nodes.of(input).shape();
        if (shape.length == 2) {
            return softmax ? tf.nn.softmax(a) : tf.nn.logSoftmax(a);
        }
        Operand<TFloat32> rows = tf.reshape(a, tf.constant(new int[] {-1, (int) shape[shape.length - 1]}));
        Operand<TFloat32> out = softmax ? tf.nn.softmax(rows) : tf.nn.logSoftmax(rows);
        return tf.reshape(out, tf.shape(a));
    }

    /**
     * {@code x} clipped to [lo, hi] with PyTorch's derivative: 1 strictly inside, 0 at and beyond the
     * bounds. TensorFlow's ClipByValue passes the gradient at the bounds too; nested SelectV2 ops with
     * scalar bounds (no path back to {@code x}) give PyTorch's, and keep NaN as NaN like {@code clamp}.
     */
    private Operand<TFloat32> hardtanh(Operand<TFloat32> a, float lo, float hi) {
        Operand<TFloat32> low = tf.constant(lo);
        Operand<TFloat32> high = tf.constant(hi);
        Operand<TBool> inside = tf.math.logicalAnd(tf.math.greater(a, low), tf.math.less(a, high));
        Operand<TFloat32> outside = tf.select(tf.math.lessEqual(a, low), low, tf.select(tf.math.greaterEqual(a, high), high, a));
        return tf.select(inside, a, outside);
    }

    @SuppressWarnings("unchecked")
    private Operand<TFloat32> at(Node n, Operand<TFloat32> a) {
        return (Operand<TFloat32>) slice(n, a, 0, n.index(), 64);
    }

    /**
     * Slice {@code index} along {@code axis} of {@code n}'s argument {@code a}: an output of the one {@code Unpack} that
     * every slice of that node along that axis shares (up to {@code most} slices), else a {@code Gather}.
     */
    private Operand<?> slice(Node n, Operand<?> a, int axis, int index, long most) {
        long size = Nodes.of(n.args()[0]).shape()[axis];
        if (size > 0 && size <= most) {
            return slices.computeIfAbsent(List.of(current.get(n.args()[0]), axis),
                    k -> new ArrayList<Output<?>>(tf.unstack(a, size, org.tensorflow.op.core.Unstack.axis((long) axis)).output()))
                    .get(index);
        }
        return tf.gather(a, tf.constant(index), tf.constant(axis));
    }

    private Operand<TInt32> allAxes(int rank) {
        int[] axes = new int[rank];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return tf.constant(axes);
    }

    private static int[] toInts(long[] dims) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = (int) dims[i];
        }
        return out;
    }

    private static int[] toInts(float[] dims) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = (int) dims[i];
        }
        return out;
    }
}
