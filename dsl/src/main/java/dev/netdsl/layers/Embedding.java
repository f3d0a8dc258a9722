package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code nn.Embedding(num_embeddings, embedding_dim, padding_idx)}: a {@code weight} table of
 * {@code [num, dim]} vectors drawn from N(0, 1), looked up by int token ids ({@code [T]} ids give
 * {@code [T, dim]}). With a padding index that row starts at zero and gets no gradient, so it stays as it
 * is. Create with {@link Layers#embedding(int, int)}; ids outside {@code [0, num)} fail when the graph runs.
 */
public final class Embedding implements Layer {
    private final int count;
    private final int dim;
    /** The padding row, or -1. */
    private final int padding;

    Embedding(int count, int dim, int padding) {
        if (count < 1 || dim < 1) {
            throw new IllegalArgumentException("embedding(" + count + ", " + dim + "): both sizes must be at least 1");
        }
        if (padding < -1 || padding >= count) {
            throw new IllegalArgumentException("embedding(" + count + ", " + dim + ").paddingIdx(" + padding + "): must be a row, 0.."
                    + (count - 1));
        }
        this.count = count;
        this.dim = dim;
        this.padding = padding;
    }

    /** Rebuilds it from {@code num_embeddings}, {@code embedding_dim} and {@code padding_idx} (if set). */
    public static Embedding fromSettings(Settings s) {
        return new Embedding(s.getInt("num_embeddings"), s.getInt("embedding_dim"), s.has("padding_idx") ? s.getInt("padding_idx")
                : -1);
    }

    /** A copy whose row {@code index} starts at zero and gets no gradient ({@code padding_idx}). */
    public Embedding paddingIdx(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("paddingIdx(" + index + "): must be a row, 0.." + (count - 1));
        }
        return new Embedding(count, dim, index);
    }

    /** The padding row, or -1 if there is none. */
    public int paddingIdx() {
        return padding;
    }

    @Override
    public String typeName() {
        return "Embedding";
    }

    @Override
    public Settings settings() {
        Settings s = Settings.of("num_embeddings", count, "embedding_dim", dim);
        return padding >= 0 ? s.with("padding_idx", padding) : s;
    }

    @Override
    public List<ParameterSpec> parameters() {
        Initializer normal = Initializers.normal(0, 1);
        Initializer init = padding < 0 ? normal : (shape, random) -> {
            float[] v = normal.values(shape, random);
            Arrays.fill(v, padding * dim, (padding + 1) * dim, 0f);
            return v;
        };
        return List.of(ParameterSpec.of("weight", init, count, dim));
    }

    @Override
    public DType outputType(DType input) {
        if (!input.isInteger()) {
            throw new IllegalArgumentException(this + " looks up int token ids but gets " + input.fileName()
                    + "; declare them with .input(DType.INT32, ...)");
        }
        return DType.FLOAT32;
    }

    @Override
    public int[] outputShape(int[] input) {
        int[] out = Arrays.copyOf(input, input.length + 1);
        out[input.length] = dim;
        return out;
    }

    @Override
    public Expr forward(Expr ids, LayerContext context) {
        Expr weight = context.parameter("weight");
        if (padding >= 0) {
            // The padding row's value, without its gradient: w * keep + detach(w) * (1 - keep).
            float[] keep = new float[count];
            Arrays.fill(keep, 1f);
            keep[padding] = 0;
            Expr rows = Expr.constant(keep, count, 1);
            weight = weight.times(rows).plus(weight.detach().times(Expr.scalar(1).minus(rows)));
        }
        return weight.gather(ids);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && e.count == count && e.dim == dim && e.padding == padding;
    }

    @Override
    public int hashCode() {
        return (31 * count + dim) * 31 + padding;
    }

    @Override
    public String toString() {
        return "Embedding(" + count + ", " + dim + (padding >= 0 ? ", padding_idx=" + padding : "") + ")";
    }
}
