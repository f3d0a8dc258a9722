package dev.netdsl.apps;

import dev.netdsl.Model;
import dev.netdsl.io.TensorFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code ./netdsl inspect FILE}: what a saved file holds. */
final class Inspect {
    private Inspect() {
    }

    /** Prints a model file's summary and tensors, or a weights file's tensors (any of the formats NetDSL reads). */
    static void print(Path file, PrintStream out) {
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
