package dev.netdsl;

import static dev.netdsl.layers.Layers.batchNorm1d;
import static dev.netdsl.layers.Layers.batchNorm2d;
import static dev.netdsl.layers.Layers.conv2d;
import static dev.netdsl.layers.Layers.dropout;
import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.maxPool2d;
import static dev.netdsl.layers.Layers.relu;
import static dev.netdsl.layers.Layers.tanh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netdsl.layers.Conv2d;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.LazyLinear;
import dev.netdsl.layers.Linear;
import dev.netdsl.layers.Module;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers that take their input size from their input (PyTorch's lazy modules, Keras's {@code Dense(128)}):
 * once a net is built they are exactly the explicit layers, bit for bit.
 */
class LazyLayersTest {

    /** The design's CNN with every input size written out. */
    static Net explicitCnn() {
        return Net.sequential(
                conv2d(1, 32, 3), batchNorm2d(32), relu(), maxPool2d(2),
                conv2d(32, 64, 3), batchNorm2d(64), relu(), maxPool2d(2),
                flatten(), linear(64 * 5 * 5, 128), relu(), dropout(0.25), linear(128, 10))
                .input(1, 28, 28).crossEntropy().adam(1e-3).seed(1);
    }

    /** The same CNN with the input sizes left to the layers. */
    static Net lazyCnn() {
        // --- README example start ---
        Net cnn = Net.sequential(
                conv2d(32, 3), batchNorm2d(), relu(), maxPool2d(2),
                conv2d(64, 3), batchNorm2d(), relu(), maxPool2d(2),
                flatten(), linear(128), relu(), dropout(0.25), linear(10))
                .input(1, 28, 28).crossEntropy().adam(1e-3).seed(1);
        // --- README example end ---
        return cnn;
    }

    static Dataset images(int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        return Dataset.of(ConvLayersTest.gaussian(n * 784, 5), labels, 1, 28, 28);
    }

    static void assertSameParameters(List<Parameter> actual, List<Parameter> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).name()).isEqualTo(expected.get(i).name());
            assertThat(actual.get(i).shape()).isEqualTo(expected.get(i).shape());
            assertThat(actual.get(i).values()).as(expected.get(i).name()).isEqualTo(expected.get(i).values());
        }
    }

    @Test
    void linear_of_out_after_a_flatten_starts_with_the_explicit_layers_weights() {
        // GIVEN the same seed, WHEN linear(128) follows a flatten of 64 x 5 x 5, THEN it is linear(64 * 5 * 5, 128).
        try (Model lazy = Net.sequential(flatten(), linear(128)).input(64, 5, 5).seed(7).build();
             Model explicit = Net.sequential(flatten(), linear(64 * 5 * 5, 128)).input(64, 5, 5).seed(7).build()) {
            assertThat(lazy.parameters().get(0).shape()).containsExactly(128, 1600);
            assertSameParameters(lazy.parameters(), explicit.parameters());
            assertThat(lazy.layer(1).layer()).isEqualTo(linear(1600, 128));
        }
    }

    @Test
    void a_lazy_cnn_is_the_explicit_cnn_bit_for_bit() {
        Dataset data = images(16);
        Tensor x = Tensor.of(ConvLayersTest.gaussian(4 * 784, 9), 4, 1, 28, 28);
        try (Model lazy = lazyCnn().build(); Model explicit = explicitCnn().build()) {
            assertSameParameters(lazy.parameters(), explicit.parameters());
            assertSameParameters(lazy.buffers(), explicit.buffers());
            assertThat(lazy.predict(x).values()).isEqualTo(explicit.predict(x).values());
            for (int i = 0; i < 3; i++) {
                assertThat(lazy.step(data)).isEqualTo(explicit.step(data));
            }
            assertSameParameters(lazy.parameters(), explicit.parameters());
            assertSameParameters(lazy.buffers(), explicit.buffers());
            assertThat(lazy.predict(x).values()).isEqualTo(explicit.predict(x).values());
        }
    }

    @Test
    void the_spec_prints_what_was_written_and_counts_the_resolved_parameters() {
        Net lazy = lazyCnn();
        assertThat(lazy.toString()).startsWith("Net.sequential().add(\"0\", conv2d(32, 3)).add(\"1\", batchNorm2d())")
                .contains(".add(\"9\", linear(128))").contains(".add(\"12\", linear(10))");
        assertThat(Net.sequential(conv2d(8, 3).withStride(2).withPadding(1)).toString())
                .isEqualTo("Net.sequential().add(\"0\", conv2d(8, 3).withStride(2).withPadding(1))");
        assertThat(lazy.parameterCount()).isEqualTo(explicitCnn().parameterCount());
        assertThat(lazy.outputShape()).containsExactly(10);
        assertThat(lazy.layers().get(9)).isEqualTo(linear(128)).isNotEqualTo(linear(1600, 128));
    }

    @Test
    void summary_shows_the_resolved_layers_and_their_parameter_counts() {
        try (Model m = lazyCnn().build()) {
            String summary = m.summary();
            assertThat(summary).contains("Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))")
                    .contains("BatchNorm2d(64, eps=1.0E-5, momentum=0.1)")
                    .contains("Linear(in_features=1600, out_features=128)").contains("204,928")
                    .contains(String.format("Total params: %,d", explicitCnn().parameterCount()));
            assertThat(m.layer(0).layer()).isInstanceOf(Conv2d.class);
            assertThat(m.layer("9").weight().shape()).containsExactly(128, 1600);
        }
    }

    @Test
    void a_saved_lazy_net_reopens_with_concrete_layers_and_the_same_predictions(@TempDir Path dir) {
        Tensor x = Tensor.of(ConvLayersTest.gaussian(3 * 784, 11), 3, 1, 28, 28);
        try (Model m = lazyCnn().build()) {
            m.step(images(8));
            m.saveAll(dir.resolve("cnn"));
            try (Model again = Model.open(dir.resolve("cnn"))) {
                assertThat(again.spec().layers()).noneMatch(Layer::lazy);
                assertThat(again.spec().layers()).isEqualTo(explicitCnn().layers());
                assertThat(again.spec().toString()).contains("Linear(in_features=1600, out_features=128)")
                        .doesNotContain("linear(128)");
                assertThat(again.predict(x).values()).isEqualTo(m.predict(x).values());
                assertSameParameters(again.parameters(), m.parameters());
            }
        }
    }

    /** A module whose first layer takes its size from the input the net states. */
    static final class LazyMlp extends Module {
        final LazyLinear hidden = add("hidden", linear(8));
        final LazyLinear out = add("out", linear(2));

        @Override
        public Expr forward(Expr x) {
            return out.apply(hidden.apply(x).tanh());
        }
    }

    static final class ExplicitMlp extends Module {
        final Linear hidden = add("hidden", linear(3, 8));
        final Linear out = add("out", linear(8, 2));

        @Override
        public Expr forward(Expr x) {
            return out.apply(hidden.apply(x).tanh());
        }
    }

    static Dataset rows() {
        float[][] x = new float[6][3];
        float[][] y = new float[6][2];
        for (int i = 0; i < 6; i++) {
            x[i] = new float[] {i, 1 - i, 0.5f * i};
            y[i] = new float[] {i % 2, 1 - i % 2};
        }
        return Dataset.of(x, y);
    }

    @Test
    void a_module_resolves_its_lazy_layers_at_their_first_application(@TempDir Path dir) {
        Dataset data = rows();
        try (Model lazy = Net.module(new LazyMlp()).input(3).mse().adam(0.01).seed(4).build();
             Model explicit = Net.module(new ExplicitMlp()).mse().adam(0.01).seed(4).build()) {
            assertThat(lazy.parameters().stream().map(p -> p.name() + " " + p.shape()).toList())
                    .containsExactly("hidden.weight [8, 3]", "hidden.bias [8]", "out.weight [2, 8]", "out.bias [2]");
            assertSameParameters(lazy.parameters(), explicit.parameters());
            assertThat(lazy.fit(data, 5).losses()).isEqualTo(explicit.fit(data, 5).losses());
            assertThat(lazy.predict(data.x())).isDeepEqualTo(explicit.predict(data.x()));
            assertThat(lazy.summary()).contains("Linear(in_features=3, out_features=8)");
            // The saved module holds the resolved layers and replays its forward pass on them.
            lazy.saveAll(dir.resolve("mlp"));
            try (Model again = Model.open(dir.resolve("mlp"))) {
                assertThat(again.spec().layers()).containsExactly(linear(3, 8), linear(8, 2));
                assertThat(again.predict(data.x())).isDeepEqualTo(lazy.predict(data.x()));
            }
        }
    }

    @Test
    void a_lazy_net_loads_pytorch_weights_and_reproduces_pytorchs_outputs() {
        // PyTorchInteropTest.cnn() with the input sizes left out: cnn.pth, written by PyTorch 1.13, loads by name.
        Net lazy = Net.sequential(conv2d(4, 3), batchNorm2d(), relu(), maxPool2d(2), conv2d(6, 3).withPadding(1), batchNorm2d(),
                relu(), maxPool2d(2), flatten(), linear(10)).input(1, 14, 14);
        JsonNode expected = PyTorchInteropTest.FIXTURES.get("cnn");
        try (Model m = lazy.seed(1).build()) {
            m.load(PyTorchInteropTest.fixture("cnn.pth"));
            float[] got = m.predict(Tensor.of(PyTorchInteropTest.floats(expected.get("x")), 3, 1, 14, 14)).values();
            float[] want = PyTorchInteropTest.floats(expected.get("y"));
            assertThat(got).hasSameSizeAs(want);
            for (int i = 0; i < got.length; i++) {
                assertThat((double) got[i]).isCloseTo(want[i], org.assertj.core.api.Assertions.within(1e-6));
            }
        }
    }

    @Test
    void a_lazy_net_exports_a_saved_model_that_predicts_the_same(@TempDir Path dir) throws Exception {
        float[][] x = rows().x();
        try (Model m = Net.module(new LazyMlp()).input(3).mse().sgd(0.1).seed(5).build()) {
            m.exportSavedModel(dir.resolve("export"));
            float[] exported = ExportTest.runExport(dir.resolve("export"), "x", "y", x);
            float[][] predicted = m.predict(x);
            assertThat(exported).hasSize(x.length * 2);
            for (int i = 0; i < exported.length; i++) {
                assertThat((double) exported[i]).isCloseTo(predicted[i / 2][i % 2], org.assertj.core.api.Assertions.within(1e-6));
            }
        }
    }

    @Test
    void a_lazy_layer_used_twice_on_one_size_is_one_layer_with_shared_weights() {
        Layer shared = linear(4);
        Net net = Net.sequential(linear(3, 4), tanh(), shared, tanh(), shared).mse().sgd(0.1);
        assertThat(net.parameterCount()).isEqualTo(3 * 4 + 4 + 4 * 4 + 4);
        try (Model m = net.seed(1).build()) {
            assertThat(m.parameters().stream().map(Parameter::name).toList())
                    .containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        }
    }

    @Test
    void batch_norms_take_their_features_from_the_layer_before() {
        Net lazy = Net.sequential(linear(3, 5), batchNorm1d(), relu(), linear(2)).mse().sgd(0.1).seed(2);
        Net explicit = Net.sequential(linear(3, 5), batchNorm1d(5), relu(), linear(5, 2)).mse().sgd(0.1).seed(2);
        assertThat(lazy.parameterCount()).isEqualTo(explicit.parameterCount());
        try (Model a = lazy.build(); Model b = explicit.build()) {
            assertSameParameters(a.buffers(), b.buffers());
            assertThat(a.step(rows())).isEqualTo(b.step(rows()));
            assertSameParameters(a.buffers(), b.buffers());
        }
    }

    @Test
    void a_lazy_first_layer_without_an_input_shape_fails_at_build_saying_how_to_fix_it() {
        Net net = Net.sequential(linear(128), relu(), linear(10)).mse().sgd(0.1);
        assertThatThrownBy(net::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layer 0 '0' linear(128) takes its input size from the net's input, whose shape is unknown")
                .hasMessageContaining(".input(").hasMessageContaining("linear(in, out)");
        assertThatThrownBy(net::parameterCount).isInstanceOf(IllegalStateException.class).hasMessageContaining("linear(128)");
        // Stating the input shape is the fix.
        assertThat(net.input(784).parameterCount()).isEqualTo(784 * 128 + 128 + 1290);
        // On its own a lazy layer has no parameters yet, and says what to do.
        assertThatThrownBy(() -> linear(128).parameters()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("linear(in, 128)");
    }

    /** Applies one lazy layer to inputs of two sizes. */
    static final class TwoSizes extends Module {
        final Linear widen = add("widen", linear(4, 6));
        final LazyLinear shared = add("shared", linear(2));

        @Override
        public Expr forward(Expr x) {
            return shared.apply(x).plus(shared.apply(widen.apply(x)));
        }
    }

    @Test
    void a_lazy_layer_applied_to_two_sizes_fails_naming_the_layer_and_both_sizes() {
        assertThatThrownBy(() -> Net.module(new TwoSizes())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 'shared' linear(2) took its input size from its first input, examples of shape [4]")
                .hasMessageContaining("applied again to examples of shape [6]");
        Layer shared = linear(4);
        assertThatThrownBy(() -> Net.sequential(linear(3, 5), shared, tanh(), shared).input(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 1 '1' linear(4) took its input size from its first input, examples of shape [5]")
                .hasMessageContaining("[4]");
    }

    /** Registers a lazy layer that forward() never applies. */
    static final class Unapplied extends Module {
        final Linear used = add("used", linear(2, 3));
        final LazyLinear spare = add("spare", linear(5));

        @Override
        public Expr forward(Expr x) {
            return used.apply(x);
        }
    }

    @Test
    void a_lazy_layer_that_cannot_take_its_input_says_why() {
        assertThatThrownBy(() -> Net.sequential(conv2d(8, 3), linear(10)).input(1, 28, 28))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 1 '1' linear(10)")
                .hasMessageContaining("[8, 26, 26]").hasMessageContaining("add flatten() before it");
        assertThatThrownBy(() -> Net.sequential(conv2d(8, 3)).input(784)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d(8, 3): needs examples of shape [channels, height, width] but gets [784]");
        assertThatThrownBy(() -> Net.module(new Unapplied())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layer 'spare' linear(5)").hasMessageContaining("never applies it");
        assertThatThrownBy(() -> linear(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linear(0)");
        assertThatThrownBy(() -> conv2d(8, 3).withStride(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d(8, 3).withStride(0)");
    }
}
