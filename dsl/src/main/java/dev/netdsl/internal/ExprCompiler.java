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
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Turns {@link Expr} DAGs into graph ops in one place (a main graph or a loop body), with the leaves
 * bound to whatever operands that place provides ({@link Binder}). Equal expressions (same structure,
 * same leaves) are built once, however often they are rebuilt in Java; but each application of a layer
 * is its own, as each call of a PyTorch module is (a dropout applied twice draws two masks, a batch norm
 * applied twice updates its statistics twice). It decides each value's layout and reuses values; {@code NodeOps}
 * builds each node's ops.
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

        /**
         * True to compute matrix multiplies and convolutions in bfloat16 (operands rounded to bfloat16, results
         * back to float32: {@link dev.netdsl.Precision#BF16}); false (the default) for float32 throughout.
         */
        default boolean bfloat16() {
            return false;
        }
    }

    private final Ops tf;
    private final Binder binder;
    /** Builds each node's ops. */
    private final NodeOps ops;
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
    /** The training batch norm of each value normalised so far, by the value's id, whose batch statistics it gives. */
    private final Map<Integer, FusedBatchNorm<TFloat32, TFloat32>> batchStatistics = new HashMap<>();
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
        this.ops = new NodeOps(this, tf, binder);
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

    /** Argument {@code i} of {@code n}, in the logical layout. */
    <T extends TType> Operand<T> arg(Node n, int i) {
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
                        n.args().length > 2 ? arg(n, 2) : null, binder.bfloat16()), true);
            case BATCH_NORM:
                return batchNorm(n);
            case BATCH_NORM_TRAIN:
                twoValuesPerChannel(n);
                return batchNorm(n);
            case BATCH_VARIANCE:
                twoValuesPerChannel(n);
                // fall through
            case BATCH_MEAN: {
                // The training batch norm over the same value already computed these (FusedBatchNormV3's outputs 1
                // and 2: the mean and Bessel-corrected variance): one pass over the batch instead of three.
                FusedBatchNorm<TFloat32, TFloat32> bn = batchStatistics.get(argId(n, 0));
                if (bn != null) {
                    return new Value(n.op() == OpCode.BATCH_MEAN ? bn.batchMean() : bn.batchVariance(), false);
                }
            }
                return new Value(Images.moments(tf, n, values.get(argId(n, 0)).channelsLast() ? channelsLast(argId(n, 0))
                        : arg(n, 0), values.get(argId(n, 0)).channelsLast()), false);
            default:
                break;
        }
        if (NodeOps.typed(n)) {
            return new Value(ops.typedOp(n), false);
        }
        if (NodeOps.SEQUENCE.contains(n.op())) {
            return new Value(ops.sequenceOp(n), false);
        }
        if (ELEMENTWISE.contains(n.op()) && values.get(argId(n, 0)).channelsLast()) {
            return new Value(ops.compute(n, channelsLast(argId(n, 0)), null), true);
        }
        if (BROADCASTING.contains(n.op()) && keepsChannelsLast(n)) {
            return new Value(ops.compute(n, physical(n, 0), physical(n, 1)), true);
        }
        return new Value(ops.compute(n, arg(n, 0), n.args().length > 1 ? arg(n, 1) : null), false);
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
        if (n.op() == OpCode.BATCH_NORM) {
            return new Value(Images.batchNormInference(tf, n, x, arg(n, 1), arg(n, 2), arg(n, 3), arg(n, 4)), image);
        }
        FusedBatchNorm<TFloat32, TFloat32> bn = Images.batchNormTrain(tf, n, x, arg(n, 1), arg(n, 2));
        batchStatistics.putIfAbsent(argId(n, 0), bn);
        return new Value(Images.normalized(tf, n, bn), image);
    }

    /**
     * Slice {@code index} along {@code axis} of {@code n}'s argument {@code a}: an output of the one {@code Unpack} that
     * every slice of that node along that axis shares (up to {@code most} slices), else a {@code Gather}.
     */
    Operand<?> slice(Node n, Operand<?> a, int axis, int index, long most) {
        long size = Nodes.of(n.args()[0]).shape()[axis];
        if (size > 0 && size <= most) {
            return slices.computeIfAbsent(List.of(current.get(n.args()[0]), axis),
                    k -> new ArrayList<Output<?>>(tf.unstack(a, size, org.tensorflow.op.core.Unstack.axis((long) axis)).output()))
                    .get(index);
        }
        return tf.gather(a, tf.constant(index), tf.constant(axis));
    }
}
