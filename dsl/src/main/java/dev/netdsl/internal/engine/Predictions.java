package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Tensor;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.training.Targets;
import java.util.Arrays;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

/**
 * {@link Model#predict} and {@link Model#predictClasses}: the inference pass over rows or a tensor of examples,
 * under the model's shared lock, and the class each example's outputs pick.
 */
public final class Predictions {
    private Predictions() {
    }

    /** The outputs for checked rows {@code x}: one row of {@link Net#outputSize()} values each. */
    public static float[][] rows(NetGraph g, float[][] x) {
        return g.rt.shared("predict", () -> {
            // Rows go straight into the tensor and come straight out of the result: one copy each way.
            try (Feeder feed = Feeder.of(g, x); Result r = run(g, feed, "predict")) {
                return TfRuntime.rows((TFloat32) r.get(0), g.net.outputSize());
            }
        });
    }

    /** The outputs for a checked tensor {@code x} {@code [n, ...inputShape]}: {@code [n, ...outputShape]}. */
    public static Tensor tensor(NetGraph g, Tensor x) {
        return g.rt.shared("predict", () -> {
            try (Feeder feed = Feeder.of(g, x); Result r = run(g, feed, "predict")) {
                int[] out = g.net.outputShape();
                int[] shape = new int[out.length + 1];
                shape[0] = feed.rows();
                System.arraycopy(out, 0, shape, 1, out.length);
                return access().wrap(TfRuntime.floats((TFloat32) r.get(0)), shape);
            }
        });
    }

    private static Result run(NetGraph g, Feeder feed, String what) {
        return g.rt.run(feed.into(g.rt.runner(g.flopsPerExample * feed.rows())).fetch(g.output), what);
    }

    /** Whether the net's one output is a 0/1 logit; checks that its outputs name classes at all. */
    public static boolean binaryClasses(Net net) {
        int[] out = net.outputShape();
        if (out.length != 1) {
            throw new IllegalArgumentException("predictClasses: " + net + " gives outputs of shape " + Arrays.toString(out)
                    + " per example, not one score per class; use predict(x)");
        }
        boolean binary = net.loss().map(l -> l.targets() == Targets.BINARY).orElse(false);
        if (binary && out[0] != 1) {
            throw new IllegalArgumentException("predictClasses: " + net + " has " + out[0] + " outputs, each a yes/no of its own,"
                    + " not one class per example; use predict(x) and take logits above 0 as yes");
        }
        if (!binary && out[0] == 1) {
            throw new IllegalArgumentException("predictClasses: " + net + " has one output, so there is no class to pick;"
                    + " a classifier has one output per class (crossEntropy) or one logit (bceWithLogits)");
        }
        return binary;
    }

    /** The class of each row of outputs. */
    public static int[] classes(float[][] out, boolean binary) {
        int[] classes = new int[out.length];
        for (int r = 0; r < out.length; r++) {
            classes[r] = argmax(out[r], 0, out[r].length, binary);
        }
        return classes;
    }

    /** The class of each example of outputs {@code [n, classes]}. */
    public static int[] classes(Tensor out, boolean binary) {
        float[] values = out.values();
        int n = out.shape()[0];
        int width = values.length / n;
        int[] classes = new int[n];
        for (int r = 0; r < n; r++) {
            classes[r] = argmax(values, r * width, width, binary);
        }
        return classes;
    }

    /** The index of the highest of {@code v[from..from+width)} (the first of equal ones), or for a 0/1 logit its side of 0. */
    private static int argmax(float[] v, int from, int width, boolean binary) {
        if (binary) {
            return v[from] > 0 ? 1 : 0;
        }
        int best = 0;
        for (int c = 1; c < width; c++) {
            if (v[from + c] > v[from + best] || Float.isNaN(v[from + c]) && !Float.isNaN(v[from + best])) {
                best = c;
            }
        }
        return best;
    }
}
