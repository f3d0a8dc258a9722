package dev.netdsl;

import dev.netdsl.OnnxModule.Const;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxProto.ValueInfoProto;
import dev.netdsl.internal.onnx.OnnxReader;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Layers;
import dev.netdsl.layers.Settings;
import java.util.Set;

/**
 * The layers an ONNX graph's parametrised nodes become ({@link OnnxImport}): Gemm and MatMul (with the Add of
 * its bias) as Linear, Conv, BatchNormalization, Gather over a table as Embedding, LSTM and GRU, LayerNormalization;
 * each under its PyTorch name, with its start values in PyTorch's layout.
 */
final class OnnxLayers {
    private final OnnxImport g;

    OnnxLayers(OnnxImport g) {
        this.g = g;
    }

    void plan(int i) {
        if (g.plan.absorbed.contains(i)) {
            return; // computed by a layer planned for a group of nodes (an attention block)
        }
        NodeProto n = g.graph.getNode(i);
        switch (n.getOpType()) {
            case "Gemm" -> gemm(i, n);
            case "MatMul" -> matmul(i, n);
            case "Conv" -> conv(i, n);
            case "BatchNormalization" -> batchNorm(i, n);
            case "Gather" -> embedding(i, n);
            case "LSTM", "GRU" -> recurrent(i, n);
            case "LayerNormalization" -> layerNorm(i, n);
            case "Add" -> writtenOutLayerNorm(i, n);
            case "Softmax" -> writtenOutAttention(i, n);
            default -> {
            }
        }
    }

    private void gemm(int i, NodeProto n) {
        Const w = g.constant(n.getInput(1));
        if (w == null || g.constant(n.getInput(0)) != null || shared(n.getInput(1))) {
            return; // two computed matrices: an Expr matmul
        }
        if (OnnxImport.attrF(n, "alpha", 1) != 1 || OnnxImport.attrF(n, "beta", 1) != 1 || OnnxImport.attrI(n, "transA", 0) != 0 || w.dims().length != 2) {
            throw g.refuse(g.where(i) + ": NetDSL reads Gemm as PyTorch's Linear writes it (alpha 1, beta 1, transA 0, a 2-D weight)");
        }
        boolean transB = OnnxImport.attrI(n, "transB", 0) == 1;
        int out = (int) (transB ? w.dims()[0] : w.dims()[1]);
        int in = (int) (transB ? w.dims()[1] : w.dims()[0]);
        Const b = n.getInputCount() > 2 ? g.constant(n.getInput(2)) : null;
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && (b == null || b.v().length != out)) {
            throw g.refuse(g.where(i) + ": its bias must be an initializer of " + out + " values");
        }
        String name = layerName(i, n.getInput(1));
        linear(i, name, in, out, transB ? w.floats() : transpose(w), b == null ? new float[out] : b.floats());
    }

    private void matmul(int i, NodeProto n) {
        Const w = g.constant(n.getInput(1));
        if (w == null || w.dims().length != 2 || g.constant(n.getInput(0)) != null || shared(n.getInput(1))) {
            return; // two computed matrices, or a weight several nodes read (an unrolled recurrence): an Expr matmul
        }
        int in = (int) w.dims()[0];
        int out = (int) w.dims()[1];
        // PyTorch writes Linear on a sequence as MatMul(x, W^T) and Add(bias, .): one Linear when nothing else reads the product.
        float[] bias = new float[out];
        String output = n.getOutput(0);
        Integer add = null;
        if (g.consumers.getOrDefault(output, 0) == 1) {
            for (int j = i + 1; j < g.graph.getNodeCount(); j++) {
                NodeProto m = g.graph.getNode(j);
                if (m.getOpType().equals("Add") && m.getInputList().contains(output)) {
                    Const b = g.constant(m.getInput(0).equals(output) ? m.getInput(1) : m.getInput(0));
                    if (b != null && b.dims().length == 1 && b.v().length == out) {
                        bias = b.floats();
                        add = j;
                    }
                    break;
                }
            }
        }
        String name = layerName(i, add != null ? biasName(g.graph.getNode(add), output) : n.getInput(1));
        linear(i, name, in, out, transpose(w), bias);
        if (add != null) {
            g.plan.folded.put(add, i);
        }
    }

    /** True if several nodes read this initializer: one layer per node would untie it, so it stays a constant. */
    private boolean shared(String name) {
        return g.consumers.getOrDefault(name, 0) > 1;
    }

    private static String biasName(NodeProto add, String product) {
        return add.getInput(0).equals(product) ? add.getInput(1) : add.getInput(0);
    }

    private void linear(int i, String name, int in, int out, float[] weight, float[] bias) {
        g.plan.layers.put(i, new OnnxModule.Planned(name, Layers.linear(in, out)));
        g.start.put(name + ".weight", weight);
        g.start.put(name + ".bias", bias);
    }

    private void conv(int i, NodeProto n) {
        Const w = g.constant(n.getInput(1));
        if (w == null || w.dims().length != 4) {
            throw g.refuse(g.where(i) + ": NetDSL reads 2-D convolutions whose weight is an initializer [out, in, kH, kW]");
        }
        long[] pads = OnnxImport.attrInts(n, "pads", new long[4]);
        long[] strides = OnnxImport.attrInts(n, "strides", new long[] {1, 1});
        long[] dilations = OnnxImport.attrInts(n, "dilations", new long[] {1, 1});
        String autoPad = OnnxImport.attrS(n, "auto_pad", "NOTSET");
        if (OnnxImport.attrI(n, "group", 1) != 1 || dilations[0] != 1 || dilations[1] != 1 || !autoPad.equals("NOTSET")
                || pads.length != 4 || pads[0] != pads[2] || pads[1] != pads[3]) {
            throw g.refuse(g.where(i) + ": NetDSL's Conv2d has group 1, dilation 1 and the same padding on both sides of each axis");
        }
        int out = (int) w.dims()[0];
        Const b = n.getInputCount() > 2 ? g.constant(n.getInput(2)) : null;
        String name = layerName(i, n.getInput(1));
        Layer conv = Layers.fromSettings("Conv2d", Settings.of("in_channels", (int) w.dims()[1], "out_channels", out,
                "kernel_size", new int[] {(int) w.dims()[2], (int) w.dims()[3]}, "stride", new int[] {(int) strides[0], (int) strides[1]},
                "padding", new int[] {(int) pads[0], (int) pads[1]}));
        g.plan.layers.put(i, new OnnxModule.Planned(name, conv));
        g.start.put(name + ".weight", w.floats());
        g.start.put(name + ".bias", b == null ? new float[out] : b.floats());
    }

    private void batchNorm(int i, NodeProto n) {
        Const[] p = new Const[4];
        for (int k = 0; k < 4; k++) {
            p[k] = g.constant(n.getInput(k + 1));
            if (p[k] == null) {
                throw g.refuse(g.where(i) + ": NetDSL reads batch norm whose scale, bias, mean and variance are initializers");
            }
        }
        if (OnnxImport.attrI(n, "training_mode", 0) != 0) {
            throw g.refuse(g.where(i) + " is in training mode; export the model in eval mode (model.eval())");
        }
        int c = p[0].v().length;
        String name = layerName(i, n.getInput(1));
        // ONNX's momentum weighs the old running value; PyTorch's the new batch's.
        Settings s = Settings.of("num_features", c, "eps", (double) OnnxImport.attrF(n, "epsilon", 1e-5f), "momentum",
                1 - (double) OnnxImport.attrF(n, "momentum", 0.9f));
        int rank = rank(n.getInput(0), 0);
        if (rank != 2 && rank != 4) {
            throw g.refuse(g.where(i) + ": NetDSL reads batch norm over [N, C] or [N, C, H, W] values; this one's input has rank "
                    + (rank < 0 ? "unknown" : rank));
        }
        g.plan.layers.put(i, new OnnxModule.Planned(name, Layers.fromSettings(rank == 2 ? "BatchNorm1d" : "BatchNorm2d", s)));
        g.start.put(name + ".weight", p[0].floats());
        g.start.put(name + ".bias", p[1].floats());
        g.start.put(name + ".running_mean", p[2].floats());
        g.start.put(name + ".running_var", p[3].floats());
    }

    private void embedding(int i, NodeProto n) {
        Const table = g.constant(n.getInput(0));
        if (table == null || table.dims().length != 2 || table.dataType() != TensorProto.DataType.FLOAT_VALUE
                || g.constant(n.getInput(1)) != null || OnnxImport.attrI(n, "axis", 0) != 0) {
            return; // not a lookup table: an Expr gather or shape arithmetic
        }
        String name = layerName(i, n.getInput(0));
        g.plan.layers.put(i, new OnnxModule.Planned(name, Layers.embedding((int) table.dims()[0], (int) table.dims()[1])));
        g.start.put(name + ".weight", table.floats());
    }

    private void recurrent(int i, NodeProto n) {
        boolean lstm = n.getOpType().equals("LSTM");
        Const w = g.constant(n.getInput(1));
        Const r = g.constant(n.getInput(2));
        Const b = n.getInputCount() > 3 ? g.constant(n.getInput(3)) : null;
        int hidden = (int) OnnxImport.attrI(n, "hidden_size", 0);
        String direction = OnnxImport.attrS(n, "direction", "forward");
        if (w == null || r == null || hidden < 1 || !direction.equals("forward") || OnnxImport.attrI(n, "layout", 0) != 0
                || n.getAttributeList().stream().anyMatch(a -> Set.of("activations", "clip", "input_forget").contains(a.getName()))
                || (n.getInputCount() > 4 && !n.getInput(4).isEmpty()) || (lstm && n.getInputCount() > 7 && !n.getInput(7).isEmpty())
                || (!lstm && OnnxImport.attrI(n, "linear_before_reset", 0) != 1)) {
            throw g.refuse(g.where(i) + ": NetDSL reads " + n.getOpType() + " as PyTorch writes one layer of it: forward direction, layout 0,"
                    + " default activations, no sequence lengths" + (lstm ? " or peepholes" : ", linear_before_reset 1")
                    + "; W, R and B initializers; initial states zero");
        }
        int gates = lstm ? 4 : 3;
        int in = (int) w.dims()[2];
        // ONNX's gate order (LSTM i, o, f, c; GRU z, r, h) to PyTorch's (LSTM i, f, g, o; GRU r, z, n).
        int[] order = lstm ? new int[] {0, 2, 3, 1} : new int[] {1, 0, 2};
        String name = layerName(i, "");
        Layer layer = lstm ? Layers.lstm(in, hidden) : Layers.gru(in, hidden);
        g.plan.layers.put(i, new OnnxModule.Planned(name, layer));
        float[] bias = b == null ? new float[2 * gates * hidden] : b.floats();
        g.start.put(name + ".weight_ih_l0", gates(w.floats(), 0, order, hidden * in));
        g.start.put(name + ".weight_hh_l0", gates(r.floats(), 0, order, hidden * hidden));
        g.start.put(name + ".bias_ih_l0", gates(bias, 0, order, hidden));
        g.start.put(name + ".bias_hh_l0", gates(bias, gates * hidden, order, hidden));
    }

    /**
     * The rank of a value, from the nearest node before it that fixes one (a convolution or pooling gives 4, a linear
     * layer or Flatten 2, the g.graph input its own); elementwise ops keep their first input's. -1 if none does.
     */
    private int rank(String value, int depth) {
        Integer p = g.producer.get(g.root(value));
        if (p == null) {
            for (ValueInfoProto v : g.graph.getInputList()) {
                if (v.getName().equals(value)) {
                    return v.getType().getTensorType().getShape().getDimCount();
                }
            }
            return -1;
        }
        NodeProto n = g.graph.getNode(p);
        return switch (n.getOpType()) {
            case "Conv", "MaxPool", "AveragePool" -> 4;
            case "Gemm", "Flatten" -> 2;
            case "Reshape" -> {
                Const shape = g.constant(n.getInput(1));
                Integer q = g.producer.get(n.getInput(1));
                if (shape == null && q != null && g.graph.getNode(q).getOpType().equals("Constant")) {
                    yield (int) OnnxReader.dims(g.graph.getNode(q).getAttribute(0).getT())[0];
                }
                yield shape == null ? -1 : shape.v().length;
            }
            case "MatMul" -> depth > 50 ? -1 : rank(n.getInput(0), depth + 1);
            case "Relu", "Tanh", "Sigmoid", "LeakyRelu", "Elu", "Clip", "Dropout", "Identity", "Add", "Sub", "Mul", "Div", "Pad",
                 "BatchNormalization", "Softplus", "Erf", "Exp", "Log", "Sqrt", "Neg", "Abs", "Pow", "Cast" ->
                    depth > 50 ? -1 : rank(g.constant(n.getInput(0)) != null && n.getInputCount() > 1 ? n.getInput(1) : n.getInput(0), depth + 1);
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
        Const scale = g.constant(n.getInput(1));
        Const b = n.getInputCount() > 2 ? g.constant(n.getInput(2)) : null;
        if (scale == null || OnnxImport.attrI(n, "axis", -1) != -1 || scale.dims().length != 1) {
            throw g.refuse(g.where(i) + ": NetDSL reads LayerNormalization over the last axis with an initializer scale");
        }
        int dim = scale.v().length;
        String name = layerName(i, n.getInput(1));
        g.plan.layers.put(i, new OnnxModule.Planned(name, Layers.layerNorm(dim).eps(OnnxImport.attrF(n, "epsilon", 1e-5f))));
        g.start.put(name + ".weight", scale.floats());
        g.start.put(name + ".bias", b == null ? new float[dim] : b.floats());
    }

    /**
     * PyTorch before opset 17 writes LayerNorm out: y = (x - mean) / sqrt(mean((x - mean)^2) + eps) * w + b over the last
     * axis. Found ending at this Add (with w and b initializers), it becomes one LayerNorm layer whose weight and bias
     * train, planned here and reading x; the ops before it are absorbed.
     */
    private void writtenOutLayerNorm(int i, NodeProto add) {
        Integer mul = producerOf(add, "Mul");
        Const b = bias(add);
        if (mul == null || b == null) {
            return;
        }
        NodeProto m = g.graph.getNode(mul);
        Integer div = producerOf(m, "Div");
        Const w = bias(m);
        if (div == null || w == null || w.v().length != b.v().length) {
            return;
        }
        NodeProto d = g.graph.getNode(div);
        Integer sub = g.producer.get(d.getInput(0));
        Integer sqrt = g.producer.get(d.getInput(1));
        if (sub == null || sqrt == null || !op(sub, "Sub") || !op(sqrt, "Sqrt")) {
            return;
        }
        NodeProto sb = g.graph.getNode(sub);
        Integer mean = g.producer.get(sb.getInput(1));
        Integer eps = g.producer.get(g.graph.getNode(sqrt).getInput(0));
        if (mean == null || eps == null || !op(mean, "ReduceMean") || !op(eps, "Add")
                || !g.graph.getNode(mean).getInput(0).equals(sb.getInput(0))) {
            return;
        }
        NodeProto e = g.graph.getNode(eps);
        Integer var = g.producer.get(e.getInput(0));
        Const epsilon = valueOf(e.getInput(1));
        if (var == null || !op(var, "ReduceMean") || epsilon == null || epsilon.v().length != 1) {
            return;
        }
        Integer pow = g.producer.get(g.graph.getNode(var).getInput(0));
        if (pow == null || !op(pow, "Pow") || !g.graph.getNode(pow).getInput(0).equals(sb.getOutput(0))) {
            return;
        }
        long[] axes = OnnxImport.attrInts(g.graph.getNode(mean), "axes", null);
        if (axes == null || axes.length != 1 || axes[0] != -1) {
            return;
        }
        int dim = w.v().length;
        String weight = g.constant(m.getInput(0)) != null ? m.getInput(0) : m.getInput(1); // "enc.norm1.weight" names it
        String name = layerName(i, weight);
        g.plan.layers.put(i, new OnnxModule.Planned(name, Layers.layerNorm(dim).eps(epsilon.v()[0]), sb.getInput(0)));
        g.plan.absorbed.addAll(java.util.List.of(mean, sub, pow, var, eps, sqrt, div, mul));
        g.start.put(name + ".weight", w.floats());
        g.start.put(name + ".bias", b.floats());
    }

    /**
     * PyTorch before opset 17 writes nn.MultiheadAttention (self-attention, batch first, no masks) out op by op under its
     * module path: a Transpose to [T, batch, E], the in-projection MatMul (+ bias), three Slices, reshapes to
     * [T, batch * heads, E / heads], the scaled product, one Softmax, the out-projection Gemm and a Transpose back. Found
     * around this Softmax, the whole group becomes one MultiheadAttention layer (PyTorch's names: in_proj_weight, ...),
     * planned at the group's last node and reading the group's input; its nodes are absorbed.
     */
    private void writtenOutAttention(int i, NodeProto softmax) {
        String path = modulePath(softmax.getName());
        if (path == null) {
            return;
        }
        java.util.List<Integer> group = new java.util.ArrayList<>();
        for (int k = 0; k < g.graph.getNodeCount(); k++) {
            if (path.equals(modulePath(g.graph.getNode(k).getName()))) {
                group.add(k);
            }
        }
        Integer inProj = null;
        Integer outProj = null;
        int softmaxes = 0;
        for (int k : group) {
            NodeProto n = g.graph.getNode(k);
            Const w = n.getInputCount() > 1 ? g.constant(n.getInput(1)) : null;
            if (n.getOpType().equals("MatMul") && w != null && w.dims().length == 2 && w.dims()[1] == 3 * w.dims()[0]) {
                inProj = k;
            } else if (n.getOpType().equals("Gemm") && w != null && w.dims().length == 2 && w.dims()[0] == w.dims()[1]) {
                outProj = k;
            }
            softmaxes += n.getOpType().equals("Softmax") ? 1 : 0;
        }
        int first = group.get(0);
        int last = group.get(group.size() - 1);
        NodeProto enter = g.graph.getNode(first);
        NodeProto leave = g.graph.getNode(last);
        if (inProj == null || outProj == null || softmaxes != 1 || !enter.getOpType().equals("Transpose")
                || !java.util.Arrays.equals(OnnxImport.attrInts(enter, "perm", null), new long[] {1, 0, 2})
                || !leave.getOpType().equals("Transpose") || !outsideOnly(group, leave.getOutput(0))) {
            return;
        }
        NodeProto in = g.graph.getNode(inProj);
        NodeProto out = g.graph.getNode(outProj);
        Const inW = g.constant(in.getInput(1)); // [E, 3E]: the in-projection transposed
        int e = (int) inW.dims()[0];
        Integer addBias = null;
        Const inB = null;
        for (int k : group) {
            NodeProto n = g.graph.getNode(k);
            if (n.getOpType().equals("Add") && n.getInputList().contains(in.getOutput(0))) {
                addBias = k;
                inB = bias(n);
            }
        }
        Integer reshape = null;
        for (int k : group) {
            if (op(k, "Reshape")) {
                reshape = k;
                break;
            }
        }
        int heads = reshape == null ? -1 : headsOf(g.graph.getNode(reshape), e);
        Const outB = out.getInputCount() > 2 ? g.constant(out.getInput(2)) : null;
        if (addBias == null || inB == null || heads < 1 || OnnxImport.attrI(out, "transB", 0) != 1) {
            return;
        }
        // The in-projection was planned as a Linear (with its bias Add) when its node came by: undo that.
        OnnxModule.Planned linear = g.plan.layers.remove(inProj);
        if (linear != null) {
            g.names.remove(linear.name());
            g.start.keySet().removeIf(k -> k.startsWith(linear.name() + "."));
        }
        g.plan.folded.remove(addBias);
        String name = path.replace('/', '.');
        g.plan.layers.put(last, new OnnxModule.Planned(uniqueName(name), Layers.multiheadAttention(e, heads), enter.getInput(0)));
        for (int k : group) {
            if (k != last) {
                g.plan.absorbed.add(k);
            }
        }
        String layer = g.plan.layers.get(last).name();
        g.start.put(layer + ".in_proj_weight", dev.netdsl.internal.Layouts.transpose(inW.floats(), e, 3 * e));
        g.start.put(layer + ".in_proj_bias", inB.floats());
        g.start.put(layer + ".out_proj.weight", g.constant(out.getInput(1)).floats());
        g.start.put(layer + ".out_proj.bias", outB == null ? new float[e] : outB.floats());
    }

    /** The heads of a reshape to [T, batch * heads, E / heads]: E over its last size, if that is a constant. */
    private int headsOf(NodeProto reshape, int e) {
        Integer concat = g.producer.get(reshape.getInput(1));
        if (concat == null || !op(concat, "Concat")) {
            return -1;
        }
        NodeProto c = g.graph.getNode(concat);
        String lastPart = c.getInput(c.getInputCount() - 1);
        Const d = valueOf(lastPart);
        Integer p = g.producer.get(lastPart);
        // PyTorch writes the head size as Unsqueeze(Cast(Cast(Div(E, heads)))): follow it to the Div's divisor.
        for (int depth = 0; d == null && p != null && depth < 5; depth++) {
            NodeProto n = g.graph.getNode(p);
            if (n.getOpType().equals("Div")) {
                Const heads = valueOf(n.getInput(1));
                return heads == null || heads.v().length != 1 ? -1 : (int) heads.v()[0];
            }
            p = g.producer.get(n.getInput(0));
        }
        return d == null || d.v().length != 1 || d.v()[0] < 1 ? -1 : (int) (e / d.v()[0]);
    }

    /** True if {@code value} is read only by nodes outside {@code group} (the group's one way out). */
    private boolean outsideOnly(java.util.List<Integer> group, String value) {
        for (int k = 0; k < g.graph.getNodeCount(); k++) {
            if (!group.contains(k) && g.graph.getNode(k).getInputList().contains(value)) {
                return true;
            }
        }
        return g.graph.getOutputList().stream().anyMatch(v -> v.getName().equals(value));
    }

    /** {@code enc/self_attn} of a node named {@code /enc/self_attn/Softmax}; null for a name without a module path. */
    private static String modulePath(String node) {
        int end = node.lastIndexOf('/');
        return node.startsWith("/") && end > 1 ? node.substring(1, end) : null;
    }

    /** An initializer's value, or a Constant node's; null for a computed value. */
    private Const valueOf(String name) {
        Const c = g.constant(name);
        Integer p = g.producer.get(name);
        if (c == null && p != null && op(p, "Constant") && g.graph.getNode(p).getAttribute(0).getName().equals("value")) {
            TensorProto t = g.graph.getNode(p).getAttribute(0).getT();
            c = new Const(OnnxReader.values(t, "a Constant"), OnnxReader.dims(t), t.getDataType(), false);
        }
        return c;
    }

    /** The node of type {@code op} that gives one of {@code n}'s two inputs, or null. */
    private Integer producerOf(NodeProto n, String op) {
        for (String in : n.getInputList()) {
            Integer p = g.producer.get(in);
            if (p != null && op(p, op)) {
                return p;
            }
        }
        return null;
    }

    /** The 1-D float initializer among {@code n}'s inputs, or null. */
    private Const bias(NodeProto n) {
        for (String in : n.getInputList()) {
            Const c = g.constant(in);
            if (c != null && c.dims().length == 1 && c.dataType() == TensorProto.DataType.FLOAT_VALUE) {
                return c;
            }
        }
        return null;
    }

    private boolean op(int node, String type) {
        return g.graph.getNode(node).getOpType().equals(type);
    }

    /**
     * The layer's name: the module path of a PyTorch initializer ({@code fc1.weight} gives {@code fc1}), else of the
     * node ({@code /rnn/LSTM} gives {@code rnn}), else the op and its index; made unique.
     */
    private String layerName(int i, String tensor) {
        String name = null;
        int dot = tensor.lastIndexOf('.');
        // An initializer, or an Identity of one (PyTorch names a deduplicated tensor so: enc.norm2.weight).
        if (!tensor.contains("::") && dot > 0 && (g.constants.containsKey(tensor) || g.aliases.containsKey(tensor))) {
            name = tensor.substring(0, dot);
        }
        String node = g.graph.getNode(i).getName();
        if (name == null && node.startsWith("/") && node.lastIndexOf('/') > 0) {
            String path = node.substring(1, node.lastIndexOf('/'));
            name = path.substring(path.lastIndexOf('/') + 1);
        }
        if (name == null || name.isEmpty()) {
            name = g.graph.getNode(i).getOpType().toLowerCase(java.util.Locale.ROOT) + i;
        }
        return uniqueName(name);
    }

    /** {@code name} with characters a layer name can't hold replaced, made unique among the net's layers. */
    private String uniqueName(String name) {
        String clean = name.replaceAll("[^A-Za-z0-9_.]", "_").replaceAll("^\\.+|\\.+$", "").replaceAll("\\.\\.+", ".");
        String unique = clean;
        for (int k = 2; !g.names.add(unique); k++) {
            unique = clean + "_" + k;
        }
        return unique;
    }

    private static float[] transpose(Const w) {
        return dev.netdsl.internal.Layouts.transpose(w.floats(), (int) w.dims()[0], (int) w.dims()[1]);
    }
}
