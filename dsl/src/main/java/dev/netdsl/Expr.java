package dev.netdsl;

import java.util.Arrays;
import java.util.Objects;

/**
 * A symbolic float32 tensor: an immutable expression over {@link Var variables}, {@link Input
 * inputs} and constants, with fluent math like PyTorch's tensor methods. Shapes are checked in Java
 * as the expression is written, so a mismatch fails here, with both shapes in the message, and never
 * inside TensorFlow. An {@code Expr} is compiled to a graph by {@link Autograd#minimize} or
 * {@link Autograd#eval}; it can be compiled more than once (for example into a fused training loop).
 *
 * <p>Dimensions are {@code long}s; {@code -1} stands for a size only known at run time (a batch).
 */
public class Expr {
    /** What a node computes. */
    enum Op {
        VAR, INPUT, CONST,
        ADD, SUB, MUL, DIV, POW, MATMUL,
        NEG, SQUARE, SQRT, EXP, LOG, ABS, RELU, TANH, SIGMOID, SOFTMAX, LOG_SOFTMAX, TRANSPOSE,
        HARDTANH, LEAKY_RELU, ELU, GELU, SOFTPLUS, ERF, MODEL_INPUT, LINEAR,
        SUM, MEAN, MAX, SUM_AXIS, MEAN_AXIS, AT, RESHAPE
    }

    final Op op;
    final Expr[] args;
    final long[] shape;
    /** CONST values (row-major). */
    final float[] values;
    /** AT index, SUM_AXIS/MEAN_AXIS axis. */
    final int index;

    Expr(Op op, long[] shape, Expr[] args, float[] values, int index) {
        this.op = op;
        this.shape = shape;
        this.args = args;
        this.values = values;
        this.index = index;
    }

    private static Expr node(Op op, long[] shape, Expr... args) {
        return new Expr(op, shape, args, null, 0);
    }

    /** A constant scalar. */
    public static Expr scalar(double value) {
        return new Expr(Op.CONST, new long[0], new Expr[0], new float[] {(float) value}, 0);
    }

    /** A constant vector. */
    public static Expr constant(float... values) {
        Objects.requireNonNull(values, "values");
        return new Expr(Op.CONST, new long[] {values.length}, new Expr[0], values.clone(), 0);
    }

    /**
     * A constant of any shape from row-major {@code values}.
     *
     * @throws IllegalArgumentException if the shape's size differs from the number of values
     */
    public static Expr constant(float[] values, long... shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("constant: dimension " + d + " in " + Arrays.toString(shape)
                        + " must be known (0 or more)");
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("constant: shape " + Arrays.toString(shape) + " holds " + n
                    + " values but " + values.length + " were given");
        }
        return new Expr(Op.CONST, shape.clone(), new Expr[0], values.clone(), 0);
    }

    /** The shape, outermost first; {@code -1} marks a size known only at run time. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    // ---- element-wise arithmetic with NumPy broadcasting ------------------------------------------

    /** {@code this + other}, broadcasting like NumPy. */
    public Expr plus(Expr other) {
        return binary(Op.ADD, "plus", other);
    }

    /** {@code this + value}. */
    public Expr plus(double value) {
        return plus(scalar(value));
    }

    /** {@code this - other}, broadcasting like NumPy. */
    public Expr minus(Expr other) {
        return binary(Op.SUB, "minus", other);
    }

    /** {@code this - value}. */
    public Expr minus(double value) {
        return minus(scalar(value));
    }

    /** Element-wise {@code this * other}, broadcasting like NumPy. */
    public Expr times(Expr other) {
        return binary(Op.MUL, "times", other);
    }

    /** {@code this * value}. */
    public Expr times(double value) {
        return times(scalar(value));
    }

    /** Element-wise {@code this / other}, broadcasting like NumPy. */
    public Expr div(Expr other) {
        return binary(Op.DIV, "div", other);
    }

    /** {@code this / value}. */
    public Expr div(double value) {
        return div(scalar(value));
    }

    /** Element-wise {@code this ** exponent}. */
    public Expr pow(Expr exponent) {
        return binary(Op.POW, "pow", exponent);
    }

    /** {@code this ** exponent}; {@code pow(2)} is built as {@link #square()}. */
    public Expr pow(double exponent) {
        return exponent == 2 ? square() : pow(scalar(exponent));
    }

    private Expr binary(Op op, String name, Expr other) {
        Objects.requireNonNull(other, name);
        return node(op, broadcast(name, shape, other.shape), this, other);
    }

    static long[] broadcast(String name, long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else if (da == -1 || db == -1) {
                out[i] = Math.max(da, db) == -1 ? -1 : Math.max(da, db);
            } else {
                throw new IllegalArgumentException(name + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " don't broadcast (dimension " + i + ": " + da + " vs " + db
                        + "); sizes must match or one of them must be 1");
            }
        }
        return out;
    }

    // ---- unary ---------------------------------------------------------------------------------------

    /** {@code -this}. */
    public Expr neg() {
        return node(Op.NEG, shape, this);
    }

    /** Element-wise square. */
    public Expr square() {
        return node(Op.SQUARE, shape, this);
    }

    /** Element-wise square root. */
    public Expr sqrt() {
        return node(Op.SQRT, shape, this);
    }

    /** Element-wise {@code e^x}. */
    public Expr exp() {
        return node(Op.EXP, shape, this);
    }

    /** Element-wise natural logarithm. */
    public Expr log() {
        return node(Op.LOG, shape, this);
    }

    /** Element-wise absolute value. */
    public Expr abs() {
        return node(Op.ABS, shape, this);
    }

    /** Element-wise {@code max(0, x)}. */
    public Expr relu() {
        return node(Op.RELU, shape, this);
    }

    /** Element-wise hyperbolic tangent. */
    public Expr tanh() {
        return node(Op.TANH, shape, this);
    }

    /** Element-wise logistic sigmoid. */
    public Expr sigmoid() {
        return node(Op.SIGMOID, shape, this);
    }

    /** Itself: the identity function, for symmetry with the activation layers. */
    public Expr identity() {
        return this;
    }

    /** {@code x} clipped to [-1, 1] ({@code nn.Hardtanh()}). */
    public Expr hardtanh() {
        return hardtanh(-1, 1);
    }

    /** {@code x} clipped to [{@code min}, {@code max}]; the gradient is 0 on the flat parts. */
    public Expr hardtanh(double min, double max) {
        checkHardtanh(min, max);
        return new Expr(Op.HARDTANH, shape, new Expr[] {this}, new float[] {(float) min, (float) max}, 0);
    }

    /** {@code x} above zero, {@code slope * x} below ({@code nn.LeakyReLU}). */
    public Expr leakyRelu(double slope) {
        checkFinite("leakyRelu", "slope", slope);
        return new Expr(Op.LEAKY_RELU, shape, new Expr[] {this}, new float[] {(float) slope}, 0);
    }

    /** ELU with alpha 1. */
    public Expr elu() {
        return elu(1);
    }

    /** {@code x} above zero, {@code alpha * (exp(x) - 1)} below ({@code nn.ELU(alpha)}). */
    public Expr elu(double alpha) {
        checkFinite("elu", "alpha", alpha);
        return new Expr(Op.ELU, shape, new Expr[] {this}, new float[] {(float) alpha}, 0);
    }

    /** The error function. */
    public Expr erf() {
        return node(Op.ERF, shape, this);
    }

    /** GELU, exact form {@code 0.5 * x * (1 + erf(x / sqrt(2)))} (PyTorch's default). */
    public Expr gelu() {
        return node(Op.GELU, shape, this);
    }

    /** {@code log(1 + exp(x))}. */
    public Expr softplus() {
        return node(Op.SOFTPLUS, shape, this);
    }

    static void checkHardtanh(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("hardtanh(" + min + ", " + max + "): needs finite min < max, e.g. hardtanh(-1, 1)");
        }
    }

    static void checkFinite(String where, String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(where + ": " + name + " " + value + " must be finite");
        }
    }

    /** The input of a model's forward pass, bound to the model's placeholder when compiled. */
    static Expr modelInput(long... shape) {
        return new Expr(Op.MODEL_INPUT, shape.clone(), new Expr[0], null, 0);
    }

    /** {@code linear} applied to {@code x}: {@code x W^T + b}, bound to the model's variables when compiled. */
    static Expr linear(Linear linear, Expr x) {
        if (x.shape.length != 2) {
            throw new IllegalArgumentException(linear + ": needs a [batch, " + linear.in() + "] input but got shape "
                    + Arrays.toString(x.shape));
        }
        if (x.shape[1] != -1 && x.shape[1] != linear.in()) {
            throw new IllegalArgumentException(linear + " expects " + linear.in() + " input features but receives "
                    + x.shape[1] + " (shape " + Arrays.toString(x.shape) + ")");
        }
        return new LinearExpr(linear, x);
    }

    /** A LINEAR node remembers which layer it applies. */
    static final class LinearExpr extends Expr {
        final Linear layer;

        LinearExpr(Linear layer, Expr x) {
            super(Op.LINEAR, new long[] {x.shape[0], layer.out()}, new Expr[] {x}, null, 0);
            this.layer = layer;
        }
    }

    /**
     * The per-element binary cross-entropy of these logits against 0/1 {@code targets}
     * ({@code BCEWithLogitsLoss(reduction='none')}), computed stably as
     * {@code softplus(z) - z*y} (= {@code max(z, 0) - z*y + log(1 + exp(-|z|))}), whose derivative is
     * {@code sigmoid(z) - y} everywhere, at {@code z = 0} too; take {@code .mean()} for PyTorch's default.
     */
    public Expr bceWithLogits(Expr targets) {
        Objects.requireNonNull(targets, "targets");
        broadcast("bceWithLogits", shape, targets.shape);
        return softplus().minus(times(targets));
    }

    /** Softmax over the last dimension. */
    public Expr softmax() {
        requireRank("softmax", 1);
        return node(Op.SOFTMAX, shape, this);
    }

    /** Log-softmax over the last dimension. */
    public Expr logSoftmax() {
        requireRank("logSoftmax", 1);
        return node(Op.LOG_SOFTMAX, shape, this);
    }

    // ---- linear algebra ----------------------------------------------------------------------------

    /**
     * Matrix product {@code this @ other} of {@code [a, b]} and {@code [b, c]}.
     *
     * @throws IllegalArgumentException if either is not a matrix or the inner sizes differ
     */
    public Expr matmul(Expr other) {
        Objects.requireNonNull(other, "other");
        if (shape.length != 2 || other.shape.length != 2) {
            throw new IllegalArgumentException("matmul: needs two matrices but got shapes " + Arrays.toString(shape)
                    + " and " + Arrays.toString(other.shape) + "; reshape vectors to [1, n] or [n, 1]");
        }
        if (shape[1] != -1 && other.shape[0] != -1 && shape[1] != other.shape[0]) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(shape) + " and " + Arrays.toString(other.shape)
                    + " don't chain: " + shape[1] + " columns vs " + other.shape[0] + " rows");
        }
        return node(Op.MATMUL, new long[] {shape[0], other.shape[1]}, this, other);
    }

    /** The transpose of a matrix (PyTorch's {@code .t()}). */
    public Expr t() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("t(): needs a matrix but the shape is " + Arrays.toString(shape));
        }
        return node(Op.TRANSPOSE, new long[] {shape[1], shape[0]}, this);
    }

    // ---- reductions and indexing -------------------------------------------------------------------

    /** The sum of all elements (a scalar). */
    public Expr sum() {
        return node(Op.SUM, new long[0], this);
    }

    /** The mean of all elements (a scalar). */
    public Expr mean() {
        return node(Op.MEAN, new long[0], this);
    }

    /** The largest element (a scalar). */
    public Expr max() {
        return node(Op.MAX, new long[0], this);
    }

    /** The sum over {@code axis}, which is removed from the shape. */
    public Expr sum(int axis) {
        return new Expr(Op.SUM_AXIS, dropAxis("sum", axis), new Expr[] {this}, null, axis);
    }

    /** The mean over {@code axis}, which is removed from the shape. */
    public Expr mean(int axis) {
        return new Expr(Op.MEAN_AXIS, dropAxis("mean", axis), new Expr[] {this}, null, axis);
    }

    private long[] dropAxis(String name, int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException(name + "(" + axis + "): axis out of range for shape " + Arrays.toString(shape));
        }
        long[] out = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /**
     * Element {@code i} along the first dimension, like PyTorch's {@code x[i]}: a scalar from a
     * vector, a row from a matrix.
     *
     * @throws IllegalArgumentException for a scalar or an index outside the known size
     */
    public Expr at(int i) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("at(" + i + "): a scalar has no elements to index");
        }
        if (i < 0 || (shape[0] >= 0 && i >= shape[0])) {
            throw new IllegalArgumentException("at(" + i + "): index out of range for shape " + Arrays.toString(shape)
                    + "; use 0.." + (shape[0] - 1));
        }
        return new Expr(Op.AT, Arrays.copyOfRange(shape, 1, shape.length), new Expr[] {this}, null, i);
    }

    /**
     * The same elements in a new shape; one dimension may be {@code -1} (inferred).
     *
     * @throws IllegalArgumentException if the element counts differ
     */
    public Expr reshape(long... dims) {
        long known = 1;
        int unknown = 0;
        for (long d : dims) {
            if (d == -1) {
                unknown++;
            } else if (d < 0) {
                throw new IllegalArgumentException("reshape" + Arrays.toString(dims) + ": dimension " + d + " is invalid");
            } else {
                known *= d;
            }
        }
        if (unknown > 1) {
            throw new IllegalArgumentException("reshape" + Arrays.toString(dims) + ": at most one dimension may be -1");
        }
        long size = size(shape);
        long[] out = dims.clone();
        if (size >= 0) {
            if (unknown == 0 && known != size || unknown == 1 && (known == 0 || size % known != 0)) {
                throw new IllegalArgumentException("reshape: can't reshape " + Arrays.toString(shape) + " (" + size
                        + " elements) to " + Arrays.toString(dims));
            }
            for (int i = 0; i < out.length; i++) {
                if (out[i] == -1) {
                    out[i] = size / known;
                }
            }
        }
        return new Expr(Op.RESHAPE, out, new Expr[] {this}, null, 0);
    }

    /** The number of elements, or -1 if a dimension is unknown. */
    static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    private void requireRank(String name, int min) {
        if (shape.length >= min && shape.length != 2 && shape[shape.length - 1] < 0) {
            throw new IllegalArgumentException(name + ": the last dimension of " + Arrays.toString(shape)
                    + " must be known (it is the one normalised)");
        }
        if (shape.length < min) {
            throw new IllegalArgumentException(name + ": needs at least " + min + " dimension(s) but the shape is "
                    + Arrays.toString(shape));
        }
    }

    @Override
    public String toString() {
        return "Expr[" + op.name().toLowerCase() + " " + Arrays.toString(shape) + "]";
    }
}
