package dev.netdsl.layers;

import java.util.Arrays;

/**
 * Batch normalisation that takes its features from its input, like PyTorch's {@code nn.LazyBatchNorm1d()}: in
 * a net it becomes {@code BatchNorm1d(C)} for the [features] examples it receives, the same as
 * {@code batchNorm1d(C)}. Create with {@link Layers#batchNorm1d()}.
 */
public final class LazyBatchNorm1d extends LazyLayer {
    LazyBatchNorm1d() {
    }

    /**
     * {@code BatchNorm1d(input[0])}, eps 1e-5 and momentum 0.1.
     *
     * @throws IllegalArgumentException unless {@code input} is {@code [features]}
     */
    @Override
    public BatchNorm1d resolve(int[] input) {
        if (input.length != 1) {
            throw new IllegalArgumentException(this + ": normalises [N, C] batches, examples of shape [features], but gets "
                    + Arrays.toString(input));
        }
        return new BatchNorm1d(input[0], BatchNorm.EPS, BatchNorm.MOMENTUM);
    }

    @Override
    String explicit() {
        return "batchNorm1d(features)";
    }

    /** PyTorch's name, {@code LazyBatchNorm1d}; model files store the resolved {@code BatchNorm1d} instead. */
    @Override
    public String typeName() {
        return "LazyBatchNorm1d";
    }

    /** The call that made it, {@code batchNorm1d()}. */
    @Override
    public String toString() {
        return "batchNorm1d()";
    }
}
