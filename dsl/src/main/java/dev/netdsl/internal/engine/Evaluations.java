package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.Dataset;
import dev.netdsl.Evaluation;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Precision;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.layers.Layer;
import dev.netdsl.training.Targets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

/** {@link Model#evaluate} and {@link Model#summary}: what a model's numbers say, in chunks and tables. */
public final class Evaluations {
    /** Input values per evaluation call: big blocks (64 MB of float32 inputs), one native call each, not one per batch. */
    static final long BLOCK_VALUES = 16L << 20;

    private Evaluations() {
    }

    /** {@link Model#loss}: the loss on {@code data} in inference mode. */
    public static float loss(NetGraph g, Dataset data) {
        if (g.loss == null) {
            throw new IllegalStateException("loss: " + g.net + " has no loss; add one, e.g. .mse()");
        }
        Feeder.check("loss", g.net, data);
        return g.rt.shared("compute the loss", () -> {
            try (Feeder feed = Feeder.of(g, data, true);
                 Result r = g.rt.run(feed.into(g.rt.runner(g.flopsPerExample * data.size())).fetch(g.loss), "compute the loss")) {
                return ((TFloat32) r.get(0)).getFloat();
            }
        });
    }

    /** {@link Model#evaluate}: checks, then {@link #of} under the shared lock. */
    public static Evaluation evaluate(NetGraph g, Dataset data) {
        if (g.loss == null) {
            throw new IllegalStateException("evaluate: " + g.net + " has no loss; add one, e.g. .crossEntropy()");
        }
        Feeder.check("evaluate", g.net, data);
        Targets kind = g.net.loss().get().targets();
        return g.rt.shared("evaluate", () -> of(g, data, kind));
    }

    /**
     * The mean per-example loss of {@code g} on {@code data}, and its accuracy, top-k accuracy and confusion
     * matrix (classes, or 0/1 targets per output) or its MAE and R² (regression); call under the shared lock.
     */
    static Evaluation of(NetGraph g, Dataset data, Targets kind) {
        double sum = 0;
        int width = g.net.outputSize();
        int[] outShape = g.net.outputShape();
        // A classifier's classes are its outputs' last axis: [classes], or [T, classes] with a label per position.
        int classes = kind == Targets.CLASSES ? outShape[outShape.length - 1] : 2;
        int top = kind == Targets.CLASSES ? Math.min(5, classes) : 1;
        int[] topCorrect = new int[top];
        // A confusion matrix past 1,024 classes (a word vocabulary) would take more memory than it tells.
        int[][] confusion = classes > 1024 ? new int[0][0] : new int[classes][classes];
        double absError = 0;
        R2 r2 = kind == Targets.VALUES ? new R2(width) : null;
        int[] order = new int[data.size()];
        Arrays.setAll(order, i -> i);
        int block = (int) Math.max(1, Math.min(data.size(), BLOCK_VALUES / Math.max(1, data.features())));
        for (int from = 0; from < data.size(); from += block) {
            Dataset chunk = block >= data.size() ? data : access().subset(data, order, from, Math.min(data.size(), from + block));
            try (Feeder feed = Feeder.of(g, chunk, true);
                 Result r = g.rt.run(feed.into(g.rt.runner(g.flopsPerExample * chunk.size())).fetch(g.perExample)
                         .fetch(g.output), "evaluate")) {
                for (float l : TfRuntime.floats((TFloat32) r.get(0))) {
                    sum += l;
                }
                float[] out = TfRuntime.floats((TFloat32) r.get(1));
                if (kind == Targets.CLASSES) {
                    classify(out, classes, access().labelData(chunk), topCorrect, confusion);
                } else if (kind == Targets.BINARY) {
                    // A logit above 0 means class 1 (sigmoid above 0.5), as the planar tutorial's plot functions decide.
                    float[] targets = access().yData(chunk);
                    for (int i = 0; i < out.length; i++) {
                        confusion[targets[i] > 0.5f ? 1 : 0][out[i] > 0 ? 1 : 0]++;
                    }
                } else {
                    float[] y = access().yData(chunk);
                    for (int i = 0; i < out.length; i++) {
                        absError += Math.abs((double) out[i] - y[i]);
                    }
                    r2.add(y, out);
                }
            }
        }
        double loss = sum / data.size();
        if (kind == Targets.VALUES) {
            return access().regression(loss, absError / ((long) data.size() * width), r2.value());
        }
        if (kind == Targets.BINARY) {
            topCorrect[0] = confusion[0][0] + confusion[1][1];
            return new Evaluation(loss, topCorrect[0], data.size() * width, topCorrect, confusion, Double.NaN, Double.NaN);
        }
        return new Evaluation(loss, topCorrect[0], data.size() * data.targets(), topCorrect, confusion, Double.NaN, Double.NaN);
    }

    /**
     * R² as scikit-learn's {@code r2_score} computes it: per output column {@code 1 - SSres/SStot}, then the
     * plain mean over the columns ({@code multioutput='uniform_average'}). SStot comes from each column's
     * running mean and sum of squared deviations (Welford's update, in double), so a large mean with a small
     * spread loses nothing to cancellation. A constant column (SStot = 0) scores 1 if it is predicted exactly
     * and 0 otherwise, as scikit-learn's default {@code force_finite=True} has it.
     */
    static final class R2 {
        private final long[] count;
        private final double[] mean;
        private final double[] squares;
        private final double[] residual;

        R2(int width) {
            count = new long[width];
            mean = new double[width];
            squares = new double[width];
            residual = new double[width];
        }

        /** Adds rows of targets and predictions, row-major, {@code width} per row. */
        void add(float[] y, float[] predicted) {
            int width = mean.length;
            for (int i = 0; i < y.length; i++) {
                int c = i % width;
                double v = y[i];
                double delta = v - mean[c];
                count[c]++;
                mean[c] += delta / count[c];
                squares[c] += delta * (v - mean[c]);
                double e = (double) predicted[i] - v;
                residual[c] += e * e;
            }
        }

        /** The mean over the columns of each column's R²; NaN with no rows. */
        double value() {
            if (mean.length == 0 || count[0] == 0) {
                return Double.NaN;
            }
            double sum = 0;
            for (int c = 0; c < mean.length; c++) {
                sum += squares[c] > 0 ? 1 - residual[c] / squares[c] : residual[c] == 0 ? 1 : 0;
            }
            return sum / mean.length;
        }
    }

    /** Counts, for each example, the top-k hits and the confusion cell of its arg-max. */
    private static void classify(float[] out, int width, int[] labels, int[] topCorrect, int[][] confusion) {
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            int rank = 0;
            float mine = out[i * width + labels[i]];
            for (int c = 0; c < width; c++) {
                float v = out[i * width + c];
                if (v > out[i * width + best]) {
                    best = c;
                }
                // Classes scoring above the label's (ties count for the label), as torch.topk's first-index order does.
                if (v > mine || v == mine && c < labels[i]) {
                    rank++;
                }
            }
            for (int k = rank; k < topCorrect.length; k++) {
                topCorrect[k]++;
            }
            if (confusion.length > 0) {
                confusion[labels[i]][best]++;
            }
        }
    }

    /** Keras's {@code model.summary()}: each layer with its output shape and parameter count. */
    public static String summary(Net net, Precision ran) {
        StringBuilder s = new StringBuilder();
        s.append(net).append('\n');
        List<Layer> layers = access().resolvedLayers(net); // lazy layers with the sizes they took
        int typeWidth = Math.max(12, layers.stream().mapToInt(l -> l.toString().length()).max().orElse(0));
        String row = "%-16s %-" + typeWidth + "s %-16s %10s%n";
        String line = "-".repeat(16 + typeWidth + 16 + 10 + 3) + '\n';
        s.append(line).append(String.format(row, "Layer", "Type", "Output shape", "Params"));
        s.append(line.replace('-', '='));
        int[] shape = net.module().isPresent() ? null : net.inputShape();
        int[] first = access().firstUses(net);
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
        if (net.precision() != Precision.FLOAT32) {
            s.append("Precision: ").append(ran == Precision.BF16 ? "bf16 (matrix multiplies and convolutions in bfloat16;"
                    + " weights, optimizer state and losses in float32)" : "float32 (bf16 asked, but this CPU has no bfloat16"
                    + " instructions)").append('\n');
        }
        return s.toString();
    }
}
