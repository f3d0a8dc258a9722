package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check: exports of sine, planar's sequential net, mnist and mnist-raw load in a fresh
 * JVM through TensorFlow's SavedModelBundle and predict what NetDSL predicted.
 */
class ExportExamplesTest {

    @Test
    void exported_examples_predict_the_same_in_a_fresh_jvm(@TempDir Path tmp) throws Exception {
        String[][] exports = {
            {"sine", "--steps", "300"},
            {"planar", "--only", "sequential", "--epochs", "300"},
            {"mnist", "--epochs", "1", "--offline"},
            {"mnist-raw", "--epochs", "1", "--offline"},
            {"cnn", "--epochs", "1", "--offline"},
            {savedModelFile(tmp).toString()},
        };
        List<String> dirs = new ArrayList<>();
        for (String[] e : exports) {
            Path dir = tmp.resolve(Path.of(e[0]).getFileName() + "-export");
            List<String> args = new ArrayList<>(List.of("export"));
            args.addAll(List.of(e));
            args.addAll(List.of("--out", dir.toString()));
            assertThat(Main.execute(args.toArray(new String[0]))).as(String.join(" ", args)).isZero();
            dirs.add(dir.toString());
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ExportCheck.class.getName()));
        cmd.addAll(dirs);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue(); // a hang guard, ten times a slow quiet run
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = out.lines().filter(l -> l.startsWith("MAXDIFF ")).toList();
        System.out.println(String.join("\n", lines));
        assertThat(lines).hasSize(exports.length);
        // The CNN's export runs in inference mode (no dropout, batch norm's running statistics), as predict does.
        String[] shapes = {"8x1", "8x1", "8x10", "8x10", "8x10", "8x2"};
        for (int i = 0; i < exports.length; i++) {
            String[] f = lines.get(i).split(" ");
            assertThat(f[1]).isEqualTo(dirs.get(i));
            assertThat(Double.parseDouble(f[2])).as(lines.get(i)).isLessThanOrEqualTo(1e-6);
            assertThat(f[3]).isEqualTo(shapes[i]);
        }
    }

    /** A user's own model, trained a little and written with saveAll: what {@code ./netdsl export FILE} is for. */
    private static Path savedModelFile(Path tmp) {
        Path file = tmp.resolve("mine.netdsl");
        try (dev.netdsl.Model m = dev.netdsl.Net.of(3, 8, 2).tanh().mse().adam(0.01).seed(3).build()) {
            float[][] x = {{1, 2, 3}, {0, -1, 2}, {4, 0, 1}};
            m.fit(dev.netdsl.Dataset.of(x, new float[][] {{1, 0}, {0, 1}, {1, 1}}), 20);
            m.saveAll(file);
        }
        return file;
    }

    @Test
    void exporting_a_weights_file_or_a_missing_file_is_a_one_line_error(@TempDir Path tmp) {
        Path weights = tmp.resolve("w.safetensors");
        try (dev.netdsl.Model m = dev.netdsl.Net.of(3, 2).mse().sgd(0.1).build()) {
            m.save(weights);
        }
        String[] r = MainTest.run("export", weights.toString(), "--out", tmp.resolve("a").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).startsWith("netdsl export: ").contains(weights.toString()).doesNotContain("\tat ");
        r = MainTest.run("export", tmp.resolve("nope.netdsl").toString(), "--out", tmp.resolve("b").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("no such file");
        r = MainTest.run("export", savedModelFile(tmp).toString(), "--epochs", "3", "--out", tmp.resolve("c").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("a model file is exported as it is");
    }

    @Test
    void a_model_file_exports_as_onnx_and_inspect_lists_its_inputs_ops_and_initializers(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("m.netdsl");
        try (dev.netdsl.Model m = dev.netdsl.Net.of(3, 8, 2).tanh().mse().sgd(0.1).seed(1).build()) {
            m.saveAll(file);
        }
        String[] r = MainTest.run("export", file.toString(), "--format", "onnx", "--out", tmp.resolve("onnx").toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("ONNX model model.onnx, input input [-1, 3] -> output output [-1, 2]");
        assertThat(tmp.resolve("onnx/model.onnx")).isRegularFile();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("onnx/netdsl-check.json").toFile())
                .get("file").asText()).isEqualTo("model.onnx");
        r = MainTest.run("inspect", tmp.resolve("onnx/model.onnx").toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("ONNX model, IR version 8, opsets {ai.onnx=17}, written by NetDSL")
                .contains("  input  input: float [batch, 3]\n").contains("  output output: float [batch, 2]\n")
                .contains("MatMul x2").contains("Tanh x1").contains("4 initializers:").contains("0.weight                     [8, 3]");
        r = MainTest.run("export", file.toString(), "--format", "pdf", "--out", tmp.resolve("pdf").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--format pdf: pick one of savedmodel, onnx");
        java.nio.file.Files.write(tmp.resolve("cut.onnx"), java.util.Arrays.copyOf(
                java.nio.file.Files.readAllBytes(tmp.resolve("onnx/model.onnx")), 100));
        r = MainTest.run("inspect", tmp.resolve("cut.onnx").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("cut.onnx is not an ONNX model, or is truncated").doesNotContain("\tat ");
    }

    @Test
    void exporting_an_example_without_a_model_or_over_an_old_export_is_a_one_line_error(@TempDir Path tmp) throws Exception {
        assertThat(Main.execute("export", "himmelblau", "--out", tmp.resolve("h").toString())).isEqualTo(2);
        assertThat(Main.execute("export", "planar", "--only", "nope", "--out", tmp.resolve("p").toString())).isEqualTo(2);
        assertThat(Main.execute("export", "sine", "--steps", "5", "--out", tmp.toString())).isZero();
        // The check file names the command that made it, as typed.
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("assets.extra/netdsl-check.json")
                .toFile()).get("command").asText()).isEqualTo("./netdsl export sine --steps 5 --out " + tmp);
        assertThat(Main.execute("export", "sine", "--steps", "5", "--out", tmp.toString())).isEqualTo(2);
        assertThat(Main.execute("export", "sine", "--steps", "5", "--out", tmp.toString(), "--overwrite")).isZero();
    }
}
