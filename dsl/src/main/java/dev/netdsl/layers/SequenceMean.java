package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.Arrays;
import java.util.List;

/**
 * The mean over the time axis of {@code [batch, T, features]}, giving {@code [batch, features]} (PyTorch's
 * {@code x.mean(dim=1)}, Keras' {@code GlobalAveragePooling1D}): how a Transformer encoder's outputs become one
 * vector per sequence for a classifier. {@link #paddingMask(int)} averages only the positions whose token id in the
 * net's input is not the padding id (a sequence of padding only gives zeros). Create with
 * {@link Layers#sequenceMean()}.
 */
public final class SequenceMean implements Layer {
    private final int paddingId;

    SequenceMean(int paddingId) {
        this.paddingId = paddingId;
    }

    /** Rebuilds it from its settings. */
    public static SequenceMean fromSettings(Settings s) {
        return new SequenceMean(s.getInt("padding_id"));
    }

    /** A copy that leaves out the positions whose input token id is {@code id} (usually {@code Tokenizer.PAD}, 0). */
    public SequenceMean paddingMask(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("sequenceMean().paddingMask(" + id + "): a token id is at least 0");
        }
        return new SequenceMean(id);
    }

    @Override
    public String typeName() {
        return "SequenceMean";
    }

    @Override
    public Settings settings() {
        return Settings.of("padding_id", paddingId);
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public DType outputType(DType input) {
        return FloatLayers.check(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length != 2) {
            throw new IllegalArgumentException(this + " takes sequences [T, features] but gets " + Arrays.toString(input));
        }
        return new int[] {input[1]};
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        if (paddingId < 0) {
            return x.mean(1);
        }
        long t = x.shape()[1];
        Expr ids = context.netInput();
        if (!ids.dtype().isInteger() || ids.rank() != 2 || ids.shape()[1] != t) {
            throw new IllegalArgumentException(this + " needs the net's input to be int token ids [batch, " + t + "], but it is "
                    + ids.dtype().fileName() + " " + Arrays.toString(ids.shape()));
        }
        Expr keep = ids.notEqual(paddingId).cast(DType.FLOAT32).reshape(-1, t, 1);
        return x.times(keep).sum(1).div(keep.sum(1).maximum(Expr.scalar(1)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceMean m && m.paddingId == paddingId;
    }

    @Override
    public int hashCode() {
        return paddingId;
    }

    @Override
    public String toString() {
        return "sequenceMean()" + (paddingId >= 0 ? ".paddingMask(" + paddingId + ")" : "");
    }
}
