package dev.netdsl;

import static dev.netdsl.Layers.linear;
import static dev.netdsl.Layers.tanh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SaveLoadTest {
    static final float[][] PROBE = {{0.3f, -1.2f}, {2.5f, 0.7f}, {-1f, -1f}};

    static class Net2 extends Module {
        final Linear layer1 = add("layer1", linear(2, 4));
        final Activation layer2 = add("layer2", tanh());
        final Linear layer3 = add("layer3", linear(4, 1));

        @Override
        public Expr forward(Expr x) {
            return layer3.apply(layer2.apply(layer1.apply(x))).plus(layer1.apply(x).sum(1).reshape(-1, 1).times(0.1));
        }
    }

    static Stream<Net> kinds() {
        return Stream.of(Net.of(2, 5, 1).tanh().bceWithLogits().sgd(1.0).seed(3),
                Net.sequential().add("hidden", linear(2, 4)).add("act", tanh()).add("out", linear(4, 1)).mse().adam(0.01).seed(3),
                Net.module(new Net2()).mse().sgd(0.1, 0.9).seed(3));
    }

    private static Dataset data() {
        return Dataset.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new float[][] {{0}, {1}, {1}, {0}});
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void weights_round_trip_into_a_model_built_from_the_same_spec(Net spec, @TempDir Path dir) {
        Path file = dir.resolve("w.bin");
        float[][] expected;
        try (Model a = spec.build()) {
            a.fit(data(), 50);
            expected = a.predict(PROBE);
            a.save(file);
        }
        try (Model b = spec.seed(99).build()) {
            assertThat(b.predict(PROBE)).isNotEqualTo(expected);
            b.load(file);
            assertThat(b.predict(PROBE)).isDeepEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void the_whole_model_reopens_without_its_spec(Net spec, @TempDir Path dir) {
        Path file = dir.resolve("model.netdsl");
        float[][] expected;
        try (Model a = spec.build()) {
            a.fit(data(), 30);
            expected = a.predict(PROBE);
            a.saveAll(file);
        }
        try (Model b = Model.open(file)) {
            assertThat(b.predict(PROBE)).isDeepEqualTo(expected);
            assertThat(b.stepsTaken()).isEqualTo(30);
            assertThat(b.seed()).isEqualTo(3);
            assertThat(b.spec().loss()).isEqualTo(spec.loss());
            assertThat(b.spec().optimizer()).isEqualTo(spec.optimizer());
            assertThat(b.spec().layerNames()).isEqualTo(spec.layerNames());
            b.fit(data(), 5);
        }
    }

    @Test
    void layers_are_reachable_by_index_and_name_with_their_weights() {
        try (Model model = Net.module(new Net2()).mse().sgd(0.1).seed(3).build()) {
            LayerView l1 = model.layer("layer1");

            assertThat(l1).hasToString("Linear(in_features=2, out_features=4)");
            assertThat(l1.weight().shape()).containsExactly(4, 2);
            assertThat(l1.bias().shape()).containsExactly(4);
            assertThat(model.layer(0).weight().values()).containsExactly(l1.weight().values());
            assertThat(l1.weight().format()).startsWith("[[").contains("],\n [");
            assertThatThrownBy(() -> model.layer(1).weight()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has no weight");
            assertThatThrownBy(() -> model.layer("layer9")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the layers are [layer1, layer2, layer3]");
        }
    }

    @Test
    void a_weights_file_is_not_a_model_file_and_vice_versa(@TempDir Path dir) {
        try (Model model = Net.of(2, 3, 1).mse().sgd(0.1).build()) {
            model.save(dir.resolve("w"));
            model.saveAll(dir.resolve("m"));
            assertThatThrownBy(() -> Model.open(dir.resolve("w"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a NetDSL model file");
            assertThatThrownBy(() -> model.load(dir.resolve("m"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a NetDSL weights file");
        }
    }

    /** Opens a saved model in a fresh JVM that has only the library and the file. */
    public static void main(String[] args) {
        try (Model m = Model.open(Path.of(args[0]))) {
            for (float[] row : m.predict(PROBE)) {
                System.out.println(Float.floatToIntBits(row[0]));
            }
        }
    }

    @Test
    void a_saved_module_opens_in_a_fresh_jvm(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("module.netdsl");
        float[][] expected;
        try (Model a = Net.module(new Net2()).mse().sgd(0.1).seed(5).build()) {
            a.fit(data(), 20);
            expected = a.predict(PROBE);
            a.saveAll(file);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SaveLoadTest.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<Integer> bits = Arrays.stream(out.trim().split("\\s+")).map(Integer::valueOf).toList();
        assertThat(bits).containsExactly(Float.floatToIntBits(expected[0][0]), Float.floatToIntBits(expected[1][0]),
                Float.floatToIntBits(expected[2][0]));
        assertThat(Files.list(dir).map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
    }
}
