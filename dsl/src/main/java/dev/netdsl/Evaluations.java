package dev.netdsl;

import dev.netdsl.internal.TfRuntime;
import dev.netdsl.layers.Layer;
import dev.netdsl.training.Targets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

/** {@link Model#evaluate} and {@link Model#summary}: what a model's numbers say, in chunks and tables. */
final class Evaluations {
    private static final int CHUNK = 1000;

    private Evaluations() {
    }

    /** Mean per-example loss and accuracy of {@code g} on {@code data}; call under the shared lock. */
    static Evaluation of(NetGraph g, Dataset data, Targets kind) {
        double sum = 0;
        int correct = 0;
        int[] order = new int[data.size()];
        Arrays.setAll(order, i -> i);
        int width = g.net.outputSize();
        for (int from = 0; from < data.size(); from += CHUNK) {
            Dataset chunk = data.subset(order, from, Math.min(data.size(), from + CHUNK));
            try (Feeder feed = Feeder.of(g, chunk, true);
                 Result r = g.rt.run(feed.into(g.rt.runner(g.flopsPerExample * chunk.size())).fetch(g.perExample)
                         .fetch(g.output), "evaluate")) {
                float[] losses = TfRuntime.floats((TFloat32) r.get(0));
                float[] out = TfRuntime.floats((TFloat32) r.get(1));
                for (float l : losses) {
                    sum += l;
                }
                correct += kind == Targets.BINARY ? binary(out, chunk.yData()) : argmax(out, width, chunk.labelData());
            }
        }
        int total = kind == Targets.BINARY ? data.size() * width : data.size();
        return new Evaluation(sum / data.size(), correct, total);
    }

    /** Logits above 0 mean class 1 (sigmoid above 0.5), as the planar tutorial's plot functions decide. */
    private static int binary(float[] logits, float[] targets) {
        int correct = 0;
        for (int i = 0; i < logits.length; i++) {
            correct += (logits[i] > 0) == (targets[i] > 0.5f) ? 1 : 0;
        }
        return correct;
    }

    private static int argmax(float[] out, int width, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < width; c++) {
                if (out[i * width + c] > out[i * width + best]) {
                    best = c;
                }
            }
            correct += best == labels[i] ? 1 : 0;
        }
        return correct;
    }

    /** Keras's {@code model.summary()}: each layer with its output shape and parameter count. */
    static String summary(Net net) {
        StringBuilder s = new StringBuilder();
        s.append(net).append('\n');
        List<Layer> layers = net.layers();
        int typeWidth = Math.max(12, layers.stream().mapToInt(l -> l.toString().length()).max().orElse(0));
        String row = "%-16s %-" + typeWidth + "s %-16s %10s%n";
        String line = "-".repeat(16 + typeWidth + 16 + 10 + 3) + '\n';
        s.append(line).append(String.format(row, "Layer", "Type", "Output shape", "Params"));
        s.append(line.replace('-', '='));
        int[] shape = net.module().isPresent() ? null : net.inputShape();
        int[] first = net.firstUses();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            int[] out;
            if (shape != null) {
                shape = layer.outputShape(shape);
                out = shape;
            } else {
                // A module's layers are not a chain: each layer that fixes its input shows its own output.
                Optional<int[]> in = layer.inputShape();
                out = in.map(layer::outputShape).orElse(null);
            }
            String shown = out == null ? "-" : "[-1, " + String.join(", ", Arrays.stream(out).mapToObj(Integer::toString)
                    .toList()) + "]";
            long params = first[i] == i ? layer.parameterCount() : 0;
            s.append(String.format(row, net.layerNames().get(i), layer, shown, String.format("%,d", params)));
        }
        s.append(line).append(String.format("Total params: %,d%n", net.parameterCount()));
        net.loss().ifPresent(l -> s.append("Loss: ").append(l.typeName()).append('\n'));
        net.optimizer().ifPresent(o -> s.append("Optimizer: ").append(o).append('\n'));
        return s.toString();
    }
}
