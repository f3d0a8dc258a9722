package dev.netdsl.layers;

import java.util.Arrays;

/**
 * A fully connected layer that takes its input size from its input, like PyTorch's {@code nn.LazyLinear(out)}
 * and Keras's {@code Dense(out)}: in a net it becomes {@code Linear(in_features=in, out_features=out)} for the
 * {@code [in]} examples it receives, with the same parameters, initialisation and numbers as
 * {@code linear(in, out)}. Create with {@link Layers#linear(int)}.
 */
public final class LazyLinear extends LazyLayer {
    private final int out;

    LazyLinear(int out) {
        if (out < 1) {
            throw new IllegalArgumentException("linear(" + out + "): the output size " + out
                    + " must be at least 1; pass the number of features the layer produces");
        }
        this.out = out;
    }

    /** Output features. */
    public int out() {
        return out;
    }

    /**
     * {@code Linear(in_features=input[0], out_features=out)}.
     *
     * @throws IllegalArgumentException unless {@code input} is {@code [features]}
     */
    @Override
    public Linear resolve(int[] input) {
        if (input.length != 1) {
            throw new IllegalArgumentException(this + ": needs examples of one dimension, [features], but gets "
                    + Arrays.toString(input) + "; add flatten() before it");
        }
        return new Linear(input[0], out);
    }

    @Override
    String explicit() {
        return "linear(in, " + out + ")";
    }

    /** PyTorch's name, {@code LazyLinear}; model files store the resolved {@code Linear} instead. */
    @Override
    public String typeName() {
        return "LazyLinear";
    }

    @Override
    public Settings settings() {
        return Settings.of("out_features", out);
    }

    /** The call that made it, {@code linear(128)}. */
    @Override
    public String toString() {
        return "linear(" + out + ")";
    }
}
