package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.List;

/**
 * Position information added to a sequence {@code [T, dim]}: learned ({@code weight [maxLen, dim]} from N(0, 1),
 * as {@code nn.Embedding} of the positions, its first T rows added), or the fixed sines and cosines of PyTorch's
 * Transformer tutorial ({@code pe[pos, 2i] = sin(pos / 10000^(2i / dim))}, {@code cos} at {@code 2i + 1}; no
 * parameters). Create with {@link Layers#positionalEmbedding(int, int)} or {@link Layers#sinusoidalEncoding(int)}.
 */
public final class PositionalEncoding implements Layer {
    private final int maxLen;
    private final int dim;
    private final boolean learned;

    PositionalEncoding(int maxLen, int dim, boolean learned) {
        if (dim < 1 || learned && maxLen < 1) {
            throw new IllegalArgumentException("positional encoding(" + maxLen + ", " + dim + "): sizes must be at least 1");
        }
        this.maxLen = maxLen;
        this.dim = dim;
        this.learned = learned;
    }

    /** Rebuilds it from its settings. */
    public static PositionalEncoding fromSettings(Settings s) {
        return new PositionalEncoding(s.getInt("max_len"), s.getInt("dim"), s.getBoolean("learned"));
    }

    @Override
    public String typeName() {
        return "PositionalEncoding";
    }

    @Override
    public Settings settings() {
        return Settings.of("max_len", maxLen, "dim", dim, "learned", learned);
    }

    @Override
    public List<ParameterSpec> parameters() {
        return learned ? List.of(ParameterSpec.of("weight", Initializers.normal(0, 1), maxLen, dim)) : List.of();
    }

    @Override
    public DType outputType(DType input) {
        return FloatLayers.check(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length != 2 || input[1] != dim || learned && input[0] > maxLen) {
            throw new IllegalArgumentException(this + " takes sequences [T, " + dim + "]" + (learned ? " with T up to " + maxLen : "")
                    + " but gets " + java.util.Arrays.toString(input));
        }
        return input.clone();
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        int t = (int) x.shape()[1];
        if (learned) {
            return x.plus(context.parameter("weight").narrow(0, 0, t));
        }
        float[] pe = new float[t * dim];
        for (int pos = 0; pos < t; pos++) {
            for (int i = 0; i < dim; i += 2) {
                double angle = pos * Math.exp(i * (-Math.log(10000.0) / dim));
                pe[pos * dim + i] = (float) Math.sin(angle);
                if (i + 1 < dim) {
                    pe[pos * dim + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        return x.plus(Expr.constant(pe, t, dim));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PositionalEncoding p && p.maxLen == maxLen && p.dim == dim && p.learned == learned;
    }

    @Override
    public int hashCode() {
        return (31 * maxLen + dim) * 2 + (learned ? 1 : 0);
    }

    @Override
    public String toString() {
        return learned ? "positionalEmbedding(" + maxLen + ", " + dim + ")" : "sinusoidalEncoding(" + dim + ")";
    }
}
