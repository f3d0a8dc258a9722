package dev.netdsl.internal;

import java.util.Locale;

/**
 * What an expression node computes. The names (lower case) are what model files store, so a constant
 * may be added but never renamed or removed.
 */
public enum OpCode {
    /** A value supplied by whoever compiles the expression: an Autograd variable or input ({@code ref} is the leaf). */
    LEAF,
    /** The input of a model's forward pass. */
    MODEL_INPUT,
    /** A constant ({@code values}, row-major). */
    CONST,
    /** A layer's parameter or buffer inside its forward pass ({@code ref} is a {@link ParamRef}). */
    PARAM,
    /** A value bound by internal code ({@code ref} is the key it is bound by). */
    BOUND,
    /** A layer applied to its argument ({@code ref} is the layer). */
    APPLY,
    /** Uniform noise in [0, 1) shaped like the argument, keyed by the model's seed, the step and {@code index}. */
    RANDOM_UNIFORM,
    ADD, SUB, MUL, DIV, POW, MATMUL, BIAS_ADD, MAXIMUM, MINIMUM,
    NEG, SQUARE, SQRT, EXP, LOG, ABS, RELU, TANH, SIGMOID, SOFTMAX, LOG_SOFTMAX, TRANSPOSE,
    HARDTANH, LEAKY_RELU, ELU, GELU, SOFTPLUS, ERF,
    /** 1 where {@code a >= b}, else 0; no gradient. */
    GREATER_EQUAL,
    /** Softmax cross-entropy of logits against probability rows, one value per row. */
    SOFTMAX_CROSS_ENTROPY,
    SUM, MEAN, MAX, SUM_AXIS, MEAN_AXIS, AT, RESHAPE,
    /** Dimensions reordered ({@code values} holds the permutation). */
    PERMUTE,
    /** 2-D convolution, PyTorch's layouts: x [N, C, H, W], weight [O, C, kH, kW], bias [O]; values: stride, padding. */
    CONV2D,
    /** Max pooling over [N, C, H, W]; values: kernel, stride. */
    MAX_POOL2D,
    /** Average pooling over [N, C, H, W]; values: kernel, stride. */
    AVG_POOL2D,
    /** Batch norm with given statistics: x [N, C] or [N, C, H, W], weight, bias, mean, var; values: eps. */
    BATCH_NORM,
    /** Batch norm with the batch's own statistics: x, weight, bias; values: eps. */
    BATCH_NORM_TRAIN,
    /** The per-channel (dimension 1) mean of a batch. */
    BATCH_MEAN,
    /** The per-channel (dimension 1) unbiased variance of a batch. */
    BATCH_VARIANCE,
    /** The argument converted to the node's element type. */
    CAST,
    /** Rows of the first argument (axis 0) at the integer indices of the second: an embedding lookup. */
    GATHER,
    /** Integer indices as one-hot float rows; index: the depth. */
    ONE_HOT,
    /** 1 where {@code a == b}, else 0 (float); no gradient. */
    EQUAL,
    /** 1 where {@code a != b}, else 0 (float); no gradient. */
    NOT_EQUAL,
    /** 1 where {@code a < b}, else 0 (float); no gradient. */
    LESS,
    /** 1 where {@code a <= b}, else 0 (float); no gradient. */
    LESS_EQUAL,
    /** 1 where {@code a > b}, else 0 (float); no gradient. */
    GREATER,
    /** Index {@code values[1]} along axis {@code values[0]}, which is removed. */
    SELECT,
    /** {@code values[2]} elements from {@code values[1]} along axis {@code values[0]}. */
    NARROW,
    /** The arguments joined along axis {@code index}. */
    CONCAT,
    /** The arguments stacked along a new axis {@code index}. */
    STACK,
    /** The argument's value with no gradient through it. */
    STOP_GRADIENT,
    /** Where the first argument is nonzero the second, else the third (broadcasting). */
    WHERE,
    /** Layer normalisation over the last {@code index} axes: x, weight, bias; values: eps. */
    LAYER_NORM;

    /** The name files use. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The op a file names, or null. {@code linear} (format 2 before layers were open) reads as
     * {@link #APPLY} of a Linear layer.
     */
    public static OpCode fromFileName(String name) {
        if (name.equals("linear")) {
            return APPLY;
        }
        for (OpCode op : values()) {
            if (op.fileName().equals(name)) {
                return op;
            }
        }
        return null;
    }
}
