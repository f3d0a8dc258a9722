package dev.netdsl.models;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.tanh;

import dev.netdsl.Net;
import dev.netdsl.layers.Linear;

/** The small regression models of the activations and polynomial-regression tutorials. */
public final class Regression {
    private Regression() {
    }

    /** The polynomial-regression tutorial's {@code poly_model}: one {@code nn.Linear(3, 1)} named {@code poly}, over features [x, x^2, x^3]. */
    public static Net poly() {
        return Net.sequential().add("poly", linear(3, 1));
    }

    /** The book's first thermometer model: {@code nn.Linear(1, 1)}. */
    public static Net thermometerLinear() {
        return Net.sequential(linear(1, 1));
    }

    /**
     * The book's {@code nn.Sequential(OrderedDict([('hidden_linear', nn.Linear(1, hidden)),
     * ('hidden_activation', nn.Tanh()), ('output_linear', nn.Linear(hidden, 1))]))}.
     */
    public static Net thermometerNet(int hidden) {
        return Net.sequential()
                .add("hidden_linear", linear(1, hidden))
                .add("hidden_activation", tanh())
                .add("output_linear", linear(hidden, 1));
    }
}
