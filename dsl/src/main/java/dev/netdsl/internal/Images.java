package dev.netdsl.internal;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Convolutions, pooling and batch norm as TensorFlow ops on channels-last ([N, H, W, C]) values, the
 * layout TensorFlow's CPU kernels take, for expressions written in PyTorch's [N, C, H, W].
 */
final class Images {
    private Images() {
    }

    /** A convolution (weight [O, C, kH, kW], bias [O] or null) or pooling of channels-last {@code x}; channels-last. */
    static Operand<TFloat32> build(Ops tf, Node n, Operand<TFloat32> x, Operand<TFloat32> weight, Operand<TFloat32> bias,
                                   boolean bfloat16) {
        float[] v = n.values();
        long a = (long) v[0];
        long b = (long) v[1];
        long c = (long) v[2];
        long d = (long) v[3];
        switch (n.op()) {
            case CONV2D: {
                // values: stride (a, b), padding (c, d). PyTorch pads both sides by p: TensorFlow's SAME does exactly that
                // for odd kernels at stride 1; otherwise pad explicitly and convolve VALID (Pad has a gradient).
                long[] k = Nodes.of(n.args()[1]).shape();
                Operand<TFloat32> filter = tf.linalg.transpose(weight, tf.constant(new int[] {2, 3, 1, 0}));
                Operand<TFloat32> input = x;
                String padding = "VALID";
                if (c != 0 || d != 0) {
                    if (a == 1 && b == 1 && k[2] % 2 == 1 && k[3] % 2 == 1 && c == (k[2] - 1) / 2 && d == (k[3] - 1) / 2) {
                        padding = "SAME";
                    } else {
                        input = tf.pad(x, tf.constant(new int[][] {{0, 0}, {(int) c, (int) c}, {(int) d, (int) d}, {0, 0}}),
                                tf.constant(0f));
                    }
                }
                // A kernel of 1 with a stride above 1 picks every stride-th row (column): take those with a strided
                // slice and convolve at stride 1 there. The same values; and oneDNN's backprop-filter kernel crashes the
                // process (or corrupts its heap) on 1x1 kernels with strides of 2 or more (docs/tensorflow-notes.md).
                boolean rows = k[2] == 1 && a > 1;
                boolean cols = k[3] == 1 && b > 1;
                if (rows || cols) {
                    input = tf.stridedSlice(input, tf.constant(new int[4]), tf.constant(new int[4]),
                            tf.constant(new int[] {1, rows ? (int) a : 1, cols ? (int) b : 1, 1}),
                            org.tensorflow.op.core.StridedSlice.beginMask(15L), org.tensorflow.op.core.StridedSlice.endMask(15L));
                    a = rows ? 1 : a;
                    b = cols ? 1 : b;
                }
                Operand<TFloat32> y = bfloat16
                        ? Bf16.back(tf, tf.nn.conv2d(Bf16.of(tf, input), Bf16.of(tf, filter), List.of(1L, a, b, 1L), padding))
                        : tf.nn.conv2d(input, filter, List.of(1L, a, b, 1L), padding);
                return bias == null ? y : tf.nn.biasAdd(y, bias);
            }
            case MAX_POOL2D:
                // values: kernel (a, b), stride (c, d); no padding, floor mode, as PyTorch's defaults.
                return tf.scope().env().opBuilder("MaxPool", tf.scope().makeOpName("MaxPool"), tf.scope()).addInput(x.asOutput())
                        .setAttr("ksize", new long[] {1, a, b, 1}).setAttr("strides", new long[] {1, c, d, 1}).setAttr("padding", "VALID")
                        .build().<TFloat32>output(0);
            case AVG_POOL2D:
                return tf.nn.avgPool(x, List.of(1L, a, b, 1L), List.of(1L, c, d, 1L), "VALID");
            default:
                throw new IllegalStateException("not an image op: " + n.op());
        }
    }

    /**
     * Training batch norm of channels-last {@code x} (or [N, C]) with the batch's own statistics: FusedBatchNormV3,
     * which has a gradient and also gives the batch's per-channel mean and unbiased variance (outputs 1 and 2,
     * which {@link ExprCompiler} reuses for {@code batchMean}/{@code batchVariance}).
     */
    static FusedBatchNorm<TFloat32, TFloat32> batchNormTrain(Ops tf, Node n, Operand<TFloat32> x, Operand<TFloat32> weight,
                                                              Operand<TFloat32> bias) {
        int channels = (int) n.shape()[1];
        Operand<TFloat32> in = n.shape().length == 4 ? x : tf.reshape(x, tf.constant(new int[] {-1, 1, 1, channels}));
        Operand<TFloat32> empty = tf.constant(new float[0]);
        return tf.nn.fusedBatchNorm(in, weight, bias, empty, empty, FusedBatchNorm.epsilon(n.values()[0]),
                FusedBatchNorm.isTraining(true), FusedBatchNorm.dataFormat("NHWC"));
    }

    /** {@link #batchNormTrain}'s output in {@code n}'s layout ([N, C] nets get back [N, C]). */
    static Operand<TFloat32> normalized(Ops tf, Node n, FusedBatchNorm<TFloat32, TFloat32> bn) {
        return n.shape().length == 4 ? bn.y() : tf.reshape(bn.y(), tf.constant(new int[] {-1, (int) n.shape()[1]}));
    }

    /**
     * Batch norm of channels-last {@code x} (or [N, C]) with given statistics, as one multiply and one add per
     * element: {@code x * s + (bias - mean * s)} with {@code s = weight / sqrt(variance + eps)} worked out per
     * channel. FusedBatchNormV3's inference form is 5-10 times slower here at batch 1000 under oneDNN and Eigen
     * alike (docs/tensorflow-notes.md).
     */
    static Operand<TFloat32> batchNormInference(Ops tf, Node n, Operand<TFloat32> x, Operand<TFloat32> weight,
                                                Operand<TFloat32> bias, Operand<TFloat32> mean, Operand<TFloat32> variance) {
        Operand<TFloat32> scale = tf.math.mul(weight, tf.math.rsqrt(tf.math.add(variance, tf.constant(n.values()[0]))));
        Operand<TFloat32> shift = tf.math.sub(bias, tf.math.mul(mean, scale));
        return tf.math.add(tf.math.mul(x, scale), shift);
    }

    /** The per-channel mean, or unbiased variance, of {@code x} ([N, C], [N, C, H, W], or channels-last). */
    static Operand<TFloat32> moments(Ops tf, Node n, Operand<TFloat32> x, boolean channelsLast) {
        int rank = Nodes.of(n.args()[0]).shape().length;
        int[] axes = rank == 2 ? new int[] {0} : channelsLast ? new int[] {0, 1, 2} : new int[] {0, 2, 3};
        Operand<TInt32> reduce = tf.constant(axes);
        Operand<TFloat32> mean = tf.math.mean(x, reduce, Mean.keepDims(true));
        Operand<TInt32> channels = tf.constant(new int[] {(int) n.shape()[0]});
        if (n.op() == OpCode.BATCH_MEAN) {
            return tf.reshape(mean, channels);
        }
        Operand<TFloat32> squares = tf.math.mean(tf.math.square(tf.math.sub(x, mean)), reduce);
        Operand<TFloat32> count = tf.dtypes.cast(tf.math.div(tf.size(x), tf.constant((int) n.shape()[0])), TFloat32.class);
        return tf.reshape(tf.math.mul(squares, tf.math.div(count, tf.math.sub(count, tf.constant(1f)))), channels);
    }
}
