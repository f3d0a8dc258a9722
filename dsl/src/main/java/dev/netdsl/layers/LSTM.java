package dev.netdsl.layers;

import dev.netdsl.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's {@code nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, dropout, bidirectional)}:
 * gates {@code i, f, g, o} from {@code x W_ih^T + b_ih + h W_hh^T + b_hh}, {@code c = f*c + i*g},
 * {@code h = o*tanh(c)}, starting from zero states. Create with {@link Layers#lstm(int, int)}; see
 * {@link Recurrent} for the options and the output.
 */
public final class LSTM extends Recurrent {
    LSTM(int input, int hidden, int layers, boolean bidirectional, double dropout, boolean finalState) {
        super("lstm", input, hidden, layers, bidirectional, dropout, finalState);
    }

    /** Rebuilds it from its settings. */
    public static LSTM fromSettings(Settings s) {
        return new LSTM(s.getInt("input_size"), s.getInt("hidden_size"), s.getInt("num_layers"), s.getBoolean("bidirectional"),
                s.getDouble("dropout"), s.getBoolean("final_state"));
    }

    /** A copy with {@code n} stacked layers ({@code num_layers}). */
    public LSTM numLayers(int n) {
        return (LSTM) with(n, bidirectional, dropout, finalState);
    }

    /** A copy that also reads each sequence backwards and concatenates both directions ({@code bidirectional=True}). */
    public LSTM bidirectional() {
        return (LSTM) with(layers, true, dropout, finalState);
    }

    /** A copy with dropout {@code p} on the outputs of every layer but the last, in training ({@code dropout}). */
    public LSTM dropout(double p) {
        return (LSTM) with(layers, bidirectional, p, finalState);
    }

    /** A copy whose output is the last layer's final hidden state {@code [hidden * directions]}, not the sequence. */
    public LSTM finalState() {
        return (LSTM) with(layers, bidirectional, dropout, true);
    }

    @Override
    Recurrent with(int layers, boolean bidirectional, double dropout, boolean finalState) {
        return new LSTM(input, hidden, layers, bidirectional, dropout, finalState);
    }

    @Override
    public String typeName() {
        return "LSTM";
    }

    @Override
    int gates() {
        return 4;
    }

    @Override
    List<Expr> run(List<Expr> pre, Expr whh, Expr bhh) {
        List<Expr> hs = new ArrayList<>();
        Expr h = null;
        Expr c = null;
        for (Expr x : pre) {
            // At the first step h = 0, so h W_hh^T + b_hh is b_hh (and f*c is 0).
            Expr g = h == null ? x.addBias(bhh) : x.plus(h.matmul(whh).addBias(bhh));
            Expr i = gate(g, 0).sigmoid();
            Expr f = gate(g, 1).sigmoid();
            Expr cell = gate(g, 2).tanh();
            Expr o = gate(g, 3).sigmoid();
            c = c == null ? i.times(cell) : f.times(c).plus(i.times(cell));
            h = o.times(c.tanh());
            hs.add(h);
        }
        return hs;
    }
}
