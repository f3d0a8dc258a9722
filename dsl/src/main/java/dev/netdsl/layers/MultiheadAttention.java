package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.List;

/**
 * PyTorch's {@code nn.MultiheadAttention(embed_dim, num_heads, dropout, batch_first=True)} as self-attention
 * ({@code query = key = value = x}): {@code [T, E]} sequences to {@code [T, E]}, parameters
 * {@code in_proj_weight [3E, E]}, {@code in_proj_bias}, {@code out_proj.weight}, {@code out_proj.bias}.
 * {@link #paddingMask(int)} ignores the keys whose token id in the net's input is the padding id
 * ({@code key_padding_mask}); {@link #causal()} lets each position see only those up to it. Create with
 * {@link Layers#multiheadAttention(int, int)}.
 */
public final class MultiheadAttention implements Layer {
    private final int dim;
    private final int heads;
    private final double dropout;
    private final int paddingId;
    private final boolean causal;
    private final boolean weightsOut;

    MultiheadAttention(int dim, int heads, double dropout, int paddingId, boolean causal) {
        this(dim, heads, dropout, paddingId, causal, false);
    }

    private MultiheadAttention(int dim, int heads, double dropout, int paddingId, boolean causal, boolean weightsOut) {
        if (dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("multiheadAttention(" + dim + ", " + heads + "): the embedding size must be a multiple"
                    + " of the heads, both at least 1");
        }
        if (!(dropout >= 0 && dropout < 1) || paddingId < -1) {
            throw new IllegalArgumentException("multiheadAttention(" + dim + ", " + heads + "): dropout " + dropout
                    + " must be in [0, 1) and the padding id 0 or more");
        }
        this.dim = dim;
        this.heads = heads;
        this.dropout = dropout;
        this.paddingId = paddingId;
        this.causal = causal;
        this.weightsOut = weightsOut;
    }

    /** Rebuilds it from its settings. */
    public static MultiheadAttention fromSettings(Settings s) {
        return new MultiheadAttention(s.getInt("embed_dim"), s.getInt("num_heads"), s.getDouble("dropout"),
                s.getInt("padding_id"), s.getBoolean("causal"), s.has("average_weights") && s.getBoolean("average_weights"));
    }

    /** A copy with dropout {@code p} on the attention weights in training. */
    public MultiheadAttention dropout(double p) {
        return new MultiheadAttention(dim, heads, p, paddingId, causal, weightsOut);
    }

    /** A copy that ignores keys whose token id (in the net's int input {@code [batch, T]}) is {@code id}. */
    public MultiheadAttention paddingMask(int id) {
        return new MultiheadAttention(dim, heads, dropout, id, causal, weightsOut);
    }

    /** A copy where each position attends only to itself and those before it (a causal mask). */
    public MultiheadAttention causal() {
        return new MultiheadAttention(dim, heads, dropout, paddingId, true, weightsOut);
    }

    /**
     * A copy whose output is the attention weights averaged over the heads, {@code [batch, T, T]} per batch (row: a
     * query position, column: a key), instead of the attended values: PyTorch's second result with
     * {@code need_weights=True}. For looking at what a trained layer attends to: build a net of the layers before it
     * and this, and give it the trained weights.
     */
    public MultiheadAttention averageWeights() {
        return new MultiheadAttention(dim, heads, dropout, paddingId, causal, true);
    }

    @Override
    public String typeName() {
        return "MultiheadAttention";
    }

    @Override
    public Settings settings() {
        Settings s = Settings.of("embed_dim", dim, "num_heads", heads, "dropout", dropout, "padding_id", paddingId, "causal", causal);
        return weightsOut ? s.with("average_weights", true) : s;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return Attention.parameters("", dim);
    }

    @Override
    public DType outputType(DType input) {
        return Attention.type(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        int[] shape = Attention.shape(this, dim, heads, input);
        return weightsOut ? new int[] {shape[0], shape[0]} : shape;
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        return weightsOut ? Attention.weights(Attention.projection(x, context, ""), context, heads, paddingId, causal).mean(1)
                : Attention.self(x, context, "", heads, paddingId, causal, dropout);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiheadAttention m && m.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "MultiheadAttention(embed_dim=" + dim + ", num_heads=" + heads + (dropout > 0 ? ", dropout=" + dropout : "")
                + ", batch_first=True)" + (paddingId >= 0 ? ".paddingMask(" + paddingId + ")" : "") + (causal ? ".causal()" : "")
                + (weightsOut ? ".averageWeights()" : "");
    }
}
