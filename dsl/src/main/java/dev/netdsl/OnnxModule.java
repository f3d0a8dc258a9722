package dev.netdsl;

import dev.netdsl.internal.onnx.OnnxProto.AttributeProto;
import dev.netdsl.internal.onnx.OnnxProto.GraphProto;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxReader;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The module an ONNX graph becomes ({@link OnnxImport}): its parametrised nodes are registered layers, and its
 * forward pass walks the graph's nodes in order, each one an {@link Expr} op or a layer application. Shape
 * arithmetic (Shape, Gather, Concat on shapes) is worked out here with the batch size left open, as NaN.
 */
final class OnnxModule extends Module {
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
    }

    /** Zeros whose shape holds the open batch size (ConstantOfShape of a shape read from the input): a recurrence's start. */
    record Zeros(long[] dims) {
    }

    /** An output no NetDSL op gives (an LSTM's final cell state, a dropout mask): an error if a node reads it. */
    record Unavailable(String why) {
    }

    /** A layer planned for a node, under its name. */
    record Planned(String name, Layer layer) {
    }

    /** What {@link OnnxImport} decided per node: the layers, and the Add nodes folded into the MatMul before them. */
    static final class Plan {
        final Map<Integer, Planned> layers = new java.util.TreeMap<>();
        /** Add node -> the MatMul whose Linear layer took its bias. */
        final Map<Integer, Integer> folded = new HashMap<>();
    }

    private final String fileName;
    private final GraphProto graph;
    private final long opset;
    private final Map<String, Const> constants;
    private final Map<String, String> aliases;
    private final Plan plan;
    private final Map<Integer, Integer> foldedInto = new HashMap<>();
    private final String inputName;
    private final String outputName;
    private final Map<String, float[]> start;

    OnnxModule(String fileName, GraphProto graph, long opset, Map<String, Const> constants, Map<String, String> aliases, Plan plan,
               String inputName, String outputName, Map<String, float[]> start) {
        this.fileName = fileName;
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
            if (plan.folded.containsKey(i) || aliases.containsKey(n.getOutputCount() > 0 ? n.getOutput(0) : "")) {
                continue;
            }
            Object[] out;
            try {
                Planned p = plan.layers.get(i);
                out = p != null ? layer(n, p.layer(), env) : op(n, env);
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

    private Object in(NodeProto n, Map<String, Object> env, int k) {
        return k < n.getInputCount() ? value(env, n.getInput(k)) : null;
    }

    private Expr expr(NodeProto n, Map<String, Object> env, int k) {
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

    // ---- Layers ----------------------------------------------------------------------------------------------

    private Object[] layer(NodeProto n, Layer layer, Map<String, Object> env) {
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
                return new Object[] {layer.apply(expr(n, env, 0))};
        }
    }

    // ---- Ops -------------------------------------------------------------------------------------------------

    private Object[] op(NodeProto n, Map<String, Object> env) {
        Object a = in(n, env, 0);
        return switch (n.getOpType()) {
            case "Identity" -> new Object[] {a};
            case "Dropout" -> new Object[] {a, new Unavailable("a dropout mask, which inference graphs do not have")};
            case "Constant" -> new Object[] {constant(n)};
            default -> new Object[] {single(n, env, a)};
        };
    }

    private Object single(NodeProto n, Map<String, Object> env, Object a) {
        switch (n.getOpType()) {
            case "Add": return expr(a).plus(expr(n, env, 1));
            case "Sub": return expr(a).minus(expr(n, env, 1));
            case "Mul": return expr(a).times(expr(n, env, 1));
            case "Div": return expr(a).div(expr(n, env, 1));
            case "Pow": return expr(a).pow(expr(n, env, 1));
            case "Relu": return expr(a).relu();
            case "Tanh": return expr(a).tanh();
            case "Sigmoid": return expr(a).sigmoid();
            case "Exp": return expr(a).exp();
            case "Log": return expr(a).log();
            case "Sqrt": return expr(a).sqrt();
            case "Neg": return expr(a).neg();
            case "Abs": return expr(a).abs();
            case "Erf": return expr(a).erf();
            case "Softplus": return expr(a).softplus();
            case "LeakyRelu": return expr(a).leakyRelu(OnnxImport.attrF(n, "alpha", 0.01f));
            case "Elu": return expr(a).elu(OnnxImport.attrF(n, "alpha", 1f));
            case "Clip": return clip(n, env, expr(a));
            case "Softmax":
            case "LogSoftmax": {
                Expr x = expr(a);
                long axis = OnnxImport.attrI(n, "axis", opset < 13 ? 1 : -1);
                if (axis != -1 && axis != x.rank() - 1) {
                    throw new IllegalArgumentException("NetDSL takes " + n.getOpType() + " over the last axis only, not axis " + axis);
                }
                return n.getOpType().equals("Softmax") ? x.softmax() : x.logSoftmax();
            }
            case "MatMul": return expr(a).matmul(expr(n, env, 1));
            case "Gemm": {
                Expr b = expr(n, env, 1);
                Expr y = expr(a).matmul(OnnxImport.attrI(n, "transB", 0) == 1 ? b.t() : b);
                return n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? y.plus(expr(n, env, 2)) : y;
            }
            case "MaxPool":
            case "AveragePool": return pool(n, expr(a));
            case "Pad": return pad(n, env, a);
            case "Flatten": {
                Expr x = expr(a);
                if (OnnxImport.attrI(n, "axis", 1) != 1) {
                    throw new IllegalArgumentException("NetDSL flattens from axis 1 only");
                }
                long features = 1;
                for (int i = 1; i < x.rank(); i++) {
                    features *= x.shape()[i];
                }
                return x.reshape(-1, features);
            }
            case "Reshape": return reshape(expr(a), (Const) in(n, env, 1));
            case "Transpose": {
                Expr x = expr(a);
                long[] perm = OnnxImport.attrInts(n, "perm", null);
                int[] order = new int[x.rank()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = perm != null ? (int) perm[i] : order.length - 1 - i;
                }
                return x.permute(order);
            }
            case "Squeeze":
            case "Unsqueeze": return squeeze(n, env, a);
            case "Shape": {
                long[] shape = expr(a).shape();
                double[] v = new double[shape.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = shape[i] < 0 ? Double.NaN : shape[i];
                }
                return new Const(v, new long[] {v.length}, TensorProto.DataType.INT64_VALUE, true);
            }
            case "Gather": return gather(n, env, a);
            case "Slice": return slice(n, env, expr(a));
            case "Concat": return concat(n, env);
            case "ConstantOfShape": {
                Const shape = (Const) a;
                Const fill = OnnxImport.attr(n, "value") == null ? null : tensor(OnnxImport.attr(n, "value").getT());
                double value = fill == null ? 0 : fill.v()[0];
                boolean open = Arrays.stream(shape.v()).anyMatch(Double::isNaN);
                if (open) {
                    if (value != 0) {
                        throw new IllegalArgumentException("it fills a batch-shaped tensor with " + value + "; NetDSL takes zeros only");
                    }
                    return new Zeros(shape.longs());
                }
                long[] dims = shape.longs();
                double[] v = new double[(int) Arrays.stream(dims).reduce(1, (p, q) -> p * q)];
                Arrays.fill(v, value);
                return new Const(v, dims, fill == null ? TensorProto.DataType.FLOAT_VALUE : fill.dataType(), false);
            }
            case "Cast": {
                int to = (int) OnnxImport.attrI(n, "to", 0);
                if (a instanceof Const c) {
                    return new Const(c.v(), c.dims(), to, c.symbolic());
                }
                return expr(a).cast(switch (to) {
                    case TensorProto.DataType.FLOAT_VALUE -> DType.FLOAT32;
                    case TensorProto.DataType.INT32_VALUE -> DType.INT32;
                    case TensorProto.DataType.INT64_VALUE -> DType.INT64;
                    default -> throw new IllegalArgumentException("NetDSL casts to float, int32 or int64, not "
                            + OnnxReader.typeName(to));
                });
            }
            case "ReduceMean":
            case "ReduceSum": return reduce(n, env, expr(a));
            default: throw new IllegalArgumentException("NetDSL has no op for it here");
        }
    }

    private Expr clip(NodeProto n, Map<String, Object> env, Expr x) {
        Double lo = null;
        Double hi = null;
        if (opset < 11) {
            lo = OnnxImport.attr(n, "min") == null ? null : (double) OnnxImport.attrF(n, "min", 0);
            hi = OnnxImport.attr(n, "max") == null ? null : (double) OnnxImport.attrF(n, "max", 0);
        } else {
            lo = in(n, env, 1) instanceof Const c ? c.v()[0] : null;
            hi = in(n, env, 2) instanceof Const c ? c.v()[0] : null;
        }
        if (lo != null && hi != null) {
            return x.hardtanh(lo, hi);
        }
        Expr y = lo != null ? x.maximum(Expr.scalar(lo)) : x;
        return hi != null ? y.minimum(Expr.scalar(hi)) : y;
    }

    private Expr pool(NodeProto n, Expr x) {
        long[] k = OnnxImport.attrInts(n, "kernel_shape", null);
        long[] s = OnnxImport.attrInts(n, "strides", new long[] {1, 1});
        long[] pads = OnnxImport.attrInts(n, "pads", new long[4]);
        long[] dil = OnnxImport.attrInts(n, "dilations", new long[] {1, 1});
        if (k == null || k.length != 2 || Arrays.stream(pads).anyMatch(p -> p != 0) || OnnxImport.attrI(n, "ceil_mode", 0) != 0
                || Arrays.stream(dil).anyMatch(d -> d != 1) || !OnnxImport.attrS(n, "auto_pad", "NOTSET").equals("NOTSET")) {
            throw new IllegalArgumentException("NetDSL pools 2-D windows without padding, dilation or ceil mode");
        }
        int[] kernel = {(int) k[0], (int) k[1]};
        int[] stride = {(int) s[0], (int) s[1]};
        return n.getOpType().equals("MaxPool") ? x.maxPool2d(kernel, stride) : x.avgPool2d(kernel, stride);
    }

    /** The all-zero Pad PyTorch 1.13 writes before AveragePool: nothing to do; any real padding is refused. */
    private Object pad(NodeProto n, Map<String, Object> env, Object a) {
        long[] pads = opset < 11 ? OnnxImport.attrInts(n, "pads", new long[0]) : ((Const) in(n, env, 1)).longs();
        if (Arrays.stream(pads).anyMatch(p -> p != 0)) {
            throw new IllegalArgumentException("NetDSL reads Pad only when it pads nothing (as PyTorch writes before AveragePool);"
                    + " this one pads " + Arrays.toString(pads));
        }
        return a;
    }

    private static Expr reshape(Expr x, Const shape) {
        long[] dims = new long[shape.v().length];
        int open = -1;
        int explicit = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            double d = shape.v()[i];
            if (Double.isNaN(d)) {
                if (open >= 0) {
                    throw new IllegalArgumentException("it reshapes with two sizes read from the batch");
                }
                open = i;
                dims[i] = -1;
            } else {
                dims[i] = d == 0 && i < x.rank() ? x.shape()[i] : (long) d;
                if (dims[i] == -1) {
                    explicit = i;
                } else if (dims[i] > 0) {
                    known *= dims[i];
                }
            }
        }
        if (open >= 0 && explicit >= 0) {
            // x.view(x.size(0), -1): the batch stays open, the -1 is what the rest holds.
            long rest = 1;
            for (int i = 1; i < x.rank(); i++) {
                rest *= x.shape()[i];
            }
            dims[explicit] = rest / known;
        }
        return x.reshape(dims);
    }

    private Object squeeze(NodeProto n, Map<String, Object> env, Object a) {
        boolean un = n.getOpType().equals("Unsqueeze");
        long[] axes = opset < 13 ? OnnxImport.attrInts(n, "axes", null) : in(n, env, 1) == null ? null : ((Const) in(n, env, 1)).longs();
        long[] shape = a instanceof Const c ? c.dims() : expr(a).shape();
        List<Long> dims = new ArrayList<>();
        for (long d : shape) {
            dims.add(d);
        }
        int rank = shape.length + (un ? axes.length : 0);
        if (axes == null) {
            dims.removeIf(d -> d == 1);
        } else {
            long[] sorted = Arrays.stream(axes).map(ax -> ax < 0 ? ax + rank : ax).sorted().toArray();
            for (int i = sorted.length - 1; i >= 0 && !un; i--) {
                dims.remove((int) sorted[i]);
            }
            for (int i = 0; i < sorted.length && un; i++) {
                dims.add((int) sorted[i], 1L);
            }
        }
        long[] out = dims.stream().mapToLong(Long::longValue).toArray();
        if (a instanceof Const c) {
            return new Const(c.v(), out, c.dataType(), c.symbolic());
        }
        return expr(a).reshape(out);
    }

    private Object gather(NodeProto n, Map<String, Object> env, Object data) {
        Object idx = in(n, env, 1);
        int axis = (int) OnnxImport.attrI(n, "axis", 0);
        if (data instanceof Const c && idx instanceof Const i && c.dims().length == 1) {
            long[] at = i.longs();
            double[] v = new double[at.length];
            for (int k = 0; k < at.length; k++) {
                v[k] = c.v()[(int) (at[k] < 0 ? at[k] + c.v().length : at[k])];
            }
            return new Const(v, i.dims(), c.dataType(), c.symbolic());
        }
        Expr x = expr(data);
        axis = axis < 0 ? axis + x.rank() : axis;
        if (idx instanceof Const i && i.dims().length == 0) {
            long at = i.longs()[0];
            return x.select(axis, (int) (at < 0 ? at + x.shape()[axis] : at));
        }
        if (axis != 0) {
            throw new IllegalArgumentException("NetDSL gathers computed indices along axis 0 only");
        }
        return x.gather(expr(idx));
    }

    /** Slice with step 1 along one axis (opset 10 on: starts, ends, axes as inputs). */
    private Expr slice(NodeProto n, Map<String, Object> env, Expr x) {
        if (opset < 10) {
            throw new IllegalArgumentException("NetDSL reads Slice from opset 10 on");
        }
        long[] starts = ((Const) in(n, env, 1)).longs();
        long[] ends = ((Const) in(n, env, 2)).longs();
        long[] axes = in(n, env, 3) instanceof Const c ? c.longs() : new long[] {0};
        long[] steps = in(n, env, 4) instanceof Const c ? c.longs() : new long[] {1};
        if (starts.length != 1 || axes.length != 1 || steps[0] != 1) {
            throw new IllegalArgumentException("NetDSL slices one axis with step 1");
        }
        int axis = (int) (axes[0] < 0 ? axes[0] + x.rank() : axes[0]);
        long size = x.shape()[axis];
        long from = Math.max(0, Math.min(size, starts[0] < 0 ? starts[0] + size : starts[0]));
        long to = Math.max(from, Math.min(size, ends[0] < 0 ? ends[0] + size : ends[0]));
        return x.narrow(axis, (int) from, (int) (to - from));
    }

    private Object concat(NodeProto n, Map<String, Object> env) {
        List<Object> parts = new ArrayList<>();
        for (int k = 0; k < n.getInputCount(); k++) {
            parts.add(in(n, env, k));
        }
        if (parts.stream().allMatch(p -> p instanceof Const c && c.dims().length == 1)) {
            List<Double> v = new ArrayList<>();
            boolean symbolic = false;
            for (Object p : parts) {
                Const c = (Const) p;
                symbolic |= c.symbolic();
                for (double d : c.v()) {
                    v.add(d);
                }
            }
            return new Const(v.stream().mapToDouble(Double::doubleValue).toArray(), new long[] {v.size()},
                    ((Const) parts.get(0)).dataType(), symbolic);
        }
        Expr[] exprs = parts.stream().map(OnnxModule::expr).toArray(Expr[]::new);
        int axis = (int) OnnxImport.attrI(n, "axis", 0);
        return Expr.concat(axis < 0 ? axis + exprs[0].rank() : axis, exprs);
    }

    private Expr reduce(NodeProto n, Map<String, Object> env, Expr x) {
        long[] axes = n.getOpType().equals("ReduceSum") && opset >= 13
                ? (in(n, env, 1) == null ? null : ((Const) in(n, env, 1)).longs()) : OnnxImport.attrInts(n, "axes", null);
        boolean keep = OnnxImport.attrI(n, "keepdims", 1) == 1;
        if (axes == null) {
            throw new IllegalArgumentException("NetDSL reduces over given axes only");
        }
        long[] shape = x.shape();
        long[] sorted = Arrays.stream(axes).map(ax -> ax < 0 ? ax + shape.length : ax).sorted().toArray();
        Expr y = x;
        for (int i = sorted.length - 1; i >= 0; i--) {
            y = n.getOpType().equals("ReduceSum") ? y.sum((int) sorted[i]) : y.mean((int) sorted[i]);
        }
        if (keep) {
            long[] dims = shape.clone();
            for (long ax : sorted) {
                dims[(int) ax] = 1;
            }
            y = y.reshape(dims);
        }
        return y;
    }

    private static Const constant(NodeProto n) {
        AttributeProto a = n.getAttribute(0);
        return switch (a.getName()) {
            case "value" -> tensor(a.getT());
            case "value_float" -> new Const(new double[] {a.getF()}, new long[0], TensorProto.DataType.FLOAT_VALUE, false);
            case "value_int" -> new Const(new double[] {a.getI()}, new long[0], TensorProto.DataType.INT64_VALUE, false);
            case "value_floats" -> new Const(a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray(),
                    new long[] {a.getFloatsCount()}, TensorProto.DataType.FLOAT_VALUE, false);
            case "value_ints" -> new Const(a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray(),
                    new long[] {a.getIntsCount()}, TensorProto.DataType.INT64_VALUE, false);
            default -> throw new IllegalArgumentException("NetDSL reads Constant's value, value_float(s) and value_int(s), not "
                    + a.getName());
        };
    }

    private static Const tensor(TensorProto t) {
        return new Const(OnnxReader.values(t, "a Constant"), OnnxReader.dims(t), t.getDataType(), false);
    }
}
