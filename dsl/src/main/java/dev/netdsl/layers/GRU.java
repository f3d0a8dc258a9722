package dev.netdsl.layers;

import dev.netdsl.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's {@code nn.GRU(input_size, hidden_size, num_layers, batch_first=True, dropout, bidirectional)}:
 * {@code r = sigmoid(x W_ir + b_ir + h W_hr + b_hr)}, {@code z} likewise, {@code n = tanh(x W_in + b_in +
 * r * (h W_hn + b_hn))}, {@code h = (1 - z) * n + z * h}, starting from a zero state. Create with
 * {@link Layers#gru(int, int)}; see {@link Recurrent} for the options and the output.
 */
public final class GRU extends Recurrent {
    GRU(int input, int hidden, int layers, boolean bidirectional, double dropout, boolean finalState) {
        super("gru", input, hidden, layers, bidirectional, dropout, finalState);
    }

    /** Rebuilds it from its settings. */
    public static GRU fromSettings(Settings s) {
        return new GRU(s.getInt("input_size"), s.getInt("hidden_size"), s.getInt("num_layers"), s.getBoolean("bidirectional"),
                s.getDouble("dropout"), s.getBoolean("final_state"));
    }

    /** A copy with {@code n} stacked layers ({@code num_layers}). */
    public GRU numLayers(int n) {
        return (GRU) with(n, bidirectional, dropout, finalState);
    }

    /** A copy that also reads each sequence backwards and concatenates both directions ({@code bidirectional=True}). */
    public GRU bidirectional() {
        return (GRU) with(layers, true, dropout, finalState);
    }

    /** A copy with dropout {@code p} on the outputs of every layer but the last, in training ({@code dropout}). */
    public GRU dropout(double p) {
        return (GRU) with(layers, bidirectional, p, finalState);
    }

    /** A copy whose output is the last layer's final hidden state {@code [hidden * directions]}, not the sequence. */
    public GRU finalState() {
        return (GRU) with(layers, bidirectional, dropout, true);
    }

    @Override
    Recurrent with(int layers, boolean bidirectional, double dropout, boolean finalState) {
        return new GRU(input, hidden, layers, bidirectional, dropout, finalState);
    }

    @Override
    public String typeName() {
        return "GRU";
    }

    @Override
    int gates() {
        return 3;
    }

    @Override
    List<Expr> run(List<Expr> pre, Expr whh, Expr bhh) {
        List<Expr> hs = new ArrayList<>();
        Expr h = null;
        for (Expr x : pre) {
            // At the first step h = 0, so h W_hh^T + b_hh is b_hh and z * h is 0.
            Expr gh = h == null ? null : h.matmul(whh).addBias(bhh);
            Expr r = (gh == null ? gate(x, 0).addBias(gate(bhh, 0)) : gate(x, 0).plus(gate(gh, 0))).sigmoid();
            Expr z = (gh == null ? gate(x, 1).addBias(gate(bhh, 1)) : gate(x, 1).plus(gate(gh, 1))).sigmoid();
            Expr n = gate(x, 2).plus(r.times(gh == null ? gate(bhh, 2) : gate(gh, 2))).tanh();
            Expr keep = Expr.scalar(1).minus(z).times(n);
            h = h == null ? keep : keep.plus(z.times(h));
            hs.add(h);
        }
        return hs;
    }
}
