package dev.netdsl;

import dev.netdsl.internal.Check;
import dev.netdsl.internal.Node;
import dev.netdsl.internal.OpCode;
import dev.netdsl.internal.Shapes;
import dev.netdsl.internal.Types;
import java.util.Objects;

/**
 * The base of {@link Expr}: the node every expression wraps, the factories of new nodes, and the element-wise half
 * of Expr's methods: arithmetic and comparisons with NumPy broadcasting, unary functions and activations, softmax
 * and the cross-entropies. It is package-private, so its public methods are Expr's own API (javadoc documents them
 * on Expr's page, and compiled callers reach them through Expr); Expr's many methods are only split over two files,
 * as {@code StringBuilder}'s are over {@code AbstractStringBuilder}. Expr is its only subclass.
 */
abstract class AbstractExpr {
    final Node node;

    AbstractExpr(Node node) {
        this.node = node;
    }

    /** This expression, as the {@link Expr} it always is. */
    private Expr self() {
        return (Expr) this;
    }

    /** The shape, not copied. */
    long[] dims() {
        return node.shape();
    }

    static Expr node(OpCode op, long[] shape, Expr... args) {
        return node(op, op.fileName(), shape, args);
    }

    static Expr node(OpCode op, String name, long[] shape, Expr... args) {
        return new Expr(new Node(op, shape, args, null, 0, null, Types.of(op, name, args)));
    }

    static Expr node(OpCode op, long[] shape, Expr[] args, float[] values, int index) {
        return new Expr(new Node(op, shape, args, values, index, null, Types.of(op, op.fileName(), args)));
    }

    // ---- element-wise arithmetic with NumPy broadcasting ------------------------------------------

    /** {@code this + other}, broadcasting like NumPy. */
    public Expr plus(Expr other) {
        return binary(OpCode.ADD, "plus", other);
    }

    /** {@code this + value} (an int tensor takes whole values only). */
    public Expr plus(double value) {
        return plus(like(value));
    }

    /** A scalar of this tensor's type: an int constant for int tensors when {@code value} is whole. */
    private Expr like(double value) {
        return node.dtype().isInteger() && value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE
                ? Expr.intScalar((int) value).cast(node.dtype()) : Expr.scalar(value);
    }

    /** {@code this - other}, broadcasting like NumPy. */
    public Expr minus(Expr other) {
        return binary(OpCode.SUB, "minus", other);
    }

    /** {@code this - value}. */
    public Expr minus(double value) {
        return minus(like(value));
    }

    /** Element-wise {@code this * other}, broadcasting like NumPy. */
    public Expr times(Expr other) {
        return binary(OpCode.MUL, "times", other);
    }

    /** {@code this * value}. */
    public Expr times(double value) {
        return times(like(value));
    }

    /** Element-wise {@code this / other}, broadcasting like NumPy. */
    public Expr div(Expr other) {
        return binary(OpCode.DIV, "div", other);
    }

    /** {@code this / value}. */
    public Expr div(double value) {
        return div(Expr.scalar(value));
    }

    /** Element-wise {@code this ** exponent}. */
    public Expr pow(Expr exponent) {
        return binary(OpCode.POW, "pow", exponent);
    }

    /** {@code this ** exponent}; {@code pow(2)} is built as {@link #square()}. */
    public Expr pow(double exponent) {
        return exponent == 2 ? square() : pow(Expr.scalar(exponent));
    }

    /** Element-wise {@code max(this, other)}, broadcasting; the gradient goes to the larger (to this on ties). */
    public Expr maximum(Expr other) {
        return binary(OpCode.MAXIMUM, "maximum", other);
    }

    /** Element-wise {@code min(this, other)}, broadcasting; the gradient goes to the smaller (to this on ties). */
    public Expr minimum(Expr other) {
        return binary(OpCode.MINIMUM, "minimum", other);
    }

    /** 1 where {@code this >= other}, else 0 (broadcasting); a mask, with no gradient. */
    public Expr greaterEqual(Expr other) {
        return binary(OpCode.GREATER_EQUAL, "greaterEqual", other);
    }

    /** 1 where {@code this >= value}, else 0; a mask, with no gradient. */
    public Expr greaterEqual(double value) {
        return greaterEqual(like(value));
    }

    /** 1 (float) where {@code this == other}, else 0 (broadcasting); a mask, with no gradient. */
    public Expr equal(Expr other) {
        return binary(OpCode.EQUAL, "equal", other);
    }

    /** 1 where {@code this == value}, else 0, e.g. {@code ids.equal(paddingId)}; a mask, with no gradient. */
    public Expr equal(double value) {
        return equal(like(value));
    }

    /** 1 (float) where {@code this != other}, else 0 (broadcasting); a mask, with no gradient. */
    public Expr notEqual(Expr other) {
        return binary(OpCode.NOT_EQUAL, "notEqual", other);
    }

    /** 1 where {@code this != value}, else 0; a mask, with no gradient. */
    public Expr notEqual(double value) {
        return notEqual(like(value));
    }

    /** 1 (float) where {@code this < other}, else 0 (broadcasting); a mask, with no gradient. */
    public Expr less(Expr other) {
        return binary(OpCode.LESS, "less", other);
    }

    /** 1 (float) where {@code this <= other}, else 0 (broadcasting); a mask, with no gradient. */
    public Expr lessEqual(Expr other) {
        return binary(OpCode.LESS_EQUAL, "lessEqual", other);
    }

    /** 1 (float) where {@code this > other}, else 0 (broadcasting); a mask, with no gradient. */
    public Expr greater(Expr other) {
        return binary(OpCode.GREATER, "greater", other);
    }

    private Expr binary(OpCode op, String name, Expr other) {
        Objects.requireNonNull(other, name);
        return node(op, name, Shapes.broadcast(name, dims(), other.dims()), self(), other);
    }

    // ---- unary ---------------------------------------------------------------------------------------

    /** {@code -this}. */
    public Expr neg() {
        return node(OpCode.NEG, dims(), self());
    }

    /** Element-wise square. */
    public Expr square() {
        return node(OpCode.SQUARE, dims(), self());
    }

    /** Element-wise square root. */
    public Expr sqrt() {
        return node(OpCode.SQRT, dims(), self());
    }

    /** Element-wise {@code e^x}. */
    public Expr exp() {
        return node(OpCode.EXP, dims(), self());
    }

    /** Element-wise natural logarithm. */
    public Expr log() {
        return node(OpCode.LOG, dims(), self());
    }

    /** Element-wise absolute value. */
    public Expr abs() {
        return node(OpCode.ABS, dims(), self());
    }

    /** Element-wise {@code max(0, x)}; the derivative at 0 is 0, as in PyTorch. */
    public Expr relu() {
        return node(OpCode.RELU, dims(), self());
    }

    /** Element-wise hyperbolic tangent. */
    public Expr tanh() {
        return node(OpCode.TANH, dims(), self());
    }

    /** Element-wise logistic sigmoid. */
    public Expr sigmoid() {
        return node(OpCode.SIGMOID, dims(), self());
    }

    /** Itself: the identity function, for symmetry with the activation layers. */
    public Expr identity() {
        return self();
    }

    /** {@code x} clipped to [-1, 1] ({@code nn.Hardtanh()}). */
    public Expr hardtanh() {
        return hardtanh(-1, 1);
    }

    /**
     * {@code x} clipped to [{@code min}, {@code max}]; the derivative is 1 strictly inside and 0 at
     * and beyond the bounds, as PyTorch's.
     */
    public Expr hardtanh(double min, double max) {
        Check.hardtanh(min, max);
        return node(OpCode.HARDTANH, dims(), new Expr[] {self()}, new float[] {(float) min, (float) max}, 0);
    }

    /** {@code x} above zero, {@code slope * x} below ({@code nn.LeakyReLU}). */
    public Expr leakyRelu(double slope) {
        Check.finite("leakyRelu", "slope", slope);
        return node(OpCode.LEAKY_RELU, dims(), new Expr[] {self()}, new float[] {(float) slope}, 0);
    }

    /** ELU with alpha 1. */
    public Expr elu() {
        return elu(1);
    }

    /** {@code x} above zero, {@code alpha * (exp(x) - 1)} below ({@code nn.ELU(alpha)}). */
    public Expr elu(double alpha) {
        Check.finite("elu", "alpha", alpha);
        return node(OpCode.ELU, dims(), new Expr[] {self()}, new float[] {(float) alpha}, 0);
    }

    /** The error function. */
    public Expr erf() {
        return node(OpCode.ERF, dims(), self());
    }

    /** GELU, exact form {@code 0.5 * x * (1 + erf(x / sqrt(2)))} (PyTorch's default). */
    public Expr gelu() {
        return node(OpCode.GELU, dims(), self());
    }

    /** {@code log(1 + exp(x))}. */
    public Expr softplus() {
        return node(OpCode.SOFTPLUS, dims(), self());
    }

    /**
     * The per-element binary cross-entropy of these logits against 0/1 {@code targets}
     * ({@code BCEWithLogitsLoss(reduction='none')}), in the stable form PyTorch and TensorFlow use,
     * {@code max(z, 0) - z*y + log(1 + exp(-|z|))}: accurate at confident logits (at {@code z = 15, y = 1}
     * it is 3.06e-7, where {@code softplus(z) - z*y} cancels to 0), with the derivative
     * {@code sigmoid(z) - y} everywhere, at {@code z = 0} too; take {@code .mean()} for PyTorch's default.
     */
    public Expr bceWithLogits(Expr targets) {
        Objects.requireNonNull(targets, "targets");
        Shapes.broadcast("bceWithLogits", dims(), targets.dims());
        // m = [z >= 0] (no gradient): z*m is max(z, 0) and z - 2*z*m is -|z|, both taking the same side at z = 0, so
        // the derivative there is 1 - y - sigmoid(0) = 0.5 - y, as PyTorch's.
        Expr m = greaterEqual(0);
        return times(m).minus(times(targets)).plus(minus(times(m).times(2)).softplus());
    }

    /**
     * The softmax cross-entropy of each row of these logits ({@code [batch, classes]}, or {@code [batch, T, classes]}
     * for a class per position) against rows of class probabilities of the same shape (one-hot rows for class
     * labels): {@code [batch]} (or {@code [batch, T]}).
     */
    public Expr softmaxCrossEntropy(Expr targets) {
        Objects.requireNonNull(targets, "targets");
        return node(OpCode.SOFTMAX_CROSS_ENTROPY, Shapes.softmaxCrossEntropy(dims(), targets.dims()), self(), targets);
    }

    /** Softmax over the last dimension. */
    public Expr softmax() {
        Shapes.lastAxis("softmax", dims());
        return node(OpCode.SOFTMAX, dims(), self());
    }

    /** Log-softmax over the last dimension. */
    public Expr logSoftmax() {
        Shapes.lastAxis("logSoftmax", dims());
        return node(OpCode.LOG_SOFTMAX, dims(), self());
    }
}
