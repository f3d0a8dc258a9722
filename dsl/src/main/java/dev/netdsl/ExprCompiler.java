package dev.netdsl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Turns {@link Expr} trees into graph ops in one place (a main graph or a loop body), with
 * variables and inputs bound to whatever operands that place provides. Shared sub-expressions are
 * built once.
 */
final class ExprCompiler {
    private final Ops tf;
    private final Function<Var, Operand<TFloat32>> vars;
    private final Function<Input, Operand<TFloat32>> inputs;
    /**
     * Every node built so far, by structure: equal expressions (same ops, shapes, constants, and the
     * same variables, inputs and layers) map to one id and so to the ops built the first time, however
     * often the expression is rebuilt in Java.
     */
    private final Map<Key, Integer> ids = new HashMap<>();
    private final List<Operand<TFloat32>> operands = new ArrayList<>();
    /** Unpacked rows of a node indexed with at(i), by node id, so all at() calls share one Unpack op. */
    private final Map<Integer, List<Output<TFloat32>>> unpacked = new HashMap<>();
    /** The ids of the nodes of the expression being compiled. */
    private Map<Expr, Integer> current;

    /** A node's structure: its children by id, leaves (variables, inputs, layers) by identity. */
    private static final class Key {
        final Expr.Op op;
        final long[] shape;
        final float[] values;
        final int index;
        final int[] args;
        final Object identity;
        final int hash;

        Key(Expr e, int[] args) {
            this.op = e.op;
            this.shape = e.shape;
            this.values = e.values;
            this.index = e.index;
            this.args = args;
            this.identity = e.op == Expr.Op.VAR || e.op == Expr.Op.INPUT ? e
                    : e instanceof Expr.LinearExpr l ? l.layer : null;
            this.hash = Objects.hash(op, index, System.identityHashCode(identity), Arrays.hashCode(shape),
                    Arrays.hashCode(values), Arrays.hashCode(args));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.op == op && k.index == index && k.identity == identity
                    && Arrays.equals(k.shape, shape) && Arrays.equals(k.values, values) && Arrays.equals(k.args, args);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Operand<TFloat32> modelInput;
    private final Function<Linear, List<Operand<TFloat32>>> layers;

    ExprCompiler(Ops tf, Function<Var, Operand<TFloat32>> vars, Function<Input, Operand<TFloat32>> inputs) {
        this(tf, vars, inputs, null, null);
    }

    /**
     * A compiler for a model's forward pass: {@code modelInput} is the model's placeholder and
     * {@code layers} gives each {@link Linear}'s kernel ([in, out]) and bias.
     */
    ExprCompiler(Ops tf, Function<Var, Operand<TFloat32>> vars, Function<Input, Operand<TFloat32>> inputs,
                 Operand<TFloat32> modelInput, Function<Linear, List<Operand<TFloat32>>> layers) {
        this.tf = tf;
        this.vars = vars;
        this.inputs = inputs;
        this.modelInput = modelInput;
        this.layers = layers;
    }

    /** The graph value of {@code e}, built once per distinct structure. */
    Operand<TFloat32> compile(Expr e) {
        boolean outer = current == null;
        if (outer) {
            current = new IdentityHashMap<>();
        }
        try {
            return operands.get(id(e));
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
        int[] args = new int[e.args.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = id(e.args[i]);
        }
        Key key = new Key(e, args);
        Integer id = ids.get(key);
        if (id == null) {
            Operand<TFloat32> built = build(e);
            id = operands.size();
            operands.add(built);
            ids.put(key, id);
        }
        current.put(e, id);
        return id;
    }

    private Operand<TFloat32> build(Expr e) {
        switch (e.op) {
            case VAR:
                return vars.apply((Var) e);
            case INPUT:
                return inputs.apply((Input) e);
            case MODEL_INPUT:
                if (modelInput == null) {
                    throw new IllegalArgumentException("a model's forward pass can only be compiled inside its Model");
                }
                return modelInput;
            case CONST:
                return e.shape.length == 0 ? tf.constant(e.values[0])
                        : tf.constant(Shape.of(e.shape), DataBuffers.of(e.values, true, false));
            default:
                break;
        }
        Operand<TFloat32> a = compile(e.args[0]);
        switch (e.op) {
            case ADD: return tf.math.add(a, compile(e.args[1]));
            case SUB: return tf.math.sub(a, compile(e.args[1]));
            case MUL: return tf.math.mul(a, compile(e.args[1]));
            case DIV: return tf.math.div(a, compile(e.args[1]));
            case POW: return tf.math.pow(a, compile(e.args[1]));
            case MATMUL: return tf.linalg.matMul(a, compile(e.args[1]));
            case NEG: return tf.math.neg(a);
            case SQUARE: return tf.math.square(a);
            case SQRT: return tf.math.sqrt(a);
            case EXP: return tf.math.exp(a);
            case LOG: return tf.math.log(a);
            case ABS: return tf.math.abs(a);
            case RELU: return tf.nn.relu(a);
            case TANH: return tf.math.tanh(a);
            case SIGMOID: return tf.math.sigmoid(a);
            case SOFTMAX: return overLastAxis(e.args[0], a, true);
            case LOG_SOFTMAX: return overLastAxis(e.args[0], a, false);
            case TRANSPOSE: return tf.linalg.transpose(a, tf.constant(new int[] {1, 0}));
            case SUM: return e.args[0].shape.length == 0 ? a : tf.sum(a, allAxes(e.args[0]));
            case MEAN: return e.args[0].shape.length == 0 ? a : tf.math.mean(a, allAxes(e.args[0]));
            case MAX: return e.args[0].shape.length == 0 ? a : tf.max(a, allAxes(e.args[0]));
            case SUM_AXIS: return tf.sum(a, tf.constant(e.index));
            case MEAN_AXIS: return tf.math.mean(a, tf.constant(e.index));
            case AT: return at(e.args[0], a, e.index);
            case LINEAR: return linear((Expr.LinearExpr) e, a);
            case HARDTANH: return hardtanh(a, e.values[0], e.values[1]);
            case LEAKY_RELU: return tf.nn.leakyRelu(a, org.tensorflow.op.nn.LeakyRelu.alpha(e.values[0]));
            case ELU: return e.values[0] == 1f ? tf.nn.elu(a)
                    // alpha * (exp(x) - 1) below zero: relu(x) + alpha * min(elu(x), 0)
                    : tf.math.add(tf.nn.relu(a), tf.math.mul(tf.constant(e.values[0]), tf.math.minimum(tf.nn.elu(a), tf.constant(0f))));
            case ERF: return tf.math.erf(a);
            case GELU: return tf.math.mul(tf.math.mul(tf.constant(0.5f), a),
                    tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(a, tf.constant((float) (1 / Math.sqrt(2)))))));
            case SOFTPLUS: return tf.math.softplus(a);
            case RESHAPE: return tf.reshape(a, tf.constant(toInts(e.shape)));
            default: throw new IllegalStateException("no compiler for " + e.op);
        }
    }

    /**
     * (Log-)softmax over the last axis. TF's C++ gradients of Softmax and LogSoftmax reduce over axis 1
     * whatever the rank (a vector fails to build, rank 3 would be wrong), so anything but a matrix is
     * reshaped to [rows, last] and back (docs/tensorflow-notes.md).
     */
    private Operand<TFloat32> overLastAxis(Expr input, Operand<TFloat32> a, boolean softmax) {
        if (input.shape.length == 2) {
            return softmax ? tf.nn.softmax(a) : tf.nn.logSoftmax(a);
        }
        Operand<TFloat32> rows = tf.reshape(a, tf.constant(new int[] {-1, (int) input.shape[input.shape.length - 1]}));
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
        Operand<org.tensorflow.types.TBool> inside = tf.math.logicalAnd(tf.math.greater(a, low), tf.math.less(a, high));
        Operand<TFloat32> outside = tf.select(tf.math.lessEqual(a, low), low, tf.select(tf.math.greaterEqual(a, high), high, a));
        return tf.select(inside, a, outside);
    }

    private Operand<TFloat32> linear(Expr.LinearExpr e, Operand<TFloat32> a) {
        if (layers == null) {
            throw new IllegalArgumentException(e.layer + ".apply(...) can only be compiled inside a Model built from"
                    + " Net.module(...) or Net.sequential(...)");
        }
        List<Operand<TFloat32>> kb = layers.apply(e.layer);
        return tf.nn.biasAdd(tf.linalg.matMul(a, kb.get(0)), kb.get(1));
    }

    private Operand<TFloat32> at(Expr parent, Operand<TFloat32> a, int index) {
        long n = parent.shape[0];
        if (n > 0 && n <= 64) {
            // One Unpack for every at(i) of the same tensor: one op forward, one Pack in the gradient.
            return unpacked.computeIfAbsent(current.get(parent), p -> tf.unstack(a, n).output()).get(index);
        }
        return tf.gather(a, tf.constant(index), tf.constant(0));
    }

    private Operand<org.tensorflow.types.TInt32> allAxes(Expr e) {
        int[] axes = new int[e.shape.length];
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
}
