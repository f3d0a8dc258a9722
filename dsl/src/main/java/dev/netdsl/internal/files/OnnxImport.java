package dev.netdsl.internal.files;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.internal.files.OnnxModule.Const;
import dev.netdsl.internal.onnx.OnnxProto.AttributeProto;
import dev.netdsl.internal.onnx.OnnxProto.GraphProto;
import dev.netdsl.internal.onnx.OnnxProto.ModelProto;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorShapeProto;
import dev.netdsl.internal.onnx.OnnxProto.ValueInfoProto;
import dev.netdsl.internal.onnx.OnnxReader;
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
public final class OnnxImport {
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
    final GraphProto graph;
    private final long opset;
    final Map<String, Const> constants = new HashMap<>();
    /** Identity of an initializer: the name it goes by, and the initializer it is (PyTorch dedupes equal tensors so). */
    final Map<String, String> aliases = new HashMap<>();
    final Map<String, Integer> consumers = new HashMap<>();
    final Map<String, Integer> producer = new HashMap<>();
    final OnnxModule.Plan plan = new OnnxModule.Plan();
    final Map<String, float[]> start = new LinkedHashMap<>();
    private final OnnxLayers layers = new OnnxLayers(this);
    private final OnnxPatterns patterns = new OnnxPatterns(this);
    final Set<String> names = new HashSet<>();

    private OnnxImport(Path file, ModelProto model) {
        this.file = file;
        this.graph = model.getGraph();
        this.opset = OnnxReader.opset(model);
    }

    /** The net in {@code file}; see {@link Net#fromOnnx}. */
    public static Net read(Path file) {
        ModelProto model = OnnxReader.read(file);
        OnnxImport in = new OnnxImport(file, model);
        in.check(model);
        return in.build();
    }

    IllegalArgumentException refuse(String what) {
        return new IllegalArgumentException(file + ": " + what);
    }

    String where(int i) {
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
            constants.put(t.getName(), Const.of(t, file.toString())); // refuses external data and unread types here
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
                constants.put(n.getOutput(0), t.transposed());
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

    String root(String name) {
        return aliases.getOrDefault(name, name);
    }

    /** The initializer {@code name} refers to (through Identity aliases), or null for a computed value. */
    Const constant(String name) {
        return name.isEmpty() ? null : constants.get(root(name));
    }

    /** An initializer's value or a Constant node's; null for a computed value. */
    Const valueOf(String name) {
        Const c = constant(name);
        Integer p = producer.get(name);
        return c == null && p != null && graph.getNode(p).getOpType().equals("Constant") ? OnnxOps.constant(graph.getNode(p)) : c;
    }

    /**
     * The name for a layer planned at node {@code i}: the module path of a PyTorch initializer ({@code fc1.weight} gives
     * {@code fc1}; an Identity of one too, as PyTorch names a deduplicated tensor: {@code enc.norm2.weight}), else of the
     * node ({@code /rnn/LSTM} gives {@code rnn}), else the op and its index; made unique.
     */
    String layerName(int i, String tensor) {
        String name = null;
        int dot = tensor.lastIndexOf('.');
        if (!tensor.contains("::") && dot > 0 && (constants.containsKey(tensor) || aliases.containsKey(tensor))) {
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
        return uniqueName(name);
    }

    /** {@code name} with characters a layer name can't hold replaced, made unique among the net's layers. */
    String uniqueName(String name) {
        String clean = name.replaceAll("[^A-Za-z0-9_.]", "_").replaceAll("^\\.+|\\.+$", "").replaceAll("\\.\\.+", ".");
        String unique = clean;
        for (int k = 2; !names.add(unique); k++) {
            unique = clean + "_" + k;
        }
        return unique;
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
        // Groups of nodes that are one PyTorch layer written out (attention, layer norm) first; then each node not in one.
        for (int i = 0; i < graph.getNodeCount(); i++) {
            patterns.plan(i);
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (!plan.absorbed.contains(i) && !plan.layers.containsKey(i)) {
                layers.plan(i);
            }
        }
        if (plan.layers.isEmpty()) {
            throw refuse("no node has weights NetDSL trains (Gemm, MatMul, Conv, BatchNormalization, Gather over a table, LSTM, GRU,"
                    + " LayerNormalization with initializers); there is nothing to make a net of");
        }
        OnnxModule module = new OnnxModule(file.getFileName().toString(), graph, opset, constants, aliases, plan, input.getName(),
                graph.getOutput(0).getName(), start, dims.get(0).hasDimValue() ? dims.get(0).getDimValue() : -1);
        return access().module(module, type, example);
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

    /**
     * {@code model}, with its layers set to the ONNX file's values if its net was read from one (a net read from a
     * file starts from the file's initializers, not from fresh random values); closed if that fails.
     */
    public static Model withFileValues(Model model) {
        if (model.spec().module().orElse(null) instanceof OnnxModule onnx) {
            try {
                model.setParameters(parameters(onnx.start(), model));
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
        return model;
    }

    /** The start values of the imported layers, as parameters for {@link Model#setParameters}. */
    private static List<Parameter> parameters(Map<String, float[]> start, Model model) {
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
