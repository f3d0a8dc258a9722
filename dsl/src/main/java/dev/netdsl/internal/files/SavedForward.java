package dev.netdsl.internal.files;

import dev.netdsl.Expr;
import dev.netdsl.internal.Node;
import dev.netdsl.internal.Nodes;
import dev.netdsl.internal.OpCode;
import dev.netdsl.layers.Layer;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A saved module's forward pass, replayed on an input through the same {@link Expr} methods a forward pass
 * written in Java calls, so every shape and setting the file gives is checked as Java code's would be:
 * shapes are computed, never taken from the file (only a reshape's target and a constant's shape are read
 * from it, and checked); a node with the wrong number of arguments or settings is refused.
 */
public final class SavedForward {
    private SavedForward() {
    }

    /** {@code forward} (as read from a file) applied to {@code x}. @throws IllegalArgumentException naming the bad node */
    static Expr replay(Expr forward, Expr x) {
        return replay(forward, x, new IdentityHashMap<>());
    }

    private static Expr replay(Expr e, Expr x, Map<Expr, Expr> done) {
        Expr known = done.get(e);
        if (known != null) {
            return known;
        }
        Node n = Nodes.of(e);
        Expr[] args = new Expr[n.args().length];
        for (int i = 0; i < args.length; i++) {
            args[i] = replay(n.args()[i], x, done);
        }
        Expr out;
        try {
            out = rebuild(n, args, x);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("the saved forward pass's " + n.op().fileName() + " node: " + ex.getMessage(), ex);
        }
        done.put(e, out);
        return out;
    }

    private static Expr rebuild(Node n, Expr[] a, Expr x) {
        float[] v = n.values();
        return switch (n.op()) {
            case MODEL_INPUT -> arity(a, 0, x);
            case CONST -> arity(a, 0, constant(n));
            case CAST -> one(a).cast(n.dtype());
            case GATHER -> two(a).gather(a[1]);
            case ONE_HOT -> one(a).oneHot(n.index());
            case EQUAL -> two(a).equal(a[1]);
            case NOT_EQUAL -> two(a).notEqual(a[1]);
            case LESS -> two(a).less(a[1]);
            case LESS_EQUAL -> two(a).lessEqual(a[1]);
            case GREATER -> two(a).greater(a[1]);
            case APPLY -> ((Layer) n.ref()).apply(one(a));
            case ADD -> two(a).plus(a[1]);
            case SUB -> two(a).minus(a[1]);
            case MUL -> two(a).times(a[1]);
            case DIV -> two(a).div(a[1]);
            case POW -> two(a).pow(a[1]);
            case MATMUL -> two(a).matmul(a[1]);
            case BIAS_ADD -> two(a).addBias(a[1]);
            case MAXIMUM -> two(a).maximum(a[1]);
            case MINIMUM -> two(a).minimum(a[1]);
            case GREATER_EQUAL -> two(a).greaterEqual(a[1]);
            case SOFTMAX_CROSS_ENTROPY -> two(a).softmaxCrossEntropy(a[1]);
            case NEG -> one(a).neg();
            case SQUARE -> one(a).square();
            case SQRT -> one(a).sqrt();
            case EXP -> one(a).exp();
            case LOG -> one(a).log();
            case ABS -> one(a).abs();
            case RELU -> one(a).relu();
            case TANH -> one(a).tanh();
            case SIGMOID -> one(a).sigmoid();
            case SOFTMAX -> one(a).softmax();
            case LOG_SOFTMAX -> one(a).logSoftmax();
            case TRANSPOSE -> one(a).t();
            case GELU -> one(a).gelu();
            case SOFTPLUS -> one(a).softplus();
            case ERF -> one(a).erf();
            case SUM -> one(a).sum();
            case MEAN -> one(a).mean();
            case MAX -> one(a).max();
            case HARDTANH -> one(a).hardtanh(values(v, 2)[0], v[1]);
            case LEAKY_RELU -> one(a).leakyRelu(values(v, 1)[0]);
            case ELU -> one(a).elu(values(v, 1)[0]);
            case SUM_AXIS -> one(a).sum(n.index());
            case MEAN_AXIS -> one(a).mean(n.index());
            case AT -> one(a).at(n.index());
            case RESHAPE -> one(a).reshape(n.shape());
            case PERMUTE -> one(a).permute(ints(v, one(a).rank()));
            case CONV2D -> {
                if (a.length != 2 && a.length != 3) {
                    throw new IllegalArgumentException("takes an input, a weight and maybe a bias, not " + a.length + " arguments");
                }
                int[] s = ints(v, 4);
                yield a[0].conv2d(a[1], a.length == 3 ? a[2] : null, new int[] {s[0], s[1]}, new int[] {s[2], s[3]});
            }
            case MAX_POOL2D, AVG_POOL2D -> {
                int[] s = ints(v, 4);
                yield n.op() == OpCode.MAX_POOL2D ? one(a).maxPool2d(new int[] {s[0], s[1]}, new int[] {s[2], s[3]})
                        : one(a).avgPool2d(new int[] {s[0], s[1]}, new int[] {s[2], s[3]});
            }
            case BATCH_NORM -> {
                arity(a, 5, null);
                yield a[0].batchNorm(a[1], a[2], a[3], a[4], eps(v));
            }
            case BATCH_NORM_TRAIN -> {
                arity(a, 3, null);
                yield a[0].batchNormTrain(a[1], a[2], eps(v));
            }
            case BATCH_MEAN -> one(a).batchMean();
            case BATCH_VARIANCE -> one(a).batchVariance();
            case SELECT -> {
                int[] s = ints(v, 2);
                yield one(a).select(s[0], s[1]);
            }
            case NARROW -> {
                int[] s = ints(v, 3);
                yield one(a).narrow(s[0], s[1], s[2]);
            }
            case CONCAT -> Expr.concat(n.index(), a);
            case STACK -> Expr.stack(n.index(), a);
            case STOP_GRADIENT -> one(a).detach();
            case WHERE -> {
                arity(a, 3, null);
                yield a[0].where(a[1], a[2]);
            }
            case LAYER_NORM -> {
                arity(a, 3, null);
                yield a[0].layerNorm(a[1], a[2], n.index(), eps(v));
            }
            default -> throw new IllegalArgumentException("a saved forward pass can't hold it");
        };
    }

    /** The first of two arguments. */
    private static Expr two(Expr[] a) {
        arity(a, 2, null);
        return a[0];
    }

    private static Expr one(Expr[] a) {
        arity(a, 1, null);
        return a[0];
    }

    private static Expr arity(Expr[] a, int count, Expr result) {
        if (a.length != count) {
            throw new IllegalArgumentException("takes " + count + " argument" + (count == 1 ? "" : "s") + ", not " + a.length);
        }
        return result;
    }

    private static Expr constant(Node n) {
        if (n.ref() instanceof int[] ints && n.dtype() == dev.netdsl.DType.INT32) {
            return Expr.constant(ints, n.shape());
        }
        if (n.values() == null || n.dtype() != dev.netdsl.DType.FLOAT32) {
            throw new IllegalArgumentException("has no values");
        }
        return Expr.constant(n.values(), n.shape());
    }

    private static float[] values(float[] v, int count) {
        if (v == null || v.length != count) {
            throw new IllegalArgumentException("needs " + count + " setting" + (count == 1 ? "" : "s") + " but has "
                    + (v == null ? "none" : Arrays.toString(v)));
        }
        return v;
    }

    private static int[] ints(float[] v, int count) {
        values(v, count);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            if (v[i] != Math.rint(v[i]) || Math.abs(v[i]) > 1 << 24) {
                throw new IllegalArgumentException("its settings " + Arrays.toString(v) + " must be whole numbers");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    private static double eps(float[] v) {
        double eps = values(v, 1)[0];
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps " + eps + " must be positive and finite");
        }
        return eps;
    }
}
