package dev.netdsl;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.tanh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netdsl.layers.Activation;
import org.junit.jupiter.api.Test;

/** Spec validation: no TensorFlow is touched by anything here. */
class NetSpecTest {

    @Test
    void rejects_a_net_with_a_single_size() {
        assertThatThrownBy(() -> Net.of(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Net.of(1)")
                .hasMessageContaining("at least an input and an output size");
    }

    @Test
    void rejects_a_layer_of_size_zero_and_names_its_position() {
        assertThatThrownBy(() -> Net.of(1, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Net.of(1, 0, 1)")
                .hasMessageContaining("size 0 at position 1")
                .hasMessageContaining("at least 1");
    }

    @Test
    void rejects_a_negative_learning_rate_and_says_how_to_fix_it() {
        assertThatThrownBy(() -> Net.of(1, 20, 1).sgd(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1.0")
                .hasMessageContaining("must be positive and finite")
                .hasMessageContaining("try a value like 0.01");
    }

    @Test
    void rejects_a_nan_learning_rate() {
        assertThatThrownBy(() -> Net.of(1, 20, 1).sgd(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void rejects_an_infinite_learning_rate_for_adam() {
        assertThatThrownBy(() -> Net.of(1, 20, 1).adam(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Infinity");
    }

    @Test
    void rejects_momentum_of_one() {
        assertThatThrownBy(() -> Net.of(1, 20, 1).sgd(0.1, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("momentum 1.0 must be in [0, 1)");
    }

    @Test
    void fluent_calls_return_new_equal_values() {
        Net base = Net.of(1, 20, 1);
        Net trained = base.relu().mse().sgd(0.05).seed(3);

        assertThat(trained).isNotSameAs(base).isNotEqualTo(base);
        assertThat(trained).isEqualTo(Net.of(1, 20, 1).mse().sgd(0.05).seed(3));
        assertThat(trained.hashCode()).isEqualTo(Net.of(1, 20, 1).mse().sgd(0.05).seed(3).hashCode());
        assertThat(base.loss()).isEmpty();
    }

    @Test
    void prints_as_the_code_that_makes_it() {
        assertThat(Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05))
                .hasToString("Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05)");
        assertThat(Net.of(2, 4, 1).tanh().mse().adam(0.01).seed(7))
                .hasToString("Net.of(2, 4, 1).tanh().mse().adam(0.01).seed(7)");
    }

    @Test
    void an_mlp_has_the_tutorials_layers_and_parameter_count() {
        Net net = Net.of(1, 20, 50, 20, 1);

        assertThat(net.layers()).hasSize(7);
        assertThat(net.layerNames()).containsExactly("0", "1", "2", "3", "4", "5", "6");
        assertThat(net.layers().get(1)).isEqualTo(Activation.RELU);
        assertThat(net.tanh().layers().get(1)).isEqualTo(Activation.TANH);
        assertThat(net.parameterCount()).isEqualTo(20 + 20 + 20 * 50 + 50 + 50 * 20 + 20 + 20 + 1);
        assertThat(net.inputSize()).isEqualTo(1);
        assertThat(net.outputSize()).isEqualTo(1);
    }

    @Test
    void sequential_rejects_layers_whose_sizes_do_not_chain() {
        assertThatThrownBy(() -> Net.sequential(linear(2, 4), tanh(), linear(5, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 2 '2'")
                .hasMessageContaining("expects 5 inputs but layer 0 '0' gives 4");
    }

    @Test
    void named_layers_must_be_unique() {
        Net net = Net.sequential().add("hidden", linear(1, 13));

        assertThatThrownBy(() -> net.add("hidden", linear(13, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"hidden\" is already taken");
    }

    @Test
    void hidden_activation_choice_is_only_for_mlp_specs() {
        assertThatThrownBy(() -> Net.sequential(linear(2, 1)).tanh())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lists its activations as layers");
    }

    @Test
    void an_empty_sequential_net_cannot_be_built() {
        assertThatThrownBy(() -> Net.sequential().mse().sgd(0.1).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no layers");
    }

    @Test
    void dataset_rejects_ragged_rows() {
        assertThatThrownBy(() -> Dataset.of(new float[][] {{1, 2}, {3}}, new float[][] {{1}, {2}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x[1] has 1 values but x[0] has 2");
    }

    @Test
    void dataset_rejects_mismatched_row_counts() {
        assertThatThrownBy(() -> Dataset.of(new float[][] {{1}, {2}}, new float[][] {{1}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x has 2 rows but y has 1");
    }

    @Test
    void dataset_rejects_non_finite_values() {
        assertThatThrownBy(() -> Dataset.of(new float[][] {{1}, {Float.NaN}}, new float[][] {{1}, {2}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x[1][0] is NaN");
    }

    @Test
    void dataset_copies_its_input() {
        float[][] x = {{1}, {2}};
        Dataset d = Dataset.of(x, new float[][] {{1}, {2}});
        x[0][0] = 99;

        assertThat(d.x()[0][0]).isEqualTo(1f);
        assertThat(d.subset(new int[] {1, 1}).x()).isDeepEqualTo(new float[][] {{2}, {2}});
    }
}
