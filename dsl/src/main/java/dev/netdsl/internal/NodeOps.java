package dev.netdsl.internal;

import dev.netdsl.Expr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * The TensorFlow ops of one expression node of an {@link ExprCompiler}, from its arguments' values: the float math
 * (on values in whichever layout the compiler chose), the ops on or to integers and the comparisons, and slicing,
 * joining and masking. The compiler decides layouts, reuses values and hands out the arguments ({@code arg}) and
 * the shared slices of a node.
 */
final class NodeOps {
    private final ExprCompiler compiler;
    private final Ops tf;
    private final ExprCompiler.Binder binder;

    NodeOps(ExprCompiler compiler, Ops tf, ExprCompiler.Binder binder) {
        this.compiler = compiler;
        this.tf = tf;
        this.binder = binder;
    }

    /** Ops on values already in the layout they are computed in ({@code b} null for one argument). */
    Operand<TFloat32> compute(Node n, Operand<TFloat32> a, Operand<TFloat32> b) {
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
            case LAYER_NORM: return layerNorm(n, a, compiler.arg(n, 1), compiler.arg(n, 2));
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
        return (Operand<TFloat32>) compiler.slice(n, a, 0, n.index(), 64);
    }

    private static final Set<OpCode> TYPED = EnumSet.of(OpCode.CAST, OpCode.GATHER, OpCode.ONE_HOT,
            OpCode.EQUAL, OpCode.NOT_EQUAL, OpCode.LESS, OpCode.LESS_EQUAL, OpCode.GREATER);

    /** True for ops on (or to) integers and the comparisons: built in the logical layout by {@link #typedOp}. */
    static boolean typed(Node n) {
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
    Operand<?> typedOp(Node n) {
        Operand a = compiler.arg(n, 0);
        Operand b = n.args().length > 1 ? compiler.arg(n, 1) : null;
        switch (n.op()) {
            case CAST: return tf.dtypes.cast(a, ExprCompiler.tfType(n.dtype()));
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

    static final Set<OpCode> SEQUENCE = EnumSet.of(OpCode.SELECT, OpCode.NARROW, OpCode.CONCAT,
            OpCode.STACK, OpCode.STOP_GRADIENT, OpCode.WHERE);

    /** Slicing, joining and masking, of any element type, in the logical layout. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Operand<?> sequenceOp(Node n) {
        Operand a = compiler.arg(n, 0);
        switch (n.op()) {
            case SELECT: {
                int axis = (int) n.values()[0];
                int index = (int) n.values()[1];
                return compiler.slice(n, a, axis, index, 4096);
            }
            case NARROW: {
                int rank = n.shape().length;
                int[] begin = new int[rank];
                int[] size = new int[rank];
                Arrays.fill(size, -1);
                begin[(int) n.values()[0]] = (int) n.values()[1];
                size[(int) n.values()[0]] = (int) n.values()[2];
                return tf.slice(a, tf.constant(begin), tf.constant(size));
            }
            case CONCAT:
            case STACK: {
                List<Operand> parts = new ArrayList<>();
                for (int i = 0; i < n.args().length; i++) {
                    parts.add(compiler.arg(n, i));
                }
                return n.op() == OpCode.CONCAT ? tf.concat((List) parts, tf.constant(n.index()))
                        : tf.stack((List) parts, org.tensorflow.op.core.Stack.axis((long) n.index()));
            }
            case STOP_GRADIENT:
                return tf.stopGradient(a);
            case WHERE: {
                Operand<TBool> nonzero = tf.math.notEqual(a, tf.dtypes.cast(tf.constant(0), a.type()));
                return tf.select(nonzero, compiler.arg(n, 1), compiler.arg(n, 2));
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
            return product(a, b);
        }
        if (bs.length == 2) {
            Operand<TFloat32> rows = tf.reshape(a, tf.constant(new int[] {-1, (int) as[as.length - 1]}));
            Operand<TInt32> lead = tf.slice(tf.shape(a), tf.constant(new int[] {0}), tf.constant(new int[] {as.length - 1}));
            return tf.reshape(product(rows, b), tf.concat(List.of(lead, tf.constant(new int[] {(int) bs[1]})),
                    tf.constant(0)));
        }
        return binder.bfloat16() ? Bf16.back(tf, batchMatmul(Bf16.of(tf, a), Bf16.of(tf, b))) : batchMatmul(a, b);
    }

    /** BatchMatMulV2 of two stacks of matrices of one element type. */
    private <T extends TType> Operand<T> batchMatmul(Operand<T> a, Operand<T> b) {
        return tf.scope().env().opBuilder("BatchMatMulV2", rt("batch_matmul"), tf.scope()).addInput(a.asOutput())
                .addInput(b.asOutput()).build().<T>output(0);
    }

    /** One MatMul of two matrices, in bfloat16 when the binder asks for it. */
    private Operand<TFloat32> product(Operand<TFloat32> a, Operand<TFloat32> b) {
        return binder.bfloat16() ? Bf16.back(tf, tf.linalg.matMul(Bf16.of(tf, a), Bf16.of(tf, b))) : tf.linalg.matMul(a, b);
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
