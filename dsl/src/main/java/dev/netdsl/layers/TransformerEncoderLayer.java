package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's {@code nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1,
 * activation=relu, batch_first=True, norm_first=False)}: self-attention and a feed-forward block
 * ({@code linear2(dropout(act(linear1(x))))}), each with dropout and a residual connection, normalised after
 * ({@code norm1(x + sa(x))}, {@code norm2(x + ff(x))}) or, with {@link #normFirst()}, before. Parameters
 * {@code self_attn.*}, {@code linear1.*}, {@code linear2.*}, {@code norm1.*}, {@code norm2.*}, as PyTorch names
 * them. Create with {@link Layers#transformerEncoderLayer(int, int)}.
 */
public final class TransformerEncoderLayer implements Layer {
    private final int dim;
    private final int heads;
    private final int feedforward;
    private final double dropout;
    private final boolean gelu;
    private final boolean normFirst;
    private final int paddingId;
    private final boolean causal;

    TransformerEncoderLayer(int dim, int heads, int feedforward, double dropout, boolean gelu, boolean normFirst, int paddingId,
                            boolean causal) {
        new MultiheadAttention(dim, heads, dropout, paddingId, causal); // the same checks
        if (feedforward < 1) {
            throw new IllegalArgumentException("dimFeedforward(" + feedforward + "): must be at least 1");
        }
        this.dim = dim;
        this.heads = heads;
        this.feedforward = feedforward;
        this.dropout = dropout;
        this.gelu = gelu;
        this.normFirst = normFirst;
        this.paddingId = paddingId;
        this.causal = causal;
    }

    /** Rebuilds it from its settings. */
    public static TransformerEncoderLayer fromSettings(Settings s) {
        return new TransformerEncoderLayer(s.getInt("d_model"), s.getInt("nhead"), s.getInt("dim_feedforward"),
                s.getDouble("dropout"), s.getString("activation").equals("gelu"), s.getBoolean("norm_first"), s.getInt("padding_id"),
                s.getBoolean("causal"));
    }

    /** A copy with {@code n} units in the feed-forward block ({@code dim_feedforward}). */
    public TransformerEncoderLayer dimFeedforward(int n) {
        return new TransformerEncoderLayer(dim, heads, n, dropout, gelu, normFirst, paddingId, causal);
    }

    /** A copy with dropout {@code p} (attention weights, both residual branches, the feed-forward block). */
    public TransformerEncoderLayer dropout(double p) {
        return new TransformerEncoderLayer(dim, heads, feedforward, p, gelu, normFirst, paddingId, causal);
    }

    /** A copy with GELU in the feed-forward block ({@code activation="gelu"}). */
    public TransformerEncoderLayer gelu() {
        return new TransformerEncoderLayer(dim, heads, feedforward, dropout, true, normFirst, paddingId, causal);
    }

    /** A copy that normalises before each block ({@code norm_first=True}). */
    public TransformerEncoderLayer normFirst() {
        return new TransformerEncoderLayer(dim, heads, feedforward, dropout, gelu, true, paddingId, causal);
    }

    /** A copy whose attention ignores keys whose token id in the net's input is {@code id}. */
    public TransformerEncoderLayer paddingMask(int id) {
        return new TransformerEncoderLayer(dim, heads, feedforward, dropout, gelu, normFirst, id, causal);
    }

    /** A copy whose attention lets each position see only itself and those before it. */
    public TransformerEncoderLayer causal() {
        return new TransformerEncoderLayer(dim, heads, feedforward, dropout, gelu, normFirst, paddingId, true);
    }

    @Override
    public String typeName() {
        return "TransformerEncoderLayer";
    }

    @Override
    public Settings settings() {
        return Settings.of("d_model", dim, "nhead", heads, "dim_feedforward", feedforward, "dropout", dropout, "activation",
                gelu ? "gelu" : "relu", "norm_first", normFirst, "padding_id", paddingId, "causal", causal);
    }

    @Override
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> out = new ArrayList<>(Attention.parameters("self_attn.", dim));
        out.add(ParameterSpec.of("linear1.weight", Initializers.pytorchDefault(dim), feedforward, dim).storedAs(1, 0));
        out.add(ParameterSpec.of("linear1.bias", Initializers.pytorchDefault(dim), feedforward));
        out.add(ParameterSpec.of("linear2.weight", Initializers.pytorchDefault(feedforward), dim, feedforward).storedAs(1, 0));
        out.add(ParameterSpec.of("linear2.bias", Initializers.pytorchDefault(feedforward), dim));
        for (String norm : new String[] {"norm1", "norm2"}) {
            out.add(ParameterSpec.of(norm + ".weight", Initializers.constant(1), dim));
            out.add(ParameterSpec.of(norm + ".bias", Initializers.zeros(), dim));
        }
        return out;
    }

    @Override
    public DType outputType(DType input) {
        return Attention.type(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        return Attention.shape(this, dim, heads, input);
    }

    @Override
    public Expr forward(Expr x, LayerContext c) {
        if (normFirst) {
            Expr h = x.plus(drop(Attention.self(norm(x, c, "norm1"), c, "self_attn.", heads, paddingId, causal, dropout), c));
            return h.plus(drop(feedForward(norm(h, c, "norm2"), c), c));
        }
        Expr h = norm(x.plus(drop(Attention.self(x, c, "self_attn.", heads, paddingId, causal, dropout), c)), c, "norm1");
        return norm(h.plus(drop(feedForward(h, c), c)), c, "norm2");
    }

    private Expr feedForward(Expr x, LayerContext c) {
        Expr h = x.matmul(c.parameter("linear1.weight")).addBias(c.parameter("linear1.bias"));
        h = drop(gelu ? h.gelu() : h.relu(), c);
        return h.matmul(c.parameter("linear2.weight")).addBias(c.parameter("linear2.bias"));
    }

    private static Expr norm(Expr x, LayerContext c, String name) {
        return x.layerNorm(c.parameter(name + ".weight"), c.parameter(name + ".bias"), 1, 1e-5);
    }

    private Expr drop(Expr x, LayerContext c) {
        return dropout > 0 && c.training() ? x.times(c.uniform(x).greaterEqual(dropout)).times(1 / (1 - dropout)) : x;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransformerEncoderLayer t && t.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "TransformerEncoderLayer(d_model=" + dim + ", nhead=" + heads + ", dim_feedforward=" + feedforward + ", dropout="
                + dropout + (gelu ? ", activation=gelu" : "") + (normFirst ? ", norm_first=True" : "") + ", batch_first=True)"
                + (paddingId >= 0 ? ".paddingMask(" + paddingId + ")" : "") + (causal ? ".causal()" : "");
    }
}
