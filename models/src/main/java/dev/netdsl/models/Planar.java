package dev.netdsl.models;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.tanh;

import dev.netdsl.Expr;
import dev.netdsl.Net;
import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Linear;
import dev.netdsl.layers.Module;

/** The planar-data models of the Sequential-and-Module tutorial. */
public final class Planar {
    private Planar() {
    }

    /** {@code nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))}. */
    public static Net sequential() {
        return Net.sequential(linear(2, 4), tanh(), linear(4, 1));
    }

    /** The tutorial's {@code module_net(num_input, num_hidden, num_output)}: layer1, layer2 (Tanh), layer3. */
    public static final class ModuleNet extends Module {
        /** First linear layer. */
        public final Linear layer1;
        /** The Tanh. */
        public final Activation layer2;
        /** Output layer. */
        public final Linear layer3;

        /** {@code module_net(2, 4, 1)} in the tutorial. */
        public ModuleNet(int inputs, int hidden, int outputs) {
            layer1 = add("layer1", linear(inputs, hidden));
            layer2 = add("layer2", tanh());
            layer3 = add("layer3", linear(hidden, outputs));
        }

        @Override
        public Expr forward(Expr x) {
            return layer3.apply(layer2.apply(layer1.apply(x)));
        }
    }

    /** The exercise's deeper net: 2-10-10-10-1 with Tanh. */
    public static Net deep() {
        return Net.of(2, 10, 10, 10, 1).tanh();
    }
}
