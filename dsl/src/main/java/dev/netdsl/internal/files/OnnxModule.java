package dev.netdsl.internal.files;

import dev.netdsl.Expr;
import dev.netdsl.internal.onnx.OnnxProto.GraphProto;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxReader;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Module;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The module an ONNX graph becomes ({@link OnnxImport}): its parametrised nodes are registered layers, and its
 * forward pass walks the graph's nodes in order, each one an {@link Expr} op or a layer application. Shape
 * arithmetic (Shape, Gather, Concat on shapes) is worked out here with the batch size left open, as NaN.
 */
public final class OnnxModule extends Module {
    /** A value known when the net is written: an initializer, a Constant, or shape arithmetic (NaN: the batch size). */
    record Const(double[] v, long[] dims, int dataType, boolean symbolic) {
        float[] floats() {
            float[] out = new float[v.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) v[i];
            }
            return out;
        }

        long[] longs() {
            long[] out = new long[v.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Double.isNaN(v[i]) ? -1 : (long) v[i];
            }
            return out;
        }

        boolean integer() {
            return dataType == TensorProto.DataType.INT64_VALUE || dataType == TensorProto.DataType.INT32_VALUE;
        }

        /** A tensor's values ({@code where} names it in errors). */
        static Const of(TensorProto t, String where) {
            return new Const(OnnxReader.values(t, where), OnnxReader.dims(t), t.getDataType(), false);
        }

        /** This matrix transposed. */
        Const transposed() {
            int rows = (int) dims[0];
            int cols = (int) dims[1];
            double[] t = new double[v.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c * rows + r] = v[r * cols + c];
                }
            }
            return new Const(t, new long[] {cols, rows}, dataType, symbolic);
        }
    }

    /** Zeros whose shape holds the open batch size (ConstantOfShape of a shape read from the input): a recurrence's start. */
    record Zeros(long[] dims) {
    }

    /** An output no NetDSL op gives (an LSTM's final cell state, a dropout mask): an error if a node reads it. */
    record Unavailable(String why) {
    }

    /** A layer planned for a node, under its name. */
    record Planned(String name, Layer layer, String input) {
        Planned(String name, Layer layer) {
            this(name, layer, null);
        }
    }

    /** What {@link OnnxImport} decided per node: the layers, and the Add nodes folded into the MatMul before them. */
    static final class Plan {
        final Map<Integer, Planned> layers = new java.util.TreeMap<>();
        /** Add node -> the MatMul whose Linear layer took its bias. */
        final Map<Integer, Integer> folded = new HashMap<>();
        /** Nodes a layer planned at a later node computes (the ops of a layer norm PyTorch wrote out). */
        final java.util.Set<Integer> absorbed = new java.util.HashSet<>();
    }

    private final String fileName;
    private final GraphProto graph;
    final long opset;
    /** The batch size the file's input fixes (exported without a dynamic batch axis), or -1. */
    final long fixedBatch;
    private final Map<String, Const> constants;
    private final Map<String, String> aliases;
    private final Plan plan;
    private final Map<Integer, Integer> foldedInto = new HashMap<>();
    private final String inputName;
    private final String outputName;
    private final Map<String, float[]> start;
    private final OnnxOps ops = new OnnxOps(this);

    OnnxModule(String fileName, GraphProto graph, long opset, Map<String, Const> constants, Map<String, String> aliases, Plan plan,
               String inputName, String outputName, Map<String, float[]> start, long fixedBatch) {
        this.fileName = fileName;
        this.fixedBatch = fixedBatch;
        this.graph = graph;
        this.opset = opset;
        this.constants = constants;
        this.aliases = aliases;
        this.plan = plan;
        this.inputName = inputName;
        this.outputName = outputName;
        this.start = start;
        plan.folded.forEach((add, matmul) -> foldedInto.put(matmul, add));
        plan.layers.values().forEach(p -> restore(p.name(), p.layer()));
    }

    /** Each imported layer's tensors as the file holds them, by PyTorch name and declared layout. */
    Map<String, float[]> start() {
        return start;
    }

    @Override
    public String displayName() {
        return "OnnxModule(" + fileName + ")";
    }

    @Override
    public Expr forward(Expr x) {
        Map<String, Object> env = new HashMap<>();
        env.put(inputName, x);
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            if (plan.folded.containsKey(i) || plan.absorbed.contains(i) || aliases.containsKey(n.getOutputCount() > 0 ? n.getOutput(0) : "")) {
                continue;
            }
            Object[] out;
            try {
                Planned p = plan.layers.get(i);
                out = p != null ? layer(n, p, env) : ops.op(n, env);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalArgumentException(fileName + ": node " + i + " '" + n.getName() + "' (" + n.getOpType() + "): "
                        + e.getMessage(), e);
            }
            Integer add = foldedInto.get(i);
            if (add != null) {
                env.put(graph.getNode(add).getOutput(0), out[0]);
                continue;
            }
            for (int k = 0; k < n.getOutputCount() && k < out.length; k++) {
                env.put(n.getOutput(k), out[k]);
            }
        }
        Object y = value(env, outputName);
        if (!(y instanceof Expr e)) {
            throw new IllegalArgumentException(fileName + ": the graph's output '" + outputName + "' does not depend on the input");
        }
        return e;
    }

    private Object value(Map<String, Object> env, String name) {
        if (name.isEmpty()) {
            return null;
        }
        Object v = env.get(name);
        if (v == null) {
            v = constants.get(aliases.getOrDefault(name, name));
        }
        if (v instanceof Unavailable u) {
            throw new IllegalArgumentException("it reads '" + name + "', " + u.why());
        }
        return v;
    }

    Object in(NodeProto n, Map<String, Object> env, int k) {
        return k < n.getInputCount() ? value(env, n.getInput(k)) : null;
    }

    Expr expr(NodeProto n, Map<String, Object> env, int k) {
        return expr(in(n, env, k));
    }

    /** A value as an expression: constants become constant nodes (not trained). */
    static Expr expr(Object v) {
        if (v instanceof Expr e) {
            return e;
        }
        if (v instanceof Const c) {
            if (c.symbolic()) {
                throw new IllegalArgumentException("it computes with the open batch size, which NetDSL does not do");
            }
            if (c.integer()) {
                int[] ints = Arrays.stream(c.longs()).mapToInt(l -> (int) l).toArray();
                return Expr.constant(ints, c.dims());
            }
            return c.dims().length == 0 ? Expr.scalar(c.v()[0]) : Expr.constant(c.floats(), c.dims());
        }
        throw new IllegalArgumentException(v == null ? "an input it needs is missing" : "it uses zeros shaped by the batch size as"
                + " data, which NetDSL does only for a recurrence's initial state");
    }

    /**
     * A layer over the last axis (Linear, LayerNorm, BatchNorm over [N, C]) applied to {@code x}; NetDSL's layers take
     * the batch first, so a value with the batch elsewhere (attention's [T, batch, E]) is permuted there and back.
     */
    private static Expr lastAxis(Layer layer, Expr x) {
        long[] shape = x.shape();
        int batch = -1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                batch = i;
                break;
            }
        }
        if (batch <= 0 || batch == shape.length - 1) {
            return layer.apply(x);
        }
        int[] perm = new int[shape.length];
        int[] back = new int[shape.length];
        perm[0] = batch;
        for (int i = 0, k = 1; i < shape.length; i++) {
            if (i != batch) {
                perm[k++] = i;
            }
        }
        for (int i = 0; i < perm.length; i++) {
            back[perm[i]] = i;
        }
        return layer.apply(x.permute(perm)).permute(back);
    }

    // ---- Layers ----------------------------------------------------------------------------------------------

    private Object[] layer(NodeProto n, Planned p, Map<String, Object> env) {
        Layer layer = p.layer();
        switch (n.getOpType()) {
            case "Gather":
                return new Object[] {layer.apply(expr(n, env, 1))};
            case "LSTM":
            case "GRU": {
                for (int k = 5; k < Math.min(n.getInputCount(), 7); k++) {
                    Object s = in(n, env, k);
                    if (s != null && !(s instanceof Zeros) && !(s instanceof Const c && Arrays.stream(c.v()).allMatch(v -> v == 0))) {
                        throw new IllegalArgumentException("its initial state must be zeros, as PyTorch's default");
                    }
                }
                Expr steps = expr(n, env, 0); // [T, batch, features]
                long t = steps.shape()[0];
                Expr out = layer.apply(steps.permute(1, 0, 2)); // [batch, T, hidden]
                long hidden = out.shape()[2];
                Expr y = out.permute(1, 0, 2).reshape(t, 1, -1, hidden);
                Expr last = out.select(1, (int) t - 1).reshape(1, -1, hidden);
                return new Object[] {y, last, new Unavailable("the final cell state, which NetDSL's LSTM does not give out")};
            }
            default:
                return new Object[] {lastAxis(layer, p.input() != null ? expr(value(env, p.input())) : expr(n, env, 0))};
        }
    }
}
