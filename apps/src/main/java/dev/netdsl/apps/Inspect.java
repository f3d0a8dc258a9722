package dev.netdsl.apps;

import dev.netdsl.Model;
import dev.netdsl.io.OnnxFiles;
import dev.netdsl.io.TensorFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code ./netdsl inspect FILE}: what a saved file holds. */
final class Inspect {
    private Inspect() {
    }

    /** Prints a model file's summary and tensors, or a weights file's tensors (any of the formats NetDSL reads). */
    static void print(Path file, PrintStream out) {
        if (Files.isDirectory(file)) {
            savedModel(file, out);
            return;
        }
        if (file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            onnx(file, out);
            return;
        }
        TensorFiles.Format format = TensorFiles.format(file);
        if (format == TensorFiles.Format.NETDSL_MODEL) {
            try (Model model = Model.open(file)) {
                out.println(file + ": NetDSL model file (saveAll), " + model.stepsTaken() + " training steps taken");
                out.print(model.summary());
                out.println("Tensors:");
                model.parameters().forEach(p -> out.println("  " + row(p.name(), p.shape(), p.values())));
                model.buffers().forEach(p -> out.println("  " + row(p.name(), p.shape(), p.values()) + "  (buffer)"));
            }
            return;
        }
        List<TensorFiles.TensorInfo> tensors = TensorFiles.inspect(file);
        long count = tensors.stream().mapToLong(t -> t.shape().stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b)).sum();
        out.printf(Locale.ROOT, "%s: %s weights file, %d tensors, %,d values%n", file, switch (format) {
            case NETDSL -> "NetDSL";
            case PYTORCH -> "PyTorch (torch.save)";
            default -> "safetensors";
        }, tensors.size(), count);
        tensors.forEach(t -> out.println("  " + t));
    }

    /** An ONNX file: its IR version and opsets, producer, inputs and outputs, op counts and initializers. */
    static void onnx(Path file, PrintStream out) {
        OnnxFiles.Info info = OnnxFiles.inspect(file);
        out.println(file + ": ONNX model, IR version " + info.irVersion() + ", opsets " + info.opsets()
                + (info.producer().isEmpty() ? "" : ", written by " + info.producer()));
        info.inputs().forEach(v -> out.println("  input  " + v));
        info.outputs().forEach(v -> out.println("  output " + v));
        int nodes = info.ops().values().stream().mapToInt(Integer::intValue).sum();
        out.println("  " + Checks.count(nodes, "node") + ": " + info.ops().entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
        out.println("  " + Checks.count(info.initializers().size(), "initializer") + ":");
        info.initializers().forEach(t -> out.println("    " + t));
    }

    /**
     * A SavedModel directory: its tags, each signature's inputs and outputs (name, element type, shape), the size of its
     * variables, and the command that made it if {@code ./netdsl export} did.
     */
    static void savedModel(Path dir, PrintStream out) {
        SavedModelInfo info = SavedModelInfo.read(dir);
        out.println(dir + ": TensorFlow SavedModel" + (info.tensorflowVersion().isEmpty() ? ""
                : " (written by TensorFlow " + info.tensorflowVersion() + ")"));
        for (SavedModelInfo.MetaGraph g : info.metaGraphs()) {
            out.println("  tags " + g.tags() + ", " + Checks.count(g.signatures().size(), "signature"));
            g.signatures().forEach((key, sig) -> {
                out.println("    signature " + key + (sig.method().isEmpty() ? "" : " (" + sig.method() + ")"));
                sig.inputs().forEach((k, t) -> out.println("      input  " + k + ": " + t));
                sig.outputs().forEach((k, t) -> out.println("      output " + k + ": " + t));
            });
        }
        Path variables = dir.resolve("variables");
        if (Files.isDirectory(variables)) {
            try (var files = Files.list(variables)) {
                List<Path> list = files.filter(Files::isRegularFile).toList();
                long bytes = 0;
                for (Path f : list) {
                    bytes += Files.size(f);
                }
                out.printf(Locale.ROOT, "  variables: %s, %,d bytes%n", Checks.count(list.size(), "file"), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("can't list " + variables + ": " + e.getMessage(), e);
            }
        }
        Path check = dir.resolve("assets.extra").resolve("netdsl-check.json");
        if (Files.isRegularFile(check)) {
            try {
                JsonNode c = new ObjectMapper().readTree(check.toFile());
                out.println("  assets.extra/netdsl-check.json: sample inputs and NetDSL's outputs for them"
                        + (c.hasNonNull("command") ? ", from: " + c.get("command").asText() : ""));
            } catch (IOException e) {
                out.println("  assets.extra/netdsl-check.json: unreadable (" + e.getMessage() + ")");
            }
        }
    }

    private static String row(String name, List<Integer> shape, float[] values) {
        double min = Double.NaN;
        double max = Double.NaN;
        double sum = 0;
        for (float v : values) {
            min = Double.isNaN(min) ? v : Math.min(min, v);
            max = Double.isNaN(max) ? v : Math.max(max, v);
            sum += v;
        }
        return new TensorFiles.TensorInfo(name, shape, "float32", min, values.length == 0 ? Double.NaN : sum / values.length, max)
                .toString();
    }
}
