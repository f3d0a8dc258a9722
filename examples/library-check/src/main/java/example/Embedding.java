package example;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import dev.netdsl.layers.Initializers;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.LayerContext;
import dev.netdsl.layers.ParameterSpec;
import dev.netdsl.layers.Settings;
import java.util.Arrays;
import java.util.List;

/**
 * A layer written outside NetDSL, as a user would: PyTorch's {@code nn.Embedding(num_embeddings,
 * embedding_dim)}, a table of {@code embedding_dim}-long vectors (named {@code weight}, drawn from N(0, 1)
 * as PyTorch draws them) looked up by int32 token ids: {@code [T]} ids give {@code [T, dim]} vectors.
 */
public final class Embedding implements Layer {
    private final int count;
    private final int dim;

    public Embedding(int count, int dim) {
        if (count < 1 || dim < 1) {
            throw new IllegalArgumentException("Embedding(" + count + ", " + dim + "): both sizes must be at least 1");
        }
        this.count = count;
        this.dim = dim;
    }

    /** Rebuilds it from a model file; register it with {@code Layers.register("Embedding", Embedding::fromSettings)}. */
    public static Embedding fromSettings(Settings s) {
        return new Embedding(s.getInt("num_embeddings"), s.getInt("embedding_dim"));
    }

    @Override
    public String typeName() {
        return "Embedding";
    }

    @Override
    public Settings settings() {
        return Settings.of("num_embeddings", count, "embedding_dim", dim);
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.of("weight", Initializers.normal(0, 1), count, dim));
    }

    @Override
    public int[] outputShape(int[] input) {
        int[] out = Arrays.copyOf(input, input.length + 1);
        out[input.length] = dim;
        return out;
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
    public Expr forward(Expr ids, LayerContext context) {
        return context.parameter("weight").gather(ids);
    }

    @Override
    public String toString() {
        return "Embedding(" + count + ", " + dim + ")";
    }
}
