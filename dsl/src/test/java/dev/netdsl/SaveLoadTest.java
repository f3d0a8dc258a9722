package dev.netdsl;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.tanh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Layers;
import dev.netdsl.layers.Linear;
import dev.netdsl.layers.Module;
import dev.netdsl.training.Optimizers;
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
                    .hasMessageContaining("a NetDSL model file (saveAll): open it with Model.open");
        }
    }

    /** The program a fresh JVM runs: it has the library on its class path, not this test or its modules. */
    private static final String OPEN_CHECK = """
            import dev.netdsl.Model;
            import java.nio.file.Path;

            public class OpenCheck {
                public static void main(String[] args) {
                    try (Model m = Model.open(Path.of(args[0]))) {
                        for (float[] row : m.predict(new float[][] {{0.3f, -1.2f}, {2.5f, 0.7f}, {-1f, -1f}})) {
                            System.out.println(Float.floatToIntBits(row[0]));
                        }
                    }
                }
            }
            """;

    @Test
    void a_saved_module_opens_in_a_fresh_jvm_without_its_class(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("module.netdsl");
        float[][] expected;
        try (Model a = Net.module(new Net2()).mse().sgd(0.1).seed(5).build()) {
            a.fit(data(), 20);
            expected = a.predict(PROBE);
            a.saveAll(file);
        }
        Path source = dir.resolve("OpenCheck.java");
        Files.writeString(source, OPEN_CHECK);
        // The library and its dependencies only: no test classes, so Net2 (the module's code) is not there.
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        assertThat(classPath).doesNotContain("test-classes");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", classPath, source.toString(), file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(900, TimeUnit.SECONDS)).isTrue(); // a hang guard: a quiet run takes seconds
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(p.exitValue()).as(out).isZero();
        List<Integer> bits = out.lines().filter(l -> l.matches("-?\\d+")).map(Integer::valueOf).toList();
        assertThat(bits).containsExactly(Float.floatToIntBits(expected[0][0]), Float.floatToIntBits(expected[1][0]),
                Float.floatToIntBits(expected[2][0]));
        assertThat(Files.list(dir).map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
    }

    @Test
    void a_module_with_a_layer_list_and_dict_reopens_from_save_all(@TempDir Path dir) {
        Path file = dir.resolve("deep.netdsl");
        float[][] expected;
        try (Model a = Net.module(new ModuleTest.Deep(2)).mse().sgd(0.1).seed(2).build()) {
            a.fit(data(), 10);
            expected = a.predict(PROBE);
            a.saveAll(file);
        }
        try (Model b = Model.open(file)) {
            assertThat(b.predict(PROBE)).isDeepEqualTo(expected);
            assertThat(b.parameters()).extracting(Parameter::name).contains("hidden.0.weight", "hidden.1.bias");
        }
        try (Model a = Net.module(new ModuleTest.Branches()).mse().sgd(0.1).seed(2).build()) {
            a.saveAll(file);
            expected = a.predict(PROBE);
        }
        try (Model b = Model.open(file)) {
            assertThat(b.predict(PROBE)).isDeepEqualTo(expected);
            assertThat(b.parameters()).extracting(Parameter::name).contains("heads.left.weight", "heads.right.bias");
        }
    }

    static Stream<Net> resumable() {
        return Stream.of(Net.of(2, 5, 1).tanh().mse().adam(0.05).seed(3),
                Net.of(2, 5, 1).tanh().mse().sgd(0.2, 0.9).seed(3),
                Net.of(2, 5, 1).tanh().mse().optimizer(Optimizers.rmsprop(0.01)).seed(3),
                Net.of(2, 5, 1).tanh().mse().optimizer(Optimizers.adadelta()).seed(3),
                Net.of(2, 5, 1).tanh().mse().optimizer(Optimizers.adagrad(0.1)).seed(3));
    }

    @ParameterizedTest
    @MethodSource("resumable")
    void training_resumed_from_save_all_continues_bit_for_bit(Net spec, @TempDir Path dir) {
        Path file = dir.resolve("resume.netdsl");
        List<Parameter> straight;
        try (Model a = spec.build()) {
            a.fit(data(), 20);
            straight = a.parameters();
        }
        try (Model a = spec.build()) {
            a.fit(data(), 10);
            a.saveAll(file);
        }
        try (Model b = Model.open(file)) {
            b.fit(data(), 10);
            assertThat(b.stepsTaken()).isEqualTo(20);
            assertThat(b.parameters()).usingRecursiveComparison().isEqualTo(straight);
        }
    }

    @Test
    void shuffled_mini_batch_training_resumed_from_save_all_continues_bit_for_bit(@TempDir Path dir) {
        Path file = dir.resolve("resume.netdsl");
        Net spec = Net.of(2, 8, 1).tanh().mse().adam(0.01).seed(6);
        Dataset data = ModelTestData.noisyPlane(64, 1);
        List<Parameter> straight;
        try (Model a = spec.build()) {
            a.fit(data, 4, 10);
            straight = a.parameters();
        }
        try (Model a = spec.build()) {
            a.fit(data, 2, 10);
            a.saveAll(file);
        }
        try (Model b = Model.open(file)) {
            b.fit(data, 2, 10);
            assertThat(b.parameters()).usingRecursiveComparison().isEqualTo(straight);
        }
    }

    @Test
    void a_shared_layer_stays_shared_after_save_all_and_open(@TempDir Path dir) {
        Path file = dir.resolve("shared.netdsl");
        Linear shared = linear(2, 2);
        Net spec = Net.sequential(shared, tanh(), shared, linear(2, 1)).mse().sgd(0.1).seed(1);
        float[][] expected;
        try (Model a = spec.build()) {
            a.fit(data(), 5);
            expected = a.predict(PROBE);
            a.saveAll(file);
        }
        try (Model b = Model.open(file)) {
            assertThat(b.predict(PROBE)).isDeepEqualTo(expected);
            assertThat(b.parameters()).extracting(Parameter::name).containsExactly("0.weight", "0.bias", "3.weight", "3.bias");
            assertThat(b.spec()).isEqualTo(spec);
            assertThat(b.spec()).isNotEqualTo(Net.sequential(linear(2, 2), tanh(), linear(2, 2), linear(2, 1)).mse().sgd(0.1).seed(1));
        }
    }

    /** Files written by NetDSL's format version 1 (2026-11-23), committed with the program that wrote them. */
    static Stream<String> versionOneFiles() {
        return Stream.of("mlp", "sequential", "module");
    }

    @ParameterizedTest
    @MethodSource("versionOneFiles")
    void model_and_weights_files_of_format_version_1_still_open(String name) throws Exception {
        Path dir = Path.of(SaveLoadTest.class.getResource("/format-v1/expected.txt").toURI()).getParent();
        String[] expected = Files.readAllLines(dir.resolve("expected.txt")).stream().filter(l -> l.startsWith(name + " "))
                .findFirst().orElseThrow().split(" ");
        try (Model m = Model.open(dir.resolve(name + ".netdsl"))) {
            assertThat(m.stepsTaken()).isEqualTo(Long.parseLong(expected[1]));
            float[][] out = m.predict(PROBE);
            for (int i = 0; i < 3; i++) {
                // Written with oneDNN's kernels; the other kernel family rounds differently in the last bits.
                float want = Float.intBitsToFloat(Integer.parseInt(expected[2 + i]));
                assertThat(out[i][0]).as("%s row %d", name, i).isCloseTo(want, within(1e-5f * Math.max(1, Math.abs(want))));
            }
            // The weights-only file of the same model loads into a fresh build of its spec.
            try (Model fresh = m.spec().seed(123).build()) {
                fresh.load(dir.resolve(name + ".weights"));
                assertThat(fresh.predict(PROBE)).isDeepEqualTo(out);
            }
            m.fit(data(), 3);
        }
    }

    @Test
    void a_model_file_names_its_types_and_an_unknown_one_fails_naming_it(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.netdsl");
        try (Model m = Net.sequential(linear(2, 3), Layers.hardtanh(-2, 2), linear(3, 1)).mse().adam(0.01).seed(1).build()) {
            m.saveAll(file);
        }
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).contains("\"type\":\"Hardtanh\"").contains("\"min_val\":-2.0").contains("\"type\":\"Adam\"")
                .contains("\"type\":\"MSELoss\"").contains("0.weight.exp_avg");
        // Rename the layer type in place (same length) and fix the checksum: the reader must name what it lacks.
        String renamed = text.replace("\"type\":\"Hardtanh\"", "\"type\":\"Hardtank\"");
        byte[] changed = renamed.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(changed, 0, changed.length - 8);
        java.nio.ByteBuffer.wrap(changed, changed.length - 8, 8).putLong(crc.getValue());
        Files.write(file, changed);
        assertThatThrownBy(() -> Model.open(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("unknown layer type 'Hardtank'");
    }
}
