package dev.netdsl.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.Dataset;
import dev.netdsl.Expr;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Feeds;
import dev.netdsl.autograd.Input;
import dev.netdsl.autograd.Var;
import dev.netdsl.training.Optimizers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tutorials' model definitions: the architectures, names and shapes PyTorch gives them. */
class ModelsTest {

    private static List<String> parameters(Net net) {
        try (Model m = net.mse().sgd(0.1).seed(1).build()) {
            return m.parameters().stream().map(Parameter::toString).toList();
        }
    }

    @Test
    void the_sine_mlp_is_make_layers_of_its_config() {
        Net net = Mlp.sineRegressor(new int[] {1, 20, 50, 20, 1}, 0.05);
        assertThat(net).hasToString("Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05)");
        assertThat(net.parameterCount()).isEqualTo(1 * 20 + 20 + 20 * 50 + 50 + 50 * 20 + 20 + 20 + 1);
        assertThat(Mlp.of(1, 8, 1).layerNames()).containsExactly("0", "1", "2");
        assertThatThrownBy(() -> Mlp.of(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_mnist_mlp_has_the_tutorials_layers_with_and_without_the_final_relu() {
        assertThat(parameters(MnistMlp.sequential(false))).containsExactly("0.weight [200, 784]", "0.bias [200]",
                "2.weight [200, 200]", "2.bias [200]", "4.weight [10, 200]", "4.bias [10]");
        assertThat(MnistMlp.sequential(true).layers()).hasSize(6);
        assertThat(MnistMlp.sequential(false).layers()).hasSize(5);
        assertThat(MnistMlp.sequential(false).parameterCount()).isEqualTo(199_210);
    }

    @Test
    void the_hand_written_mnist_weights_are_kaiming_normal_and_compute_logits() {
        try (Autograd ag = Autograd.open(3)) {
            Input x = ag.input("x", -1, 784);
            Expr logits = MnistMlp.raw(ag, x, false);
            assertThat(logits.shape()).containsExactly(-1, 10);
            float[] pixels = new float[2 * 784];
            java.util.Arrays.fill(pixels, 0.5f);
            float[] out = ag.eval(logits, Feeds.of(x, pixels, 2, 784));
            assertThat(out).hasSize(20);
            // Identical rows give identical logits; Kaiming-normal weights make them non-trivial.
            assertThat(java.util.Arrays.copyOfRange(out, 0, 10)).containsExactly(java.util.Arrays.copyOfRange(out, 10, 20));
            assertThat(out).isNotEqualTo(new float[20]);
        }
        try (Autograd ag = Autograd.open(3)) {
            Input x = ag.input("x", -1, 784);
            float[] pixels = new float[784];
            java.util.Arrays.fill(pixels, -0.5f);
            for (float v : ag.eval(MnistMlp.raw(ag, x, true), Feeds.of(x, pixels, 1, 784))) {
                assertThat(v).isGreaterThanOrEqualTo(0f);
            }
        }
    }

    @Test
    void the_planar_nets_name_their_layers_like_the_tutorial() {
        assertThat(parameters(Planar.sequential())).containsExactly("0.weight [4, 2]", "0.bias [4]", "2.weight [1, 4]",
                "2.bias [1]");
        assertThat(parameters(Net.module(new Planar.ModuleNet(2, 4, 1)))).containsExactly("layer1.weight [4, 2]",
                "layer1.bias [4]", "layer3.weight [1, 4]", "layer3.bias [1]");
        assertThat(Planar.deep()).hasToString("Net.of(2, 10, 10, 10, 1).tanh()");
    }

    @Test
    void the_regression_models_are_the_tutorials_ones() {
        assertThat(parameters(Regression.poly())).containsExactly("poly.weight [1, 3]", "poly.bias [1]");
        assertThat(parameters(Regression.thermometerLinear())).containsExactly("0.weight [1, 1]", "0.bias [1]");
        assertThat(parameters(Regression.thermometerNet(13))).containsExactly("hidden_linear.weight [13, 1]",
                "hidden_linear.bias [13]", "output_linear.weight [1, 13]", "output_linear.bias [1]");
    }

    @Test
    void the_thermometer_net_fits_a_line_through_its_points() {
        // t_c = 0.5556 (t_u - 32): a line, which the linear model fits exactly after scaling.
        float[][] x = new float[11][1];
        float[][] y = new float[11][1];
        for (int i = 0; i < 11; i++) {
            x[i][0] = i / 10f;
            y[i][0] = 0.5f * x[i][0] - 0.2f;
        }
        try (Model m = Regression.thermometerLinear().mse().sgd(0.5).seed(1).build()) {
            m.fit(Dataset.of(x, y), 500);
            assertThat(m.parameters().get(0).values()[0]).isCloseTo(0.5f, within(1e-3f));
            assertThat(m.parameters().get(1).values()[0]).isCloseTo(-0.2f, within(1e-3f));
        }
    }

    @Test
    void himmelblau_is_zero_at_its_four_minima_and_rejects_other_shapes() {
        for (float[] m : Himmelblau.MINIMA) {
            assertThat(Himmelblau.value(m[0], m[1])).isCloseTo(0, within(1e-4));
        }
        assertThat(Himmelblau.value(0, 0)).isEqualTo(170);
        assertThat(Himmelblau.nearestMinimum(new float[] {-3, -3})).containsExactly(Himmelblau.MINIMA[2]);
        try (Autograd ag = Autograd.open(1)) {
            Var xy = ag.variable("x_y", 0f, 0f);
            assertThat(ag.eval(Himmelblau.of(xy))).containsExactly(170f);
            float[] g = ag.gradient(Himmelblau.of(xy), xy);
            // d/dx = 4x(x^2 + y - 11) + 2(x + y^2 - 7) = -14 at the origin; d/dy = 2(x^2 + y - 11) + 4y(...) = -22
            assertThat(g).containsExactly(-14f, -22f);
            Var wrong = ag.variable("wrong", 1f, 2f, 3f);
            assertThatThrownBy(() -> Himmelblau.of(wrong)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("shape [2]");
            ag.minimize(Himmelblau.of(xy), Optimizers.adam(1e-3)).steps(20_000);
            assertThat(xy.value()).containsExactly(new float[] {3f, 2f}, within(1e-3f));
        }
    }
}
