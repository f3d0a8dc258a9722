package dev.netdsl.internal.files;

import dev.netdsl.internal.files.OnnxModule.Const;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxProto.ValueInfoProto;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Layers;
import dev.netdsl.layers.Settings;
import java.util.Set;

/**
 * The layers an ONNX graph's parametrised nodes become ({@link OnnxImport}): Gemm and MatMul (with the Add of
 * its bias) as Linear, Conv, BatchNormalization, Gather over a table as Embedding, LSTM and GRU, LayerNormalization;
 * each under its PyTorch name, with its start values in PyTorch's layout.
 */
public final class OnnxLayers {
    private final OnnxImport g;

    OnnxLayers(OnnxImport g) {
        this.g = g;
    }

    void plan(int i) {
        NodeProto n = g.graph.getNode(i);
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
        String name = g.layerName(i, n.getInput(1));
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
        String name = g.layerName(i, add != null ? biasName(g.graph.getNode(add), output) : n.getInput(1));
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
        String name = g.layerName(i, n.getInput(1));
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
        String name = g.layerName(i, n.getInput(1));
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
        String name = g.layerName(i, n.getInput(0));
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
        String name = g.layerName(i, "");
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
                Const shape = g.valueOf(n.getInput(1));
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
        String name = g.layerName(i, n.getInput(1));
        g.plan.layers.put(i, new OnnxModule.Planned(name, Layers.layerNorm(dim).eps(OnnxImport.attrF(n, "epsilon", 1e-5f))));
        g.start.put(name + ".weight", scale.floats());
        g.start.put(name + ".bias", b == null ? new float[dim] : b.floats());
    }

    private static float[] transpose(Const w) {
        return w.transposed().floats();
    }
}
