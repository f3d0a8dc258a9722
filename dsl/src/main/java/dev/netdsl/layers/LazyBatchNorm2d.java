package dev.netdsl.layers;

import java.util.Arrays;

/**
 * Batch normalisation that takes its channels from its input, like PyTorch's {@code nn.LazyBatchNorm2d()}: in
 * a net it becomes {@code BatchNorm2d(C)} for the [channels, height, width] examples it receives, the same as
 * {@code batchNorm2d(C)}. Create with {@link Layers#batchNorm2d()}.
 */
public final class LazyBatchNorm2d extends LazyLayer {
    LazyBatchNorm2d() {
    }

    /**
     * {@code BatchNorm2d(input[0])}, eps 1e-5 and momentum 0.1.
     *
     * @throws IllegalArgumentException unless {@code input} is {@code [channels, height, width]}
     */
    @Override
    public BatchNorm2d resolve(int[] input) {
        if (input.length != 3) {
            throw new IllegalArgumentException(this + ": normalises [N, C, H, W] batches, examples of shape"
                    + " [channels, height, width], but gets " + Arrays.toString(input));
        }
        return new BatchNorm2d(input[0], BatchNorm.EPS, BatchNorm.MOMENTUM);
    }

    @Override
    String explicit() {
        return "batchNorm2d(channels)";
    }

    /** PyTorch's name, {@code LazyBatchNorm2d}; model files store the resolved {@code BatchNorm2d} instead. */
    @Override
    public String typeName() {
        return "LazyBatchNorm2d";
    }

    /** The call that made it, {@code batchNorm2d()}. */
    @Override
    public String toString() {
        return "batchNorm2d()";
    }
}
