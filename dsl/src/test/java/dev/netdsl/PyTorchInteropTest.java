package dev.netdsl;

import static dev.netdsl.layers.Layers.batchNorm2d;
import static dev.netdsl.layers.Layers.conv2d;
import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.maxPool2d;
import static dev.netdsl.layers.Layers.relu;
import static dev.netdsl.layers.Layers.tanh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netdsl.io.LoadOptions;
import dev.netdsl.io.LoadResult;
import dev.netdsl.io.TensorFiles;
import dev.netdsl.layers.Linear;
import dev.netdsl.layers.Module;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Weights from and to PyTorch: files written by PyTorch 1.13 itself ({@code dsl/src/test/python/pytorch_fixtures.py})
 * load by name into the same nets written in NetDSL and reproduce PyTorch's outputs; NetDSL's safetensors
 * file is what PyTorch loaded strictly and ran (its verdict is committed beside it); bad files fail with a
 * message naming the file and the problem and change nothing.
 */
class PyTorchInteropTest {
    static final JsonNode FIXTURES = OptimizerOptionsTest.read("/pytorch/interchange.json");

    static Path fixture(String name) {
        try {
            return Path.of(PyTorchInteropTest.class.getResource("/pytorch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static float[] floats(JsonNode values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    /** The planar tutorial's module_net. */
    static final class ModuleNet extends Module {
        final Linear layer1 = add("layer1", linear(2, 4));
        final dev.netdsl.layers.Activation layer2 = add("layer2", tanh());
        final Linear layer3 = add("layer3", linear(4, 1));

        @Override
        public Expr forward(Expr x) {
            return layer3.apply(layer2.apply(layer1.apply(x)));
        }
    }

    /** Hidden layers in a list (hidden.0, hidden.1), then out. */
    static final class ListNet extends Module {
        final List<Linear> hidden = addList("hidden", List.of(linear(3, 5), linear(5, 5)));
        final Linear out = add("out", linear(5, 2));

        @Override
        public Expr forward(Expr x) {
            for (Linear h : hidden) {
                x = h.apply(x).tanh();
            }
            return out.apply(x);
        }
    }

    static Net sequential() {
        return Net.sequential(linear(2, 4), tanh(), linear(4, 1));
    }

    static Net cnn() {
        return Net.sequential(conv2d(1, 4, 3), batchNorm2d(4), relu(), maxPool2d(2), conv2d(4, 6, 3, 1, 1), batchNorm2d(6), relu(),
                maxPool2d(2), flatten(), linear(6 * 3 * 3, 10)).input(1, 14, 14);
    }

    static Stream<Arguments> files() {
        return Stream.of(Arguments.of("sequential.pth", sequential(), "sequential", new int[] {8, 2}),
                Arguments.of("sequential.safetensors", sequential(), "sequential", new int[] {8, 2}),
                Arguments.of("sequential-float64.pth", sequential(), "sequential-float64", new int[] {8, 2}),
                Arguments.of("sequential-float16.pth", sequential(), "sequential-float16", new int[] {8, 2}),
                Arguments.of("sequential-bfloat16.pth", sequential(), "sequential-bfloat16", new int[] {8, 2}),
                Arguments.of("module.pth", Net.module(new ModuleNet()), "module", new int[] {8, 2}),
                Arguments.of("modulelist.pth", Net.module(new ListNet()), "modulelist", new int[] {6, 3}),
                Arguments.of("mnist_mlp.pth", Net.of(784, 200, 200, 10).relu(), "mnist_mlp", new int[] {4, 784}),
                Arguments.of("cnn.pth", cnn(), "cnn", new int[] {3, 1, 14, 14}),
                Arguments.of("cnn.safetensors", cnn(), "cnn", new int[] {3, 1, 14, 14}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void a_file_pytorch_wrote_loads_by_name_and_reproduces_pytorchs_outputs(String file, Net net, String key, int[] shape) {
        JsonNode expected = FIXTURES.get(key);
        try (Model m = net.seed(1).build()) {
            m.load(fixture(file));
            float[] got = m.predict(Tensor.of(floats(expected.get("x")), shape)).values();
            float[] want = floats(expected.get("y"));
            assertThat(got).hasSameSizeAs(want);
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - want[i]));
            }
            System.out.printf("%s: %d outputs, largest difference from PyTorch %.2e%n", file, got.length, worst);
            assertThat(worst).as("largest difference from PyTorch's outputs").isLessThanOrEqualTo(1e-6);
        }
    }

    @Test
    void strided_and_offset_views_of_one_storage_read_as_pytorch_sees_them() {
        try (Model m = Net.sequential(linear(3, 4)).build()) {
            m.load(fixture("views.pth"));
            assertThat(m.parameters().get(0).values()).containsExactly(floats(FIXTURES.get("views").get("weight")));
            assertThat(m.parameters().get(1).values()).containsExactly(floats(FIXTURES.get("views").get("bias")));
        }
    }

    @Test
    void inspect_names_each_tensor_with_its_file_type_and_numbers() {
        List<TensorFiles.TensorInfo> info = TensorFiles.inspect(fixture("cnn.pth"));
        assertThat(info).extracting(TensorFiles.TensorInfo::name).startsWith("0.weight", "0.bias", "1.weight", "1.bias",
                "1.running_mean", "1.running_var", "1.num_batches_tracked");
        TensorFiles.TensorInfo tracked = info.get(6);
        assertThat(tracked.dtype()).isEqualTo("int64");
        assertThat(tracked.shape()).isEmpty();
        assertThat(tracked.max()).isEqualTo(5.0);
        assertThat(TensorFiles.inspect(fixture("sequential-float16.pth")).get(0).dtype()).isEqualTo("float16");
        assertThat(TensorFiles.format(fixture("cnn.safetensors"))).isEqualTo(TensorFiles.Format.SAFETENSORS);
        assertThat(TensorFiles.format(fixture("cnn.pth"))).isEqualTo(TensorFiles.Format.PYTORCH);
    }

    @Test
    void a_checkpoint_dict_loads_its_model_entry_with_a_prefix_and_reports_the_rest() {
        try (Model m = sequential().build()) {
            assertThatThrownBy(() -> m.load(fixture("checkpoint.pth"))).hasMessageContaining("model_state_dict.0.weight [4, 2] is not")
                    .hasMessageContaining("load with LoadOptions.nonStrict().stripPrefix(\"model_state_dict.\")");
            LoadResult r = m.load(fixture("checkpoint.pth"), LoadOptions.nonStrict().stripPrefix("model_state_dict."));
            assertThat(r.loaded()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
            assertThat(r.missing()).isEmpty();
            assertThat(r.unexpected()).allMatch(u -> u.startsWith("optimizer_state_dict.state."));
            assertThat(r.isComplete()).isFalse();
            JsonNode expected = FIXTURES.get("checkpoint");
            float[] got = m.predict(Tensor.of(floats(expected.get("x")), 8, 2)).values();
            assertThat(got).containsExactly(floats(expected.get("y")), within(1e-6f));
        }
    }

    @Test
    void non_strict_loading_loads_what_fits_and_lists_what_it_skipped() {
        try (Model m = Net.sequential(linear(2, 4), tanh(), linear(4, 3)).seed(1).build()) {
            List<Parameter> before = m.parameters();
            LoadResult r = m.load(fixture("sequential.pth"), LoadOptions.nonStrict());
            assertThat(r.loaded()).containsExactly("0.weight", "0.bias");
            assertThat(r.mismatched()).containsExactly("2.weight has shape [1, 4] but this model's is [3, 4]",
                    "2.bias has shape [1] but this model's is [3]");
            assertThat(m.parameters().get(2)).usingRecursiveComparison().isEqualTo(before.get(2));
            assertThat(m.parameters().get(0)).usingRecursiveComparison().isNotEqualTo(before.get(0));
        }
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(Arguments.of("evil.pth", "refused to unpickle posix.system"),
                Arguments.of("whole_model.pth", "refused to unpickle torch.nn.modules.container.Sequential"),
                Arguments.of("legacy.pth", "before PyTorch 1.6"),
                Arguments.of("torchscript.pt", "TorchScript archive"),
                Arguments.of("mnist_mlp.pth", "0.weight has shape [200, 784] but this model's is [4, 2]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void files_that_do_not_fit_fail_naming_the_file_and_the_problem_and_change_nothing(String file, String problem) {
        try (Model m = sequential().seed(3).build()) {
            List<Parameter> before = m.parameters();
            assertThatThrownBy(() -> m.load(fixture(file))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file).hasMessageContaining(problem);
            assertThat(m.parameters()).usingRecursiveComparison().isEqualTo(before);
        }
    }

    @Test
    void truncated_and_corrupt_files_fail_naming_the_file_and_change_nothing(@TempDir Path dir) throws IOException {
        List<Path> bad = new ArrayList<>();
        for (String name : List.of("sequential.pth", "sequential.safetensors")) {
            byte[] b = Files.readAllBytes(fixture(name));
            Path cut = dir.resolve("cut-" + name);
            Files.write(cut, java.util.Arrays.copyOf(b, b.length * 2 / 3));
            bad.add(cut);
            byte[] flipped = b.clone();
            // A byte in the tensors' data (the pth's storages lie before its central directory, the safetensors' at the end).
            int at = name.endsWith(".pth") ? firstStorageByte(b) + 3 : b.length - 5;
            flipped[at] ^= 0x5a;
            Path corrupt = dir.resolve("corrupt-" + name);
            Files.write(corrupt, flipped);
            bad.add(corrupt);
        }
        Path empty = dir.resolve("empty.pth");
        Files.write(empty, new byte[0]);
        bad.add(empty);
        try (Model m = sequential().seed(3).build()) {
            List<Parameter> before = m.parameters();
            for (Path p : bad) {
                if (p.getFileName().toString().equals("corrupt-sequential.safetensors")) {
                    // safetensors has no checksum: a flipped data byte is a different value, which it reads.
                    continue;
                }
                assertThatThrownBy(() -> m.load(p)).as(p.getFileName().toString()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(p.toString());
                assertThat(m.parameters()).usingRecursiveComparison().isEqualTo(before);
            }
            assertThatThrownBy(() -> m.load(dir.resolve("corrupt-sequential.pth"))).hasMessageContaining("CRC32");
        }
    }

    /** Where the data of the zip entry {@code .../data/0} starts: after its local header, name and (padding) extra field. */
    static int firstStorageByte(byte[] zip) {
        int header = indexOf(zip, "/data/0".getBytes()) - 30;
        while (!(zip[header] == 'P' && zip[header + 1] == 'K' && zip[header + 2] == 3 && zip[header + 3] == 4)) {
            header--;
        }
        int nameLength = (zip[header + 26] & 0xff) | (zip[header + 27] & 0xff) << 8;
        int extraLength = (zip[header + 28] & 0xff) | (zip[header + 29] & 0xff) << 8;
        return header + 30 + nameLength + extraLength;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }

    /**
     * A NetDSL CNN (seeded weights, batch-norm statistics set to non-trivial values) saved as safetensors: the
     * bytes are the committed {@code netdsl_cnn.safetensors}, which PyTorch loaded with
     * {@code load_state_dict(strict=True)} and ran; {@code netdsl_cnn.roundtrip.json} holds its largest
     * difference from NetDSL's outputs. With {@code -Dnetdsl.writeFixtures=true} it rewrites the files into
     * the source tree (then rerun the fixture script).
     */
    @Test
    void a_netdsl_safetensors_file_is_what_pytorch_loaded_strictly_with_the_same_outputs(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("netdsl_cnn.safetensors");
        float[] x = new float[2 * 14 * 14];
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        float[] y;
        try (Model m = cnn().seed(7).build()) {
            List<Parameter> stats = new ArrayList<>();
            for (Parameter b : m.buffers()) {
                float[] v = b.values();
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.name().endsWith("running_var") ? 0.5f + 0.25f * i : b.name().endsWith("running_mean") ? 0.1f * i - 0.2f : 7;
                }
                stats.add(new Parameter(b.name(), b.shape(), v));
            }
            List<Parameter> all = new ArrayList<>(m.parameters());
            all.addAll(stats);
            m.setParameters(all);
            m.save(file);
            y = m.predict(Tensor.of(x, 2, 1, 14, 14)).values();
        }
        if (Boolean.getBoolean("netdsl.writeFixtures")) {
            Path resources = Path.of("src/test/resources/pytorch");
            Files.copy(file, resources.resolve("netdsl_cnn.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            ObjectNode json = new ObjectMapper().createObjectNode();
            for (float v : x) {
                json.withArray("x").add(v);
            }
            json.putArray("x_shape").add(2).add(1).add(14).add(14);
            for (float v : y) {
                json.withArray("y").add(v);
            }
            Files.writeString(resources.resolve("netdsl_cnn.json"), json.toPrettyString() + "\n");
        }
        assertThat(Files.readAllBytes(file)).as("NetDSL writes the file PyTorch checked").isEqualTo(
                Files.readAllBytes(fixture("netdsl_cnn.safetensors")));
        JsonNode committed = OptimizerOptionsTest.read("/pytorch/netdsl_cnn.json");
        assertThat(y).containsExactly(floats(committed.get("y")), within(1e-6f));
        JsonNode verdict = OptimizerOptionsTest.read("/pytorch/netdsl_cnn.roundtrip.json");
        assertThat(verdict.get("load_state_dict_strict").asBoolean()).isTrue();
        assertThat(verdict.get("outputs").asInt()).isEqualTo(20);
        assertThat(verdict.get("max_abs_diff").asDouble()).as("PyTorch's outputs on NetDSL's file vs NetDSL's").isLessThanOrEqualTo(1e-6);
        // And NetDSL reads its own file back.
        try (Model m = cnn().seed(99).build()) {
            m.load(file);
            assertThat(m.predict(Tensor.of(x, 2, 1, 14, 14)).values()).containsExactly(y);
        }
    }

    @Test
    void save_writes_safetensors_by_the_file_name_and_netdsl_weights_otherwise(@TempDir Path dir) {
        try (Model m = sequential().seed(1).build()) {
            m.save(dir.resolve("w.safetensors"));
            m.save(dir.resolve("w.bin"));
            assertThat(TensorFiles.format(dir.resolve("w.safetensors"))).isEqualTo(TensorFiles.Format.SAFETENSORS);
            assertThat(TensorFiles.format(dir.resolve("w.bin"))).isEqualTo(TensorFiles.Format.NETDSL);
            assertThat(TensorFiles.read(dir.resolve("w.safetensors"))).usingRecursiveComparison().isEqualTo(m.parameters());
        }
    }

    @Test
    void the_readme_example_loads_pytorch_weights_saves_safetensors_and_takes_a_checkpoint_dict(@TempDir Path dir) {
        Path pth = fixture("sequential.pth");
        Path checkpoint = fixture("checkpoint.pth");
        LoadResult r;
        // --- README example start ---
        try (Model m = Net.sequential(linear(2, 4), tanh(), linear(4, 1)).build()) {
            m.load(pth);                                             // torch.save(seq_net.state_dict(), path)
            m.save(dir.resolve("seq_net.safetensors"));              // PyTorch: safetensors.torch.load_file(path)
            r = m.load(checkpoint, LoadOptions.nonStrict().stripPrefix("model_state_dict."));  // {"model_state_dict": ...}
        }
        // --- README example end ---
        assertThat(r.loaded()).hasSize(4);
        assertThat(TensorFiles.read(dir.resolve("seq_net.safetensors"))).extracting(Parameter::name)
                .containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
    }
}
