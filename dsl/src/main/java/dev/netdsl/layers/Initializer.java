package dev.netdsl.layers;

import java.util.SplittableRandom;

/** Produces a variable's starting values; see {@link Initializers} for PyTorch's ones. */
@FunctionalInterface
public interface Initializer {
    /**
     * Values for a tensor of {@code shape}, row-major.
     *
     * @param shape the variable's shape, every dimension known
     * @param random the owner's seeded generator
     */
    float[] values(long[] shape, SplittableRandom random);
}
