package dev.netdsl;

import static dev.netdsl.layers.Layers.conv2d;
import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netdsl.layers.Layers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes whose products overflow an int or a long are refused in Java with a clear message (finding 10 of
 * issue 24): before, they wrapped to 0 or a negative number and reached TensorFlow, which aborts the process
 * ({@code F tensor_shape.cc:201 ... Encountered overflow when multiplying}), or asked for 8 GB up front.
 */
class OverflowTest {

    @Test
    void a_convolution_weight_whose_element_count_overflows_a_long_is_refused() {
        // 65536^4 = 2^64 wrapped to 0 in the size products.
        assertThatThrownBy(() -> conv2d(65536, 65536, 65536).parameters()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight [65536, 65536, 65536, 65536]").hasMessageContaining("more values than a Java array");
        assertThatThrownBy(() -> Net.sequential(conv2d(65536, 65536, 65536), flatten()).input(65536, 65536, 1).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_padding_whose_output_size_overflows_an_int_is_refused() {
        assertThatThrownBy(() -> Net.sequential(conv2d(1, 1, 3, 1, Integer.MAX_VALUE), flatten()).input(1, 28, 28))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than a Java array holds");
    }

    @Test
    void an_input_whose_example_overflows_an_int_is_refused() {
        assertThatThrownBy(() -> Net.sequential(flatten(), linear(10, 1)).input(3, 50000, 50000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more values than a Java array");
        assertThatThrownBy(() -> flatten().outputShape(new int[] {3, 50000, 50000})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more values than a Java array");
    }

    @Test
    void data_with_more_values_than_an_array_holds_is_refused() {
        float[] row = new float[50_000];
        float[][] x = new float[50_000][];
        java.util.Arrays.fill(x, row); // one row shared 50,000 times: 2.5e9 values in all, 200 kB of memory
        float[][] y = new float[50_000][];
        java.util.Arrays.fill(y, new float[1]);
        assertThatThrownBy(() -> Dataset.of(x, y)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2500000000 in all").hasMessageContaining("split it");
        assertThatThrownBy(() -> Tensor.of(x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than one Java array holds");
        assertThatThrownBy(() -> Dataset.of(new float[4], new int[] {1}, 50000, 50000, 50000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more values than a Java array");
    }

    @Test
    void a_fit_of_integer_max_value_steps_starts_without_asking_for_8_gb() {
        Dataset data = Dataset.of(new float[][] {{1}, {2}}, new float[][] {{2}, {4}});
        AtomicInteger seen = new AtomicInteger();
        try (Model m = Net.of(1, 1).mse().sgd(0.01).seed(1).build()) {
            // The listener ends it after 3 steps; before, the History's array of 2^31 - 1 losses ran out of memory first.
            assertThatThrownBy(() -> m.fit(data, Integer.MAX_VALUE, (step, loss) -> {
                if (seen.incrementAndGet() == 3) {
                    throw new IllegalStateException("enough");
                }
            })).hasMessage("enough");
            assertThat(seen.get()).isEqualTo(3);
        }
    }

    /** A module with a convolution it registers but does not use: its parameters are made all the same. */
    static final class Spare extends dev.netdsl.layers.Module {
        final dev.netdsl.layers.Linear a = add("a", linear(2, 1));
        final dev.netdsl.layers.Conv2d spare;

        Spare(dev.netdsl.layers.Conv2d spare) {
            this.spare = add("spare", spare);
        }

        @Override
        public Expr forward(Expr x) {
            return a.apply(x);
        }
    }

    @Test
    void a_model_declaring_such_a_convolution_is_refused_in_java_and_on_open(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Net.module(new Spare(conv2d(65536, 65536, 65536))).mse().sgd(0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more values than a Java array");
        Path file = dir.resolve("conv.netdsl");
        try (Model m = Net.module(new Spare(conv2d(1, 1, 1))).mse().sgd(0.1).seed(1).build()) {
            m.saveAll(file);
        }
        byte[] base = Files.readAllBytes(file);
        var root = RandomModelFiles.description(base);
        ObjectNode conv = (ObjectNode) root.get("net").get("layers").get(1).get("layer");
        conv.put("in_channels", 65536).put("out_channels", 65536);
        ((ArrayNode) conv.get("kernel_size")).removeAll().add(65536).add(65536);
        Files.write(file, RandomModelFiles.withDescription(base, root));
        assertThatThrownBy(() -> Model.open(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("more values than a Java array");
        assertThat(Layers.conv2d(1, 1, 1).parameters()).hasSize(2); // the small one is fine
    }
}
