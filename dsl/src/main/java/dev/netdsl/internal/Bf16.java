package dev.netdsl.internal;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * The casts around a product computed in bfloat16 ({@link dev.netdsl.Precision#BF16}): float32 operands are
 * rounded to bfloat16 before it and its result returns to float32, so the weights, their gradients (Cast's
 * gradient casts back) and everything downstream stay float32.
 */
final class Bf16 {
    private Bf16() {
    }

    /** {@code x} rounded to bfloat16. */
    static Operand<TBfloat16> of(Ops tf, Operand<TFloat32> x) {
        return tf.dtypes.cast(x, TBfloat16.class);
    }

    /** A bfloat16 result as float32. */
    static Operand<TFloat32> back(Ops tf, Operand<TBfloat16> y) {
        return tf.dtypes.cast(y, TFloat32.class);
    }
}
