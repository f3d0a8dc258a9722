package dev.netdsl.models;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.relu;

import dev.netdsl.Expr;
import dev.netdsl.Net;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Var;
import dev.netdsl.layers.Initializers;
import dev.netdsl.layers.Linear;

/** The MNIST tutorial's MLP 784-200-200-10, as a sequential net and with hand-written weights. */
public final class MnistMlp {
    private MnistMlp() {
    }

    /**
     * The tutorial's {@code nn.Sequential(Linear(784, 200), ReLU, Linear(200, 200), ReLU, Linear(200, 10), ReLU)};
     * with {@code finalRelu} off, the last ReLU (on the logits) is left out.
     */
    public static Net sequential(boolean finalRelu) {
        return finalRelu
                ? Net.sequential(linear(784, 200), relu(), linear(200, 200), relu(), linear(200, 10), relu())
                : Net.sequential(linear(784, 200), relu(), linear(200, 200), relu(), linear(200, 10));
    }

    /**
     * The tutorial's hand-written weights {@code w1,b1..w3,b3} in PyTorch's (out, in) order,
     * Kaiming-normal weights and zero biases, and its forward pass over {@code x} ([-1, 784]);
     * returns the logits ([-1, 10]), with a ReLU on them if {@code finalRelu}.
     */
    public static Expr raw(Autograd ag, Expr x, boolean finalRelu) {
        Var w1 = ag.variable("w1", new long[] {200, 784}, Initializers.kaimingNormal());
        Var b1 = ag.variable("b1", new long[] {200}, Initializers.zeros());
        Var w2 = ag.variable("w2", new long[] {200, 200}, Initializers.kaimingNormal());
        Var b2 = ag.variable("b2", new long[] {200}, Initializers.zeros());
        Var w3 = ag.variable("w3", new long[] {10, 200}, Initializers.kaimingNormal());
        Var b3 = ag.variable("b3", new long[] {10}, Initializers.zeros());
        Expr h = x.matmul(w1.t()).plus(b1).relu();
        h = h.matmul(w2.t()).plus(b2).relu();
        Expr logits = h.matmul(w3.t()).plus(b3);
        return finalRelu ? logits.relu() : logits;
    }
}
