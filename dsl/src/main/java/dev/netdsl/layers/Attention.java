package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.Arrays;

/**
 * Multi-head self-attention as PyTorch computes it ({@code F.multi_head_attention_forward}, batch first): one
 * input projection to queries, keys and values, heads of {@code E / heads}, {@code softmax(q k^T / sqrt(d))} with
 * masked keys at {@code -inf}, dropout on the weights in training, and the output projection. Shared by
 * {@link MultiheadAttention} and {@link TransformerEncoderLayer}.
 */
final class Attention {
    private Attention() {
    }

    /**
     * Self-attention over {@code x} ({@code [batch, T, E]}) with parameters {@code prefix} + {@code in_proj_weight},
     * {@code in_proj_bias}, {@code out_proj.weight}, {@code out_proj.bias} of {@code c}.
     *
     * @param paddingId keys whose token id in the net's input is this are ignored, or -1
     * @param causal each position sees only itself and those before it
     */
    static Expr self(Expr x, LayerContext c, String prefix, int heads, int paddingId, boolean causal, double dropout) {
        long[] s = x.shape();
        int t = (int) s[1];
        int e = (int) s[2];
        Expr qkv = projection(x, c, prefix);
        Expr weights = weights(qkv, c, heads, paddingId, causal);
        if (dropout > 0 && c.training()) {
            weights = weights.times(c.uniform(weights).greaterEqual(dropout)).times(1 / (1 - dropout));
        }
        Expr v = heads(qkv.narrow(-1, 2 * e, e), t, heads, e / heads);
        Expr out = weights.matmul(v).permute(0, 2, 1, 3).reshape(-1, t, e);
        return out.matmul(c.parameter(prefix + "out_proj.weight")).addBias(c.parameter(prefix + "out_proj.bias"));
    }

    /**
     * The attention weights {@code [batch, heads, T, T]} (before dropout) from the projection {@code qkv}
     * ({@code [batch, T, 3E]}): {@code softmax(q k^T / sqrt(d))}, masked keys 0.
     */
    static Expr weights(Expr qkv, LayerContext c, int heads, int paddingId, boolean causal) {
        long[] s = qkv.shape();
        int t = (int) s[1];
        int e = (int) s[2] / 3;
        int d = e / heads;
        Expr q = heads(qkv.narrow(-1, 0, e).times(1 / Math.sqrt(d)), t, heads, d);
        Expr k = heads(qkv.narrow(-1, e, e), t, heads, d);
        Expr scores = q.matmul(k.permute(0, 1, 3, 2));
        Expr minusInf = Expr.scalar(Double.NEGATIVE_INFINITY);
        if (paddingId >= 0) {
            scores = keysOf(c.netInput(), t, paddingId).where(minusInf, scores);
        }
        if (causal) {
            float[] later = new float[t * t];
            for (int i = 0; i < t; i++) {
                for (int j = i + 1; j < t; j++) {
                    later[i * t + j] = 1;
                }
            }
            scores = Expr.constant(later, t, t).where(minusInf, scores);
        }
        return scores.softmax();
    }

    /** Queries, keys and values side by side, {@code [batch, T, 3E]}. */
    static Expr projection(Expr x, LayerContext c, String prefix) {
        return x.matmul(c.parameter(prefix + "in_proj_weight")).addBias(c.parameter(prefix + "in_proj_bias"));
    }

    /** {@code [batch, T, E]} as {@code [batch, heads, T, E / heads]}. */
    private static Expr heads(Expr x, int t, int heads, int d) {
        return x.reshape(-1, t, heads, d).permute(0, 2, 1, 3);
    }

    /** 1 for each key that is padding, {@code [batch, 1, 1, T]}, from the net's input token ids {@code [batch, T]}. */
    private static Expr keysOf(Expr ids, int t, int paddingId) {
        long[] s = ids.shape();
        if (!ids.dtype().isInteger() || s.length != 2 || s[1] != t) {
            throw new IllegalArgumentException("a padding mask needs the net's input to be int token ids [batch, " + t + "], but it"
                    + " is " + ids.dtype().fileName() + " " + Arrays.toString(s));
        }
        return ids.equal(paddingId).reshape(-1, 1, 1, t);
    }

    /** The parameters, PyTorch's names after {@code prefix}: in_proj (xavier uniform, zero bias), out_proj (Linear, zero bias). */
    static java.util.List<ParameterSpec> parameters(String prefix, int e) {
        double a = Math.sqrt(6.0 / (e + 3 * e));
        return java.util.List.of(ParameterSpec.of(prefix + "in_proj_weight", Initializers.uniform(-a, a), 3 * e, e).storedAs(1, 0),
                ParameterSpec.of(prefix + "in_proj_bias", Initializers.zeros(), 3 * e),
                ParameterSpec.of(prefix + "out_proj.weight", Initializers.pytorchDefault(e), e, e).storedAs(1, 0),
                ParameterSpec.of(prefix + "out_proj.bias", Initializers.zeros(), e));
    }

    /** Checks {@code [T, E]} examples of float values for attention with {@code heads}; the shape. */
    static int[] shape(Layer layer, int e, int heads, int[] in) {
        if (in.length != 2 || in[1] != e) {
            throw new IllegalArgumentException(layer + " takes sequences [T, " + e + "] but gets " + Arrays.toString(in));
        }
        return in.clone();
    }

    /** Float values only. */
    static DType type(Layer layer, DType in) {
        return FloatLayers.check(layer, in);
    }
}
