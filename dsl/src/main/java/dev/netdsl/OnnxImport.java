package dev.netdsl;

import dev.netdsl.OnnxModule.Const;
import dev.netdsl.internal.onnx.OnnxProto.AttributeProto;
import dev.netdsl.internal.onnx.OnnxProto.GraphProto;
import dev.netdsl.internal.onnx.OnnxProto.ModelProto;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorShapeProto;
import dev.netdsl.internal.onnx.OnnxProto.ValueInfoProto;
import dev.netdsl.internal.onnx.OnnxReader;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Layers;
import dev.netdsl.layers.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link Net#fromOnnx}: an ONNX model as {@code torch.onnx.export} writes it becomes a {@link Net} whose
 * parametrised nodes (Gemm, MatMul with a weight, Conv, BatchNormalization, Gather over a table, LSTM,
 * GRU, LayerNormalization) are NetDSL's own layers starting from the file's initializers under PyTorch's
 * names and layouts, and whose other nodes become {@link Expr} ops in the module's forward pass.
 */
final class OnnxImport {
    /** The newest default-domain opset this reader knows. */
    static final long NEWEST_OPSET = 17;
    /** The newest IR version this reader knows (onnx 1.12). */
    static final long NEWEST_IR = 8;

    /** The ops {@link OnnxModule} interprets. */
    static final Set<String> OPS = Set.of("Identity", "Dropout", "Add", "Sub", "Mul", "Div", "Pow", "Relu", "Tanh", "Sigmoid",
            "Exp", "Log", "Sqrt", "Neg", "Abs", "Erf", "Softplus", "LeakyRelu", "Elu", "Clip", "Softmax", "LogSoftmax", "MatMul",
            "Gemm", "Conv", "MaxPool", "AveragePool", "Pad", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Shape",
            "Gather", "Concat", "ConstantOfShape", "Constant", "BatchNormalization", "LSTM", "GRU", "LayerNormalization",
            "ReduceMean", "ReduceSum", "Cast", "Slice");

    private final Path file;
    private final GraphProto graph;
    private final long opset;
    private final Map<String, Const> constants = new HashMap<>();
    /** Identity of an initializer: the name it goes by, and the initializer it is (PyTorch dedupes equal tensors so). */
    private final Map<String, String> aliases = new HashMap<>();
    private final Map<String, Integer> consumers = new HashMap<>();
    private final Map<String, Integer> producer = new HashMap<>();
    private final OnnxModule.Plan plan = new OnnxModule.Plan();
    private final Map<String, float[]> start = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();

    private OnnxImport(Path file, ModelProto model) {
        this.file = file;
        this.graph = model.getGraph();
        this.opset = OnnxReader.opset(model);
    }

    /** The net in {@code file}; see {@link Net#fromOnnx}. */
    static Net read(Path file) {
        ModelProto model = OnnxReader.read(file);
        OnnxImport in = new OnnxImport(file, model);
        in.check(model);
        return in.build();
    }

    private IllegalArgumentException refuse(String what) {
        return new IllegalArgumentException(file + ": " + what);
    }

    private String where(int i) {
        NodeProto n = graph.getNode(i);
        return "node " + i + (n.getName().isEmpty() ? "" : " '" + n.getName() + "'") + " (" + n.getOpType() + ", opset " + opset + ")";
    }

    private void check(ModelProto model) {
        if (model.getIrVersion() > NEWEST_IR) {
            throw refuse("IR version " + model.getIrVersion() + " is newer than NetDSL reads (up to " + NEWEST_IR + ", onnx 1.12);"
                    + " export with an older exporter or convert it with onnx.version_converter");
        }
        if (opset < 0 || opset > NEWEST_OPSET || opset < 7) {
            throw refuse(opset < 0 ? "it imports no default (ai.onnx) opset" : "opset " + opset + (opset > NEWEST_OPSET
                    ? " is newer than NetDSL reads (7 to " + NEWEST_OPSET + "); export with opset_version=" + NEWEST_OPSET
                    : " is older than NetDSL reads (7 to " + NEWEST_OPSET + ")"));
        }
        if (model.getFunctionsCount() > 0) {
            throw refuse("it defines model-local functions (" + model.getFunctions(0).getName() + "), which NetDSL does not read");
        }
        Set<String> known = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            double[] v = OnnxReader.values(t, file.toString()); // refuses external data and unread types here
            constants.put(t.getName(), new Const(v, OnnxReader.dims(t), t.getDataType(), false));
            known.add(t.getName());
        }
        graph.getInputList().forEach(v -> known.add(v.getName()));
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw refuse(where(i) + " is from domain '" + n.getDomain() + "', which NetDSL does not read");
            }
            if (!OPS.contains(n.getOpType())) {
                throw refuse(where(i) + ": NetDSL does not read " + n.getOpType() + "; it reads " + new java.util.TreeSet<>(OPS));
            }
            for (String input : n.getInputList()) {
                if (!input.isEmpty() && !known.contains(input)) {
                    throw refuse(where(i) + " reads '" + input + "', which no earlier node, initializer or graph input gives (the"
                            + " graph has a cycle, is out of order, or misses an initializer)");
                }
                consumers.merge(input, 1, Integer::sum);
            }
            for (String output : n.getOutputList()) {
                producer.put(output, i);
                known.add(output);
            }
            if (n.getOpType().equals("Identity") && constants.containsKey(root(n.getInput(0)))) {
                aliases.put(n.getOutput(0), root(n.getInput(0)));
            }
            Const t = n.getOpType().equals("Transpose") ? constant(n.getInput(0)) : null;
            if (t != null && t.dims().length == 2 && t.dataType() == TensorProto.DataType.FLOAT_VALUE) {
                // A weight transposed in the graph (NetDSL's own exports store Linear weights so): the transposed values.
                float[] v = dev.netdsl.internal.Layouts.transpose(t.floats(), (int) t.dims()[0], (int) t.dims()[1]);
                constants.put(n.getOutput(0), new Const(java.util.stream.IntStream.range(0, v.length).mapToDouble(k -> v[k]).toArray(),
                        new long[] {t.dims()[1], t.dims()[0]}, t.dataType(), false));
                aliases.put(n.getOutput(0), n.getOutput(0));
            }
        }
        graph.getOutputList().forEach(v -> consumers.merge(v.getName(), 1, Integer::sum));
        if (graph.getOutputCount() != 1) {
            throw refuse("the graph has " + graph.getOutputCount() + " outputs; NetDSL nets have one");
        }
        if (!known.contains(graph.getOutput(0).getName())) {
            throw refuse("the graph's output '" + graph.getOutput(0).getName() + "' is computed by no node");
        }
    }

    private String root(String name) {
        return aliases.getOrDefault(name, name);
    }

    /** The initializer {@code name} refers to (through Identity aliases), or null for a computed value. */
    private Const constant(String name) {
        return name.isEmpty() ? null : constants.get(root(name));
    }

    private Net build() {
        List<ValueInfoProto> inputs = graph.getInputList().stream().filter(v -> !constants.containsKey(v.getName())).toList();
        if (inputs.size() != 1) {
            throw refuse("the graph has " + inputs.size() + " inputs besides its initializers; NetDSL nets take one");
        }
        ValueInfoProto input = inputs.get(0);
        DType type = switch (input.getType().getTensorType().getElemType()) {
            case TensorProto.DataType.FLOAT_VALUE -> DType.FLOAT32;
            // Token ids: PyTorch writes int64 (its default integer); NetDSL's data and lookups take int32.
            case TensorProto.DataType.INT32_VALUE, TensorProto.DataType.INT64_VALUE -> DType.INT32;
            default -> throw refuse("input '" + input.getName() + "' is " + OnnxReader.describe(input) + "; NetDSL nets take"
                    + " float, int32 or int64 inputs");
        };
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        if (dims.size() < 2) {
            throw refuse("input " + OnnxReader.describe(input) + " needs a batch dimension and at least one more");
        }
        int[] example = new int[dims.size() - 1];
        for (int d = 1; d < dims.size(); d++) {
            if (!dims.get(d).hasDimValue() || dims.get(d).getDimValue() < 1) {
                throw refuse("dimension " + d + " of input " + OnnxReader.describe(input) + " is not a fixed size; NetDSL nets have"
                        + " fixed example shapes (only the batch, dimension 0, may vary): export with dynamic_axes on the batch only");
            }
            example[d - 1] = (int) dims.get(d).getDimValue();
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            planNode(i);
        }
        if (plan.layers.isEmpty()) {
            throw refuse("no node has weights NetDSL trains (Gemm, MatMul, Conv, BatchNormalization, Gather over a table, LSTM, GRU,"
                    + " LayerNormalization with initializers); there is nothing to make a net of");
        }
        OnnxModule module = new OnnxModule(file.getFileName().toString(), graph, opset, constants, aliases, plan, input.getName(),
                graph.getOutput(0).getName(), start);
        return Net.module(module, type, example);
    }

    // ---- Parametrised nodes become layers --------------------------------------------------------------------

    private void planNode(int i) {
        NodeProto n = graph.getNode(i);
        switch (n.getOpType()) {
            case "Gemm" -> gemm(i, n);
            case "MatMul" -> matmul(i, n);
            case "Conv" -> conv(i, n);
            case "BatchNormalization" -> batchNorm(i, n);
            case "Gather" -> embedding(i, n);
            case "LSTM", "GRU" -> recurrent(i, n);
            case "LayerNormalization" -> layerNorm(i, n);
            default -> {
            }
        }
    }

    private void gemm(int i, NodeProto n) {
        Const w = constant(n.getInput(1));
        if (w == null || constant(n.getInput(0)) != null || shared(n.getInput(1))) {
            return; // two computed matrices: an Expr matmul
        }
        if (attrF(n, "alpha", 1) != 1 || attrF(n, "beta", 1) != 1 || attrI(n, "transA", 0) != 0 || w.dims().length != 2) {
            throw refuse(where(i) + ": NetDSL reads Gemm as PyTorch's Linear writes it (alpha 1, beta 1, transA 0, a 2-D weight)");
        }
        boolean transB = attrI(n, "transB", 0) == 1;
        int out = (int) (transB ? w.dims()[0] : w.dims()[1]);
        int in = (int) (transB ? w.dims()[1] : w.dims()[0]);
        Const b = n.getInputCount() > 2 ? constant(n.getInput(2)) : null;
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && (b == null || b.v().length != out)) {
            throw refuse(where(i) + ": its bias must be an initializer of " + out + " values");
        }
        String name = layerName(i, n.getInput(1));
        linear(i, name, in, out, transB ? w.floats() : transpose(w), b == null ? new float[out] : b.floats());
    }

    private void matmul(int i, NodeProto n) {
        Const w = constant(n.getInput(1));
        if (w == null || w.dims().length != 2 || constant(n.getInput(0)) != null || shared(n.getInput(1))) {
            return; // two computed matrices, or a weight several nodes read (an unrolled recurrence): an Expr matmul
        }
        int in = (int) w.dims()[0];
        int out = (int) w.dims()[1];
        // PyTorch writes Linear on a sequence as MatMul(x, W^T) and Add(bias, .): one Linear when nothing else reads the product.
        float[] bias = new float[out];
        String output = n.getOutput(0);
        Integer add = null;
        if (consumers.getOrDefault(output, 0) == 1) {
            for (int j = i + 1; j < graph.getNodeCount(); j++) {
                NodeProto m = graph.getNode(j);
                if (m.getOpType().equals("Add") && m.getInputList().contains(output)) {
                    Const b = constant(m.getInput(0).equals(output) ? m.getInput(1) : m.getInput(0));
                    if (b != null && b.dims().length == 1 && b.v().length == out) {
                        bias = b.floats();
                        add = j;
                    }
                    break;
                }
            }
        }
        String name = layerName(i, add != null ? biasName(graph.getNode(add), output) : n.getInput(1));
        linear(i, name, in, out, transpose(w), bias);
        if (add != null) {
            plan.folded.put(add, i);
        }
    }

    /** True if several nodes read this initializer: one layer per node would untie it, so it stays a constant. */
    private boolean shared(String name) {
        return consumers.getOrDefault(name, 0) > 1;
    }

    private static String biasName(NodeProto add, String product) {
        return add.getInput(0).equals(product) ? add.getInput(1) : add.getInput(0);
    }

    private void linear(int i, String name, int in, int out, float[] weight, float[] bias) {
        plan.layers.put(i, new OnnxModule.Planned(name, Layers.linear(in, out)));
        start.put(name + ".weight", weight);
        start.put(name + ".bias", bias);
    }

    private void conv(int i, NodeProto n) {
        Const w = constant(n.getInput(1));
        if (w == null || w.dims().length != 4) {
            throw refuse(where(i) + ": NetDSL reads 2-D convolutions whose weight is an initializer [out, in, kH, kW]");
        }
        long[] pads = attrInts(n, "pads", new long[4]);
        long[] strides = attrInts(n, "strides", new long[] {1, 1});
        long[] dilations = attrInts(n, "dilations", new long[] {1, 1});
        String autoPad = attrS(n, "auto_pad", "NOTSET");
        if (attrI(n, "group", 1) != 1 || dilations[0] != 1 || dilations[1] != 1 || !autoPad.equals("NOTSET")
                || pads.length != 4 || pads[0] != pads[2] || pads[1] != pads[3]) {
            throw refuse(where(i) + ": NetDSL's Conv2d has group 1, dilation 1 and the same padding on both sides of each axis");
        }
        int out = (int) w.dims()[0];
        Const b = n.getInputCount() > 2 ? constant(n.getInput(2)) : null;
        String name = layerName(i, n.getInput(1));
        Layer conv = Layers.fromSettings("Conv2d", Settings.of("in_channels", (int) w.dims()[1], "out_channels", out,
                "kernel_size", new int[] {(int) w.dims()[2], (int) w.dims()[3]}, "stride", new int[] {(int) strides[0], (int) strides[1]},
                "padding", new int[] {(int) pads[0], (int) pads[1]}));
        plan.layers.put(i, new OnnxModule.Planned(name, conv));
        start.put(name + ".weight", w.floats());
        start.put(name + ".bias", b == null ? new float[out] : b.floats());
    }

    private void batchNorm(int i, NodeProto n) {
        Const[] p = new Const[4];
        for (int k = 0; k < 4; k++) {
            p[k] = constant(n.getInput(k + 1));
            if (p[k] == null) {
                throw refuse(where(i) + ": NetDSL reads batch norm whose scale, bias, mean and variance are initializers");
            }
        }
        if (attrI(n, "training_mode", 0) != 0) {
            throw refuse(where(i) + " is in training mode; export the model in eval mode (model.eval())");
        }
        int c = p[0].v().length;
        String name = layerName(i, n.getInput(1));
        // ONNX's momentum weighs the old running value; PyTorch's the new batch's.
        Settings s = Settings.of("num_features", c, "eps", (double) attrF(n, "epsilon", 1e-5f), "momentum",
                1 - (double) attrF(n, "momentum", 0.9f));
        int rank = rank(n.getInput(0), 0);
        if (rank != 2 && rank != 4) {
            throw refuse(where(i) + ": NetDSL reads batch norm over [N, C] or [N, C, H, W] values; this one's input has rank "
                    + (rank < 0 ? "unknown" : rank));
        }
        plan.layers.put(i, new OnnxModule.Planned(name, Layers.fromSettings(rank == 2 ? "BatchNorm1d" : "BatchNorm2d", s)));
        start.put(name + ".weight", p[0].floats());
        start.put(name + ".bias", p[1].floats());
        start.put(name + ".running_mean", p[2].floats());
        start.put(name + ".running_var", p[3].floats());
    }

    private void embedding(int i, NodeProto n) {
        Const table = constant(n.getInput(0));
        if (table == null || table.dims().length != 2 || table.dataType() != TensorProto.DataType.FLOAT_VALUE
                || constant(n.getInput(1)) != null || attrI(n, "axis", 0) != 0) {
            return; // not a lookup table: an Expr gather or shape arithmetic
        }
        String name = layerName(i, n.getInput(0));
        plan.layers.put(i, new OnnxModule.Planned(name, Layers.embedding((int) table.dims()[0], (int) table.dims()[1])));
        start.put(name + ".weight", table.floats());
    }

    private void recurrent(int i, NodeProto n) {
        boolean lstm = n.getOpType().equals("LSTM");
        Const w = constant(n.getInput(1));
        Const r = constant(n.getInput(2));
        Const b = n.getInputCount() > 3 ? constant(n.getInput(3)) : null;
        int hidden = (int) attrI(n, "hidden_size", 0);
        String direction = attrS(n, "direction", "forward");
        if (w == null || r == null || hidden < 1 || !direction.equals("forward") || attrI(n, "layout", 0) != 0
                || n.getAttributeList().stream().anyMatch(a -> Set.of("activations", "clip", "input_forget").contains(a.getName()))
                || (n.getInputCount() > 4 && !n.getInput(4).isEmpty()) || (lstm && n.getInputCount() > 7 && !n.getInput(7).isEmpty())
                || (!lstm && attrI(n, "linear_before_reset", 0) != 1)) {
            throw refuse(where(i) + ": NetDSL reads " + n.getOpType() + " as PyTorch writes one layer of it: forward direction, layout 0,"
                    + " default activations, no sequence lengths" + (lstm ? " or peepholes" : ", linear_before_reset 1")
                    + "; W, R and B initializers; initial states zero");
        }
        int gates = lstm ? 4 : 3;
        int in = (int) w.dims()[2];
        // ONNX's gate order (LSTM i, o, f, c; GRU z, r, h) to PyTorch's (LSTM i, f, g, o; GRU r, z, n).
        int[] order = lstm ? new int[] {0, 2, 3, 1} : new int[] {1, 0, 2};
        String name = layerName(i, "");
        Layer layer = lstm ? Layers.lstm(in, hidden) : Layers.gru(in, hidden);
        plan.layers.put(i, new OnnxModule.Planned(name, layer));
        float[] bias = b == null ? new float[2 * gates * hidden] : b.floats();
        start.put(name + ".weight_ih_l0", gates(w.floats(), 0, order, hidden * in));
        start.put(name + ".weight_hh_l0", gates(r.floats(), 0, order, hidden * hidden));
        start.put(name + ".bias_ih_l0", gates(bias, 0, order, hidden));
        start.put(name + ".bias_hh_l0", gates(bias, gates * hidden, order, hidden));
    }

    /**
     * The rank of a value, from the nearest node before it that fixes one (a convolution or pooling gives 4, a linear
     * layer or Flatten 2, the graph input its own); elementwise ops keep their first input's. -1 if none does.
     */
    private int rank(String value, int depth) {
        Integer p = producer.get(root(value));
        if (p == null) {
            for (ValueInfoProto v : graph.getInputList()) {
                if (v.getName().equals(value)) {
                    return v.getType().getTensorType().getShape().getDimCount();
                }
            }
            return -1;
        }
        NodeProto n = graph.getNode(p);
        return switch (n.getOpType()) {
            case "Conv", "MaxPool", "AveragePool" -> 4;
            case "Gemm", "Flatten" -> 2;
            case "Reshape" -> {
                Const shape = constant(n.getInput(1));
                Integer q = producer.get(n.getInput(1));
                if (shape == null && q != null && graph.getNode(q).getOpType().equals("Constant")) {
                    yield (int) OnnxReader.dims(graph.getNode(q).getAttribute(0).getT())[0];
                }
                yield shape == null ? -1 : shape.v().length;
            }
            case "MatMul" -> depth > 50 ? -1 : rank(n.getInput(0), depth + 1);
            case "Relu", "Tanh", "Sigmoid", "LeakyRelu", "Elu", "Clip", "Dropout", "Identity", "Add", "Sub", "Mul", "Div", "Pad",
                 "BatchNormalization", "Softplus", "Erf", "Exp", "Log", "Sqrt", "Neg", "Abs", "Pow", "Cast" ->
                    depth > 50 ? -1 : rank(constant(n.getInput(0)) != null && n.getInputCount() > 1 ? n.getInput(1) : n.getInput(0), depth + 1);
            default -> -1;
        };
    }

    /** The gate blocks of {@code block} values each, starting at {@code from}, in PyTorch's order. */
    private static float[] gates(float[] v, int from, int[] order, int block) {
        float[] out = new float[order.length * block];
        for (int g = 0; g < order.length; g++) {
            System.arraycopy(v, from + order[g] * block, out, g * block, block);
        }
        return out;
    }

    private void layerNorm(int i, NodeProto n) {
        Const scale = constant(n.getInput(1));
        Const b = n.getInputCount() > 2 ? constant(n.getInput(2)) : null;
        if (scale == null || attrI(n, "axis", -1) != -1 || scale.dims().length != 1) {
            throw refuse(where(i) + ": NetDSL reads LayerNormalization over the last axis with an initializer scale");
        }
        int dim = scale.v().length;
        String name = layerName(i, n.getInput(1));
        plan.layers.put(i, new OnnxModule.Planned(name, Layers.layerNorm(dim).eps(attrF(n, "epsilon", 1e-5f))));
        start.put(name + ".weight", scale.floats());
        start.put(name + ".bias", b == null ? new float[dim] : b.floats());
    }

    /**
     * The layer's name: the module path of a PyTorch initializer ({@code fc1.weight} gives {@code fc1}), else of the
     * node ({@code /rnn/LSTM} gives {@code rnn}), else the op and its index; made unique.
     */
    private String layerName(int i, String tensor) {
        String name = null;
        int dot = tensor.lastIndexOf('.');
        if (!tensor.contains("::") && dot > 0 && constants.containsKey(tensor)) {
            name = tensor.substring(0, dot);
        }
        String node = graph.getNode(i).getName();
        if (name == null && node.startsWith("/") && node.lastIndexOf('/') > 0) {
            String path = node.substring(1, node.lastIndexOf('/'));
            name = path.substring(path.lastIndexOf('/') + 1);
        }
        if (name == null || name.isEmpty()) {
            name = graph.getNode(i).getOpType().toLowerCase(java.util.Locale.ROOT) + i;
        }
        name = name.replaceAll("[^A-Za-z0-9_.]", "_").replaceAll("^\\.+|\\.+$", "").replaceAll("\\.\\.+", ".");
        String unique = name;
        for (int k = 2; !names.add(unique); k++) {
            unique = name + "_" + k;
        }
        return unique;
    }

    private static float[] transpose(Const w) {
        return dev.netdsl.internal.Layouts.transpose(w.floats(), (int) w.dims()[0], (int) w.dims()[1]);
    }

    // ---- Attributes ------------------------------------------------------------------------------------------

    static AttributeProto attr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    static long attrI(NodeProto n, String name, long otherwise) {
        AttributeProto a = attr(n, name);
        return a == null ? otherwise : a.getI();
    }

    static float attrF(NodeProto n, String name, float otherwise) {
        AttributeProto a = attr(n, name);
        return a == null ? otherwise : a.getF();
    }

    static String attrS(NodeProto n, String name, String otherwise) {
        AttributeProto a = attr(n, name);
        return a == null ? otherwise : a.getS().toStringUtf8();
    }

    static long[] attrInts(NodeProto n, String name, long[] otherwise) {
        AttributeProto a = attr(n, name);
        return a == null ? otherwise : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The start values of the imported layers, as parameters for {@link Model#setParameters}. */
    static List<Parameter> parameters(Map<String, float[]> start, Model model) {
        List<Parameter> out = new ArrayList<>();
        List<Parameter> shapes = new ArrayList<>(model.parameters());
        shapes.addAll(model.buffers());
        for (Parameter p : shapes) {
            float[] v = start.get(p.name());
            if (v != null) {
                out.add(new Parameter(p.name(), p.shape(), v));
            }
        }
        return out;
    }
}
