package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netdsl.internal.onnx.OnnxProto;
import dev.netdsl.internal.onnx.OnnxProto.GraphProto;
import dev.netdsl.internal.onnx.OnnxProto.ModelProto;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX files written by PyTorch 1.13's {@code torch.onnx.export} ({@code dsl/src/test/python/onnx_fixtures.py}) open
 * with {@link Net#fromOnnx}, predict PyTorch's outputs, take the same SGD step, train, save and export.
 */
class OnnxImportTest {
    static final Path DIR = Path.of("src/test/resources/onnx");

    private static JsonNode fixture(String name) throws Exception {
        return new ObjectMapper().readTree(DIR.resolve(name + ".json").toFile());
    }

    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    private static Tensor input(Net net, JsonNode values, JsonNode shape) {
        return net.inputType() == DType.FLOAT32 ? Tensor.of(floats(values), ints(shape)) : Tensor.ofInts(ints(values), ints(shape));
    }

    private static void close(float[] got, float[] want, double tolerance, String what) {
        assertThat(got).as(what).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("%s [%d]", what, i).isCloseTo(want[i], within((float) tolerance));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mlp_acts", "mlp_opset9", "mlp_layernorm", "cnn_plain", "cnn", "cnn_view", "cnn_view_fixed", "transformer", "lstm", "lstm_final",
        "lstm_two_layers", "gru"})
    void a_pytorch_export_predicts_steps_and_trains_as_pytorch(String name, @TempDir Path tmp) throws Exception {
        JsonNode f = fixture(name);
        Net net = Net.fromOnnx(DIR.resolve(name + ".onnx")).mse().sgd(0.1).seed(1);
        Tensor probe = input(net, f.get("probe"), f.get("probe_shape"));
        Dataset batch = Dataset.of(input(net, f.get("x"), f.get("x_shape")), Tensor.of(floats(f.get("y")), ints(f.get("y_shape"))));
        try (Model m = net.build()) {
            float[] want = floats(f.get("output"));
            close(m.predict(probe).values(), want, 1e-5, name + " output");
            if (!f.get("fixed_batch").asBoolean()) { // ONNX Runtime runs a fixed-batch file at that batch size only
                close(m.predict(probe).values(), onnxRuntime(DIR.resolve(name + ".onnx"), probe), 1e-5, name + " against ONNX Runtime");
            }

            // saveAll and open give the same net; its ONNX export runs as the original does.
            m.saveAll(tmp.resolve("m.netdsl"));
            try (Model reopened = Model.open(tmp.resolve("m.netdsl"))) {
                close(reopened.predict(probe).values(), want, 1e-6, name + " reopened");
            }
            m.exportSavedModel(tmp.resolve("saved"));
            List<String> values = new java.util.ArrayList<>();
            if (probe.dtype() == DType.FLOAT32) {
                for (float v : probe.values()) {
                    values.add(Float.toString(v));
                }
            } else {
                for (int v : probe.ints()) {
                    values.add(Integer.toString(v));
                }
            }
            close(ExportTest.runExport(tmp.resolve("saved"), "x", "y", probe.dtype() == DType.FLOAT32 ? "float32" : "int32",
                    probe.shape(), values), want, 1e-5, name + " in TensorFlow's SavedModel loader");
            m.exportOnnx(tmp.resolve("again.onnx"));
            try (Model again = Net.fromOnnx(tmp.resolve("again.onnx")).build()) {
                close(again.predict(probe).values(), want, 1e-5, name + " exported and read again");
            }

            if (f.get("same_step").asBoolean()) {
                assertThat(m.loss(batch)).as("loss").isCloseTo((float) f.get("loss").asDouble(), within(1e-5f));
                m.fit(batch, 1);
                Map<String, Parameter> after = new HashMap<>();
                m.parameters().forEach(p -> after.put(p.name(), p));
                f.get("after").fields().forEachRemaining(e -> {
                    assertThat(after).as("PyTorch's parameter %s", e.getKey()).containsKey(e.getKey());
                    close(after.get(e.getKey()).values(), floats(e.getValue()), 1e-5, e.getKey() + " after one SGD step");
                });
            }
        }
        try (Model m = Net.fromOnnx(DIR.resolve(name + ".onnx")).mse().adam(0.01).seed(1).build()) {
            float before = m.loss(batch);
            m.fit(batch, 20);
            assertThat(m.loss(batch)).as("loss after 20 Adam steps, from %s", before).isLessThan(before * 0.95f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lstm"})
    void layers_keep_pytorchs_names(String name) throws Exception {
        try (Model m = Net.fromOnnx(DIR.resolve(name + ".onnx")).build()) {
            java.util.Set<String> names = new java.util.HashSet<>();
            m.parameters().forEach(p -> names.add(p.name()));
            java.util.Set<String> pytorch = new java.util.HashSet<>();
            fixture(name).get("after").fieldNames().forEachRemaining(pytorch::add);
            assertThat(names).isEqualTo(pytorch);
        }
    }

    @org.junit.jupiter.api.Test
    void bad_files_fail_naming_the_file_and_the_problem(@TempDir Path tmp) throws Exception {
        byte[] good = Files.readAllBytes(DIR.resolve("mlp.onnx"));
        Path cut = tmp.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> Net.fromOnnx(cut)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut.onnx")
                .hasMessageContaining("truncated");
        Path text = tmp.resolve("text.onnx");
        Files.writeString(text, "not a model at all\n");
        assertThatThrownBy(() -> Net.fromOnnx(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text.onnx");
        Path empty = tmp.resolve("empty.onnx");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> Net.fromOnnx(empty)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> Net.fromOnnx(tmp.resolve("missing.onnx"))).hasMessageContaining("no such file");

        ModelProto mlp = ModelProto.parseFrom(good);
        Path future = write(tmp, "future.onnx", mlp.toBuilder().setOpsetImport(0, mlp.getOpsetImport(0).toBuilder().setVersion(19)).build());
        assertThatThrownBy(() -> Net.fromOnnx(future)).hasMessageContaining("future.onnx").hasMessageContaining("opset 19 is newer");
        GraphProto g = mlp.getGraph();
        // The first Gemm's weight gone: the node reads a value nothing gives.
        Path missing = write(tmp, "missing-init.onnx", mlp.toBuilder().setGraph(g.toBuilder().removeInitializer(0)).build());
        assertThatThrownBy(() -> Net.fromOnnx(missing)).hasMessageContaining("missing-init.onnx").hasMessageContaining("'0.weight'")
                .hasMessageContaining("no earlier node, initializer or graph input");
        // Nodes in reverse: each reads what a later one gives, as in a cycle.
        GraphProto.Builder reversed = g.toBuilder().clearNode();
        for (int i = g.getNodeCount() - 1; i >= 0; i--) {
            reversed.addNode(g.getNode(i));
        }
        Path cycle = write(tmp, "cycle.onnx", mlp.toBuilder().setGraph(reversed).build());
        assertThatThrownBy(() -> Net.fromOnnx(cycle)).hasMessageContaining("cycle.onnx").hasMessageContaining("cycle");
        // Values in a file beside it: refused, never opened.
        TensorProto w = g.getInitializer(0).toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxProto.StringStringEntryProto.newBuilder().setKey("location").setValue("/etc/passwd")).build();
        Path external = write(tmp, "external.onnx", mlp.toBuilder().setGraph(g.toBuilder().setInitializer(0, w)).build());
        assertThatThrownBy(() -> Net.fromOnnx(external)).hasMessageContaining("external.onnx").hasMessageContaining("external data");
        // An op NetDSL has no form for, named with its node and opset.
        NodeProto relu = g.getNode(1).toBuilder().setOpType("Hardmax").build();
        Path unknown = write(tmp, "unknown.onnx", mlp.toBuilder().setGraph(g.toBuilder().setNode(1, relu)).build());
        assertThatThrownBy(() -> Net.fromOnnx(unknown)).hasMessageContaining("unknown.onnx").hasMessageContaining("node 1")
                .hasMessageContaining("(Hardmax, opset 14)").hasMessageContaining("does not read Hardmax");
    }

    /** What ONNX Runtime computes for {@code x} with the file as written (token ids as the int64 PyTorch declared). */
    static float[] onnxRuntime(Path file, Tensor x) throws Exception {
        try (ai.onnxruntime.OrtSession s = ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(file.toString(),
                new ai.onnxruntime.OrtSession.SessionOptions())) {
            return OnnxExportTest.run(s, x).values();
        }
    }

    private static Path write(Path dir, String name, ModelProto model) throws java.io.IOException {
        Path p = dir.resolve(name);
        Files.write(p, model.toByteArray());
        return p;
    }
}
