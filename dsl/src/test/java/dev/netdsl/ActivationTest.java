package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Var;
import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Layers;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ActivationTest {

    static Stream<Activation> activations() {
        return Stream.of(Layers.relu(), Layers.tanh(), Layers.sigmoid(), Layers.hardtanh(), Layers.hardtanh(-2, 0.5),
                Layers.leakyRelu(), Layers.leakyRelu(0.2), Layers.elu(), Layers.elu(0.5), Layers.gelu(), Layers.softplus(),
                Layers.identity());
    }

    /** Points on both sides of every kink and on the flat parts of hardtanh, none on a kink. */
    static final float[] POINTS = {-4.3f, -2.7f, -1.6f, -0.55f, -0.2f, 0.15f, 0.35f, 0.8f, 1.7f, 3.9f};

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void each_activation_has_a_gradient_that_matches_central_differences(Activation activation) {
        try (Autograd ag = Autograd.open(1)) {
            Var x = ag.variable("x", POINTS);
            Expr f = activation.apply(x).sum();

            float[] grad = ag.gradient(f, x);

            for (int i = 0; i < POINTS.length; i++) {
                double h = 1e-2;
                double numeric = (value(ag, x, activation, i, h) - value(ag, x, activation, i, -h)) / (2 * h);
                assertThat((double) grad[i]).as("%s at %s", activation, POINTS[i]).isCloseTo(numeric, within(3e-3));
            }
        }
    }

    private static double value(Autograd ag, Var x, Activation a, int i, double delta) {
        float[] p = POINTS.clone();
        p[i] += (float) delta;
        x.set(p);
        double out = ag.eval(a.apply(x))[i];
        x.set(POINTS);
        return out;
    }

    @Test
    void hardtanh_is_flat_outside_its_range_and_its_gradient_is_zero_there() {
        try (Autograd ag = Autograd.open(1)) {
            Var x = ag.variable("x", -3f, -0.5f, 0.5f, 3f);

            assertThat(ag.eval(x.hardtanh(-1, 1))).containsExactly(-1f, -0.5f, 0.5f, 1f);
            assertThat(ag.gradient(x.hardtanh(-1, 1).sum(), x)).containsExactly(0f, 1f, 1f, 0f);
        }
    }

    @Test
    void values_match_pytorchs_definitions() {
        try (Autograd ag = Autograd.open(1)) {
            Var x = ag.variable("x", -2f, 0.5f);
            assertThat(ag.eval(x.leakyRelu(0.1))).containsExactly(new float[] {-0.2f, 0.5f}, within(1e-6f));
            assertThat(ag.eval(x.elu(0.5))).containsExactly(new float[] {(float) (0.5 * (Math.exp(-2) - 1)), 0.5f}, within(1e-6f));
            assertThat(ag.eval(x.softplus())).containsExactly(new float[] {(float) Math.log1p(Math.exp(-2)),
                (float) Math.log1p(Math.exp(0.5))}, within(1e-6f));
            // GELU(0.5) = 0.5 * 0.5 * (1 + erf(0.5 / sqrt(2))) = 0.345731...
            assertThat(ag.eval(x.gelu())[1]).isCloseTo(0.3457312f, within(1e-6f));
        }
    }

    @Test
    void bad_parameters_are_rejected_before_tensorflow() {
        assertThatThrownBy(() -> Layers.hardtanh(1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs finite min < max");
        assertThatThrownBy(() -> Layers.leakyRelu(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slope NaN must be finite");
    }

    @Test
    void activation_layers_print_like_pytorch() {
        assertThat(Layers.hardtanh(-2, 2)).hasToString("Hardtanh(min_val=-2.0, max_val=2.0)");
        assertThat(Layers.leakyRelu()).hasToString("LeakyReLU(negative_slope=0.01)");
        assertThat(Layers.gelu()).hasToString("GELU()");
    }

    @Test
    void every_activation_trains_inside_a_sequential_net() {
        Dataset data = Dataset.of(new float[][] {{-1}, {-0.5f}, {0}, {0.5f}, {1}}, new float[][] {{1}, {0.25f}, {0}, {0.25f}, {1}});
        activations().forEach(a -> {
            try (Model model = Net.sequential(Layers.linear(1, 8), a, Layers.linear(8, 1)).mse().adam(0.05).seed(4).build()) {
                float before = model.loss(data);
                model.fit(data, 300);
                assertThat(model.loss(data)).as("%s", a).isLessThan(before);
            }
        });
    }

    @Test
    void derivatives_at_the_kinks_are_pytorchs() {
        try (Autograd ag = Autograd.open(1)) {
            // PyTorch: hardtanh_backward passes the gradient only strictly inside (min, max); relu's is 0 at 0;
            // leaky_relu's is the slope at 0; elu's is alpha at 0.
            Var x = ag.variable("x", -1f, 1f, 0f, -2f, 2f);
            assertThat(ag.gradient(x.hardtanh(-1, 1).sum(), x)).containsExactly(0f, 0f, 1f, 0f, 0f);
            Var y = ag.variable("y", 0f);
            assertThat(ag.gradient(y.relu().sum(), y)).containsExactly(0f);
            assertThat(ag.gradient(y.leakyRelu(0.2).sum(), y)).containsExactly(0.2f);
            assertThat(ag.gradient(y.elu(0.5).sum(), y)).containsExactly(0.5f);
            assertThat(ag.gradient(y.elu().sum(), y)).containsExactly(1f);
            // Values keep NaN like PyTorch's clamp.
            float[] clipped = ag.eval(Expr.constant(Float.NaN, -5f, 5f).hardtanh(-1, 1));
            assertThat(clipped[0]).isNaN();
            assertThat(clipped[1]).isEqualTo(-1f);
            assertThat(clipped[2]).isEqualTo(1f);
        }
    }

    @Test
    void a_hardtanh_layer_at_its_bounds_passes_no_gradient_in_a_model() {
        // Linear(1,1) with w = 1, b = 0 feeds x straight into hardtanh(-1, 1); at x = 1 and x = -1 PyTorch's
        // gradient is zero, so an SGD step leaves the weights alone.
        try (Model model = Net.sequential(Layers.linear(1, 1), Layers.hardtanh(-1, 1)).mse().sgd(1).build()) {
            model.setParameters(java.util.List.of(new Parameter("0.weight", java.util.List.of(1, 1), new float[] {1f}),
                    new Parameter("0.bias", java.util.List.of(1), new float[] {0f})));
            model.step(Dataset.of(new float[][] {{1f}, {-1f}}, new float[][] {{0f}, {0f}}));
            assertThat(model.parameters().get(0).values()).containsExactly(1f);
            assertThat(model.parameters().get(1).values()).containsExactly(0f);
        }
    }
}
