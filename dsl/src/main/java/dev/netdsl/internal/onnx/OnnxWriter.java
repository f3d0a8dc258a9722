package dev.netdsl.internal.onnx;

import com.google.protobuf.ByteString;
import dev.netdsl.DType;
import dev.netdsl.Expr;
import dev.netdsl.internal.Node;
import dev.netdsl.internal.Nodes;
import dev.netdsl.internal.OpCode;
import dev.netdsl.internal.ParamRef;
import dev.netdsl.internal.onnx.OnnxProto.GraphProto;
import dev.netdsl.internal.onnx.OnnxProto.ModelProto;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.OperatorSetIdProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorShapeProto;
import dev.netdsl.internal.onnx.OnnxProto.TypeProto;
import dev.netdsl.internal.onnx.OnnxProto.ValueInfoProto;
import dev.netdsl.layers.Layer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A net's inference forward pass as an ONNX model (opset 17, IR version 8), op by op from the expression
 * it compiles to: each layer application is expanded as the TensorFlow compiler expands it, so a user's
 * layer written in {@code Expr} exports with no code of its own. Parameters become initializers under
 * their PyTorch names and layouts (a parameter stored transposed is transposed back in the graph).
 */
public final class OnnxWriter {
    /** The ONNX opset the files import. */
    public static final int OPSET = 17;
    /** The IR version the files declare: what onnx 1.12's checker and ONNX Runtime both accept with opset 17. */
    public static final int IR_VERSION = 8;

    /** What the writer needs from a built model. */
    public interface Source {
        /** The model input's expression ({@link OpCode#MODEL_INPUT}). */
        Expr input();

        /** The forward pass's output over {@link #input()}, layer applications unexpanded. */
        Expr output();

        /** {@code layer}'s inference forward pass over {@code input}. */
        Expr expand(Layer layer, Expr input);

        /** The tensor a parameter reference names: its PyTorch name, declared shape, stored layout and values. */
        Initial parameter(ParamRef ref);

        /** A name for {@code layer} in messages and node names ("0", "conv1"). */
        String name(Layer layer);
    }

    /**
     * One parameter or buffer.
     *
     * @param name its PyTorch name ({@code 0.weight})
     * @param shape its declared (PyTorch) shape
     * @param storage how the forward pass sees it: a permutation of the declared dimensions, or null for as declared
     * @param values its values, row-major in the declared shape
     */
    public record Initial(String name, int[] shape, int[] storage, float[] values) {
    }

    private final Source source;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Map<Expr, String> names = new IdentityHashMap<>();
    private final Map<Expr, Expr> expansions = new IdentityHashMap<>();
    private final Map<ParamRef, String> parameters = new HashMap<>();
    private final Map<String, Integer> used = new HashMap<>();

    private OnnxWriter(Source source) {
        this.source = source;
    }

    /**
     * The serialized ONNX model of {@code source}'s forward pass: input {@code input} and output
     * {@code output}, both with a dynamic first (batch) dimension.
     *
     * @throws IllegalArgumentException naming the layer and op if an op has no ONNX form at inference
     */
    public static byte[] write(Source source, String graphName, String docString) {
        OnnxWriter w = new OnnxWriter(source);
        Expr input = source.input();
        Expr output = source.output();
        w.names.put(input, "input");
        w.graph.addInput(valueInfo("input", input.dtype(), input.shape()));
        String last = w.translate(output);
        w.graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName("output").addInput(last).addOutput("output"));
        w.graph.addOutput(valueInfo("output", output.dtype(), output.shape()));
        w.graph.setName(graphName);
        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("NetDSL")
                .setProducerVersion(version())
                .setDocString(docString)
                .setGraph(w.graph)
                .build();
        return model.toByteArray();
    }

    private static String version() {
        String v = OnnxWriter.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /** One expression to visit, with the layer whose forward pass it belongs to (null for the net's own). */
    private static final class Visit {
        final Expr e;
        final Layer owner;
        boolean opened;

        Visit(Expr e, Layer owner) {
            this.e = e;
            this.owner = owner;
        }
    }

    /** The value name of {@code root}, emitting every node it needs first (iteratively: unrolled recurrences are deep). */
    private String translate(Expr root) {
        Deque<Visit> stack = new ArrayDeque<>();
        stack.push(new Visit(root, null));
        while (!stack.isEmpty()) {
            Visit v = stack.peek();
            if (names.containsKey(v.e)) {
                stack.pop();
                continue;
            }
            Node n = Nodes.of(v.e);
            Expr[] deps = n.op() == OpCode.APPLY ? new Expr[] {expansion(v.e, n)} : n.args();
            Layer owner = n.op() == OpCode.APPLY ? (Layer) n.ref() : v.owner;
            if (!v.opened) {
                v.opened = true;
                for (int i = deps.length - 1; i >= 0; i--) {
                    if (!names.containsKey(deps[i])) {
                        stack.push(new Visit(deps[i], owner));
                    }
                }
                continue;
            }
            stack.pop();
            names.put(v.e, n.op() == OpCode.APPLY ? names.get(deps[0]) : emit(n, v.owner));
        }
        return names.get(root);
    }

    private Expr expansion(Expr e, Node n) {
        return expansions.computeIfAbsent(e, k -> {
            Expr out = source.expand((Layer) n.ref(), n.args()[0]);
            if (out.dtype() != n.dtype() || !java.util.Arrays.equals(out.shape(), n.shape())) {
                throw new IllegalArgumentException(n.ref() + ": its forward pass gives " + out.dtype().fileName() + " "
                        + java.util.Arrays.toString(out.shape()) + " but its outputShape and outputType say " + n.dtype().fileName()
                        + " " + java.util.Arrays.toString(n.shape()) + "; make them agree");
            }
            return out;
        });
    }

    /** Emits the ONNX nodes of {@code n} and returns the name of its value. */
    private String emit(Node n, Layer owner) {
        Ops o = new Ops(this, owner == null ? "" : source.name(owner) + "/");
        String a = n.args().length > 0 ? names.get(n.args()[0]) : null;
        String b = n.args().length > 1 ? names.get(n.args()[1]) : null;
        switch (n.op()) {
            case MODEL_INPUT:
                return "input";
            case CONST:
                return o.constant(n);
            case PARAM:
                return parameter((ParamRef) n.ref(), o);
            case ADD, BIAS_ADD: return o.op("Add", a, b);
            case SUB: return o.op("Sub", a, b);
            case MUL: return o.op("Mul", a, b);
            case DIV: return o.op("Div", a, b);
            case POW: return o.op("Pow", a, b);
            case MATMUL: return o.op("MatMul", a, b);
            case MAXIMUM: return o.op("Max", a, b);
            case MINIMUM: return o.op("Min", a, b);
            case NEG: return o.op("Neg", a);
            case SQUARE: return o.op("Mul", a, a);
            case SQRT: return o.op("Sqrt", a);
            case EXP: return o.op("Exp", a);
            case LOG: return o.op("Log", a);
            case ABS: return o.op("Abs", a);
            case RELU: return o.op("Relu", a);
            case TANH: return o.op("Tanh", a);
            case SIGMOID: return o.op("Sigmoid", a);
            case ERF: return o.op("Erf", a);
            case SOFTPLUS: return o.op("Softplus", a);
            case SOFTMAX: return o.node("Softmax", a).i("axis", -1).out();
            case LOG_SOFTMAX: return o.node("LogSoftmax", a).i("axis", -1).out();
            case TRANSPOSE: return o.node("Transpose", a).ints("perm", 1, 0).out();
            case PERMUTE: return o.node("Transpose", a).ints("perm", longs(n.values())).out();
            case HARDTANH: return o.op("Clip", a, o.scalar(n.values()[0]), o.scalar(n.values()[1]));
            case LEAKY_RELU: return o.node("LeakyRelu", a).f("alpha", n.values()[0]).out();
            case ELU: return o.node("Elu", a).f("alpha", n.values()[0]).out();
            case GELU: {
                // 0.5 x (1 + erf(x / sqrt 2)), as the compiler builds it (Gelu is an op from opset 20 on).
                String erf = o.op("Erf", o.op("Mul", a, o.scalar((float) (1 / Math.sqrt(2)))));
                return o.op("Mul", o.op("Mul", o.scalar(0.5f), a), o.op("Add", o.scalar(1f), erf));
            }
            case GREATER_EQUAL: return o.mask("GreaterOrEqual", a, b);
            case EQUAL: return o.mask("Equal", a, b);
            case NOT_EQUAL: return o.mask("Not", o.op("Equal", a, b));
            case LESS: return o.mask("Less", a, b);
            case LESS_EQUAL: return o.mask("LessOrEqual", a, b);
            case GREATER: return o.mask("Greater", a, b);
            case SUM: return rank(n, 0) == 0 ? a : o.node("ReduceSum", a).i("keepdims", 0).out();
            case MEAN: return rank(n, 0) == 0 ? a : o.node("ReduceMean", a).i("keepdims", 0).out();
            case MAX: return rank(n, 0) == 0 ? a : o.node("ReduceMax", a).i("keepdims", 0).out();
            case SUM_AXIS: return o.node("ReduceSum", a, o.longs(n.index())).i("keepdims", 0).out();
            case MEAN_AXIS: return o.node("ReduceMean", a).ints("axes", n.index()).i("keepdims", 0).out();
            case AT: return o.node("Gather", a, o.index(n.index())).i("axis", 0).out();
            case SELECT: return o.node("Gather", a, o.index((int) n.values()[1])).i("axis", (long) n.values()[0]).out();
            case NARROW: {
                long axis = (long) n.values()[0];
                long start = (long) n.values()[1];
                return o.op("Slice", a, o.longs(start), o.longs(start + (long) n.values()[2]), o.longs(axis));
            }
            case RESHAPE: return o.op("Reshape", a, o.longs(n.shape()));
            case CAST: return o.node("Cast", a).i("to", elemType(n.dtype())).out();
            case GATHER: return o.node("Gather", a, b).i("axis", 0).out();
            case ONE_HOT: {
                String values = o.constant(TensorProto.DataType.FLOAT_VALUE, new long[] {2}, floats(0f, 1f));
                return o.node("OneHot", a, o.index(n.index()), values).i("axis", -1).out();
            }
            case CONCAT, STACK: {
                String[] parts = new String[n.args().length];
                for (int i = 0; i < parts.length; i++) {
                    String part = names.get(n.args()[i]);
                    parts[i] = n.op() == OpCode.STACK ? o.op("Unsqueeze", part, o.longs(n.index())) : part;
                }
                return o.node("Concat", parts).i("axis", n.index()).out();
            }
            case STOP_GRADIENT: return o.op("Identity", a);
            case WHERE: {
                String nonzero = o.node("Cast", a).i("to", TensorProto.DataType.BOOL_VALUE).out();
                return o.op("Where", nonzero, b, names.get(n.args()[2]));
            }
            case LAYER_NORM:
                return o.node("LayerNormalization", a, b, names.get(n.args()[2])).i("axis", -n.index())
                        .f("epsilon", n.values()[0]).out();
            case CONV2D: {
                long[] k = Nodes.of(n.args()[1]).shape();
                float[] v = n.values();
                String[] in = n.args().length > 2 ? new String[] {a, b, names.get(n.args()[2])} : new String[] {a, b};
                return o.node("Conv", in).ints("kernel_shape", k[2], k[3]).ints("strides", (long) v[0], (long) v[1])
                        .ints("pads", (long) v[2], (long) v[3], (long) v[2], (long) v[3]).out();
            }
            case MAX_POOL2D, AVG_POOL2D: {
                float[] v = n.values();
                return o.node(n.op() == OpCode.MAX_POOL2D ? "MaxPool" : "AveragePool", a).ints("kernel_shape", (long) v[0], (long) v[1])
                        .ints("strides", (long) v[2], (long) v[3]).out();
            }
            case BATCH_NORM:
                return o.node("BatchNormalization", a, b, names.get(n.args()[2]), names.get(n.args()[3]), names.get(n.args()[4]))
                        .f("epsilon", n.values()[0]).out();
            default:
                throw new IllegalArgumentException("can't export " + (owner == null ? "the net's forward pass" : source.name(owner)
                        + " (" + owner + ")") + " to ONNX: its inference forward pass uses " + n.op().fileName() + ", which has no"
                        + " ONNX form here" + (n.op() == OpCode.LEAF || n.op() == OpCode.BOUND ? " (a value bound outside the net)"
                        : "") + "; write the layer's forward pass (inference mode) with ops ONNX has");
        }
    }

    private String parameter(ParamRef ref, Ops o) {
        String known = parameters.get(ref);
        if (known != null) {
            return known;
        }
        Initial p = source.parameter(ref);
        long[] dims = new long[p.shape().length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = p.shape()[i];
        }
        graph.addInitializer(tensor(p.name(), TensorProto.DataType.FLOAT_VALUE, dims, floats(p.values())));
        String name = p.storage() == null ? p.name() : o.node("Transpose", p.name()).ints("perm", longs(p.storage())).out();
        parameters.put(ref, name);
        return name;
    }

    /** A unique value or node name starting with {@code base}. */
    String unique(String base) {
        int n = used.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "_" + (n - 1);
    }


    GraphProto.Builder graph() {
        return graph;
    }

    private static int rank(Node n, int arg) {
        return Nodes.of(n.args()[arg]).shape().length;
    }

    /** ONNX's element type for {@code type}. */
    static int elemType(DType type) {
        return switch (type) {
            case FLOAT32 -> TensorProto.DataType.FLOAT_VALUE;
            case INT32 -> TensorProto.DataType.INT32_VALUE;
            case INT64 -> TensorProto.DataType.INT64_VALUE;
        };
    }

    static ValueInfoProto valueInfo(String name, DType type, long[] shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.addDim(shape[i] < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam(i == 0 ? "batch" : "d" + i)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(shape[i]));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType(type)).setShape(dims))).build();
    }

    static TensorProto tensor(String name, int type, long[] dims, ByteString raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(raw);
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static ByteString floats(float... values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return ByteString.copyFrom(buf.array());
    }

    static ByteString ints(int... values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(values);
        return ByteString.copyFrom(buf.array());
    }

    static ByteString longs(long... values) {
        ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values);
        return ByteString.copyFrom(buf.array());
    }

    private static long[] longs(float[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) values[i];
        }
        return out;
    }

    private static long[] longs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
