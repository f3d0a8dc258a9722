package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@link LSTM} and {@link GRU} share, as PyTorch's {@code nn.RNNBase} with {@code batch_first=True}:
 * {@code [T, input]} examples, layers of one or two directions, dropout between layers in training, the
 * parameters {@code weight_ih_l0}, {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0} (with
 * {@code _reverse} for the backward direction) from U(-1/sqrt(hidden), 1/sqrt(hidden)), and the output:
 * the last layer's whole sequence {@code [T, hidden * directions]} or, with {@code finalState()}, its last
 * hidden state, directions concatenated ({@code torch.cat((h_n[-2], h_n[-1]), 1)}). The recurrence is unrolled
 * over the sequence: each step is a few matrix products and element-wise ops, which TensorFlow differentiates.
 */
public abstract class Recurrent implements Layer {
    final int input;
    final int hidden;
    final int layers;
    final boolean bidirectional;
    final double dropout;
    final boolean finalState;

    Recurrent(String call, int input, int hidden, int layers, boolean bidirectional, double dropout, boolean finalState) {
        if (input < 1 || hidden < 1 || layers < 1) {
            throw new IllegalArgumentException(call + "(" + input + ", " + hidden + ").numLayers(" + layers + "): sizes and layers must"
                    + " be at least 1");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(call + "(" + input + ", " + hidden + ").dropout(" + dropout + "): must be in [0, 1)");
        }
        this.input = input;
        this.hidden = hidden;
        this.layers = layers;
        this.bidirectional = bidirectional;
        this.dropout = dropout;
        this.finalState = finalState;
    }

    /** The gates per step: 4 for an LSTM (i, f, g, o), 3 for a GRU (r, z, n). */
    abstract int gates();

    /** A copy with other options. */
    abstract Recurrent with(int layers, boolean bidirectional, double dropout, boolean finalState);

    /**
     * One direction of one layer over the precomputed input terms {@code pre[t] = x_t W_ih^T + b_ih}
     * ({@code [batch, gates * hidden]}), in the order given; the hidden states in that order.
     */
    abstract List<Expr> run(List<Expr> pre, Expr whh, Expr bhh);

    /** {@code torch.cat} of the gate blocks: gate {@code k} of {@code x}'s last axis. */
    final Expr gate(Expr x, int k) {
        return x.narrow(-1, k * hidden, hidden);
    }

    /** The numbers per example each layer takes. */
    private int inputOf(int layer) {
        return layer == 0 ? input : hidden * (bidirectional ? 2 : 1);
    }

    private static String suffix(int layer, boolean reverse) {
        return "_l" + layer + (reverse ? "_reverse" : "");
    }

    @Override
    public Settings settings() {
        return Settings.of("input_size", input, "hidden_size", hidden, "num_layers", layers, "bidirectional", bidirectional,
                "dropout", dropout, "final_state", finalState);
    }

    @Override
    public List<ParameterSpec> parameters() {
        Initializer init = Initializers.uniform(-1 / Math.sqrt(hidden), 1 / Math.sqrt(hidden));
        List<ParameterSpec> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < (bidirectional ? 2 : 1); d++) {
                String s = suffix(l, d == 1);
                out.add(ParameterSpec.of("weight_ih" + s, init, gates() * hidden, inputOf(l)).storedAs(1, 0));
                out.add(ParameterSpec.of("weight_hh" + s, init, gates() * hidden, hidden).storedAs(1, 0));
                out.add(ParameterSpec.of("bias_ih" + s, init, gates() * hidden));
                out.add(ParameterSpec.of("bias_hh" + s, init, gates() * hidden));
            }
        }
        return out;
    }

    @Override
    public DType outputType(DType type) {
        return FloatLayers.check(this, type);
    }

    @Override
    public Optional<int[]> inputShape() {
        return Optional.empty();
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 2 || in[1] != input) {
            throw new IllegalArgumentException(this + " takes sequences [T, " + input + "] but gets examples of shape "
                    + java.util.Arrays.toString(in));
        }
        int width = hidden * (bidirectional ? 2 : 1);
        return finalState ? new int[] {width} : new int[] {in[0], width};
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        int steps = (int) x.shape()[1];
        Expr seq = x;
        List<Expr> last = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            if (l > 0 && dropout > 0 && context.training()) {
                seq = seq.times(context.uniform(seq).greaterEqual(dropout)).times(1 / (1 - dropout));
            }
            List<Expr> directions = new ArrayList<>();
            last.clear();
            for (int d = 0; d < (bidirectional ? 2 : 1); d++) {
                String s = suffix(l, d == 1);
                Expr all = seq.matmul(context.parameter("weight_ih" + s)).addBias(context.parameter("bias_ih" + s));
                List<Expr> pre = new ArrayList<>();
                for (int t = 0; t < steps; t++) {
                    pre.add(all.select(1, d == 0 ? t : steps - 1 - t));
                }
                List<Expr> hs = run(pre, context.parameter("weight_hh" + s), context.parameter("bias_hh" + s));
                last.add(hs.get(steps - 1));
                if (d == 1) {
                    java.util.Collections.reverse(hs);
                }
                directions.add(Expr.stack(1, hs.toArray(new Expr[0])));
            }
            seq = directions.size() == 1 ? directions.get(0) : Expr.concat(-1, directions.get(0), directions.get(1));
        }
        return finalState ? last.size() == 1 ? last.get(0) : Expr.concat(-1, last.get(0), last.get(1)) : seq;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && o.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** PyTorch's repr, e.g. {@code LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)}. */
    @Override
    public String toString() {
        return typeName() + "(" + input + ", " + hidden + (layers > 1 ? ", num_layers=" + layers : "") + ", batch_first=True"
                + (dropout > 0 ? ", dropout=" + dropout : "") + (bidirectional ? ", bidirectional=True" : "") + ")"
                + (finalState ? ".finalState()" : "");
    }
}
