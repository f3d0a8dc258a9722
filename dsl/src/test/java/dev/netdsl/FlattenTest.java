package dev.netdsl;

import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlattenTest {

    @Test
    void flatten_orders_features_as_pytorch_does() {
        // A Linear(6, 1) whose weight picks feature k reads element [c, h] = k of a [2, 3] example (row-major,
        // PyTorch's x.flatten(1)).
        float[] example = {10, 11, 12, 20, 21, 22};
        try (Model m = Net.sequential(flatten(), linear(6, 1)).input(2, 3).mse().sgd(0.1).seed(1).build()) {
            for (int k = 0; k < 6; k++) {
                float[] w = new float[6];
                w[k] = 1;
                m.setParameters(java.util.List.of(new Parameter("1.weight", java.util.List.of(1, 6), w),
                        new Parameter("1.bias", java.util.List.of(1), new float[1])));
                assertThat(m.predict(Tensor.of(example, 1, 2, 3)).get(0, 0)).isEqualTo(example[k]);
            }
        }
        assertThatThrownBy(() -> Net.sequential(flatten(), linear(5, 1)).input(2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expects 5 inputs but layer 0 '0' gives 6");
        assertThat(flatten()).hasToString("Flatten(start_dim=1, end_dim=-1)");
    }
}
