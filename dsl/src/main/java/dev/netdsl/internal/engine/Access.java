package dev.netdsl.internal.engine;

import dev.netdsl.DType;
import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.Evaluation;
import dev.netdsl.Expr;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Tensor;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Module;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the engine and the file formats use of the public types that is not their public API: a net's compiled
 * forward expression, a model's graph and trainer, a dataset's arrays without a copy, results made from numbers.
 * {@code dev.netdsl} installs the one implementation when {@link Model} is initialised (JDK's "shared secrets"
 * pattern), so those members stay package-private in the API while the engine lives in its own package, which
 * the module does not export.
 */
public abstract class Access {
    private static volatile Access installed;

    /** Called once, by {@code dev.netdsl.Model}'s static initialiser. */
    public static void install(Access access) {
        if (!access.getClass().getName().equals("dev.netdsl.EngineAccess")) {
            throw new IllegalStateException("only dev.netdsl installs the engine's access to its types");
        }
        if (installed != null) {
            throw new IllegalStateException("the engine's access to dev.netdsl is installed already");
        }
        installed = access;
    }

    /** The installed access; initialises {@link Model} (which installs it) on first use. */
    public static Access access() {
        Access a = installed;
        if (a == null) {
            try {
                Class.forName(Model.class.getName(), true, Model.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            a = installed;
            if (a == null) {
                throw new IllegalStateException("the engine's access to dev.netdsl is not installed yet (called while"
                        + " dev.netdsl.Model initialises)");
            }
        }
        return a;
    }

    // Net
    /** The net's input placeholder as an expression (its shape with a free batch axis, its element type). */
    public abstract Expr inputExpr(Net net);

    /** The net's forward pass applied to {@code x}. */
    public abstract Expr forward(Net net, Expr x);

    /** The layers with the sizes lazy layers resolved to. */
    public abstract List<Layer> resolvedLayers(Net net);

    /** For each layer, the index of the first layer that is the same object (a shared layer's parameters are its first use's). */
    public abstract int[] firstUses(Net net);

    /** The net without loss or optimizer, in float32: what exports serve. */
    public abstract Net forwardOnly(Net net);

    /** A net running {@code module} on inputs of {@code type} and {@code exampleShape}. */
    public abstract Net module(Module module, DType type, int... exampleShape);

    // Model
    /** Builds {@code net} on {@code device}. */
    public abstract Model model(Net net, Device device);

    public abstract NetGraph graph(Model model);

    public abstract Trainer trainer(Model model);

    /** {@link Model#saveAll(Path)} with the state of a fit in progress (a checkpoint), or none. */
    public abstract void saveAll(Model model, Path path, FitState fit);

    // Dataset and Tensor: their arrays as they are (not copies), and cuts of a dataset
    public abstract Dataset subset(Dataset data, int[] indices, int from, int to);

    public abstract Dataset.Split split(Dataset data, double share, long seed, String call);

    public abstract float[] xData(Dataset data);

    public abstract int[] idData(Dataset data);

    public abstract float[] yData(Dataset data);

    public abstract int[] labelData(Dataset data);

    public abstract int maxLabel(Dataset data);

    public abstract Tensor wrap(float[] values, int... shape);

    public abstract float[] data(Tensor t);

    public abstract int[] intData(Tensor t);

    // results
    public abstract Evaluation regression(double loss, double mae, double r2);

    /** A fit's history; {@code epochs} empty when the fit kept no per-epoch numbers. */
    public abstract History history(float[] losses, double seconds, List<Map<String, Double>> epochs);
}
