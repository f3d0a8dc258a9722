package dev.netdsl.internal.files;

import dev.netdsl.internal.files.OnnxModule.Const;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.layers.Layers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Groups of nodes that are one PyTorch layer written out op by op ({@link OnnxImport} plans them before
 * {@link OnnxLayers} plans single nodes): a LayerNorm and an nn.MultiheadAttention before opset 17. Each group becomes
 * one layer, planned at its last node and reading the group's input, under PyTorch's names; its other nodes are absorbed.
 */
public final class OnnxPatterns {
    private final OnnxImport g;

    OnnxPatterns(OnnxImport g) {
        this.g = g;
    }

    /** Plans the group that ends (layer norm) or centres (attention) at node {@code i}, if it is one. */
    void plan(int i) {
        if (g.plan.absorbed.contains(i)) {
            return;
        }
        NodeProto n = g.graph.getNode(i);
        switch (n.getOpType()) {
            case "Add" -> writtenOutLayerNorm(i, n);
            case "Softmax" -> writtenOutAttention(i, n);
            default -> {
            }
        }
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
        Const epsilon = g.valueOf(e.getInput(1));
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
        String name = g.layerName(i, weight);
        g.plan.layers.put(i, new OnnxModule.Planned(name, Layers.layerNorm(dim).eps(epsilon.v()[0]), sb.getInput(0)));
        g.plan.absorbed.addAll(List.of(mean, sub, pow, var, eps, sqrt, div, mul));
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
        List<Integer> group = new ArrayList<>();
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
                || !Arrays.equals(OnnxImport.attrInts(enter, "perm", null), new long[] {1, 0, 2})
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
        String name = path.replace('/', '.');
        g.plan.layers.put(last, new OnnxModule.Planned(g.uniqueName(name), Layers.multiheadAttention(e, heads), enter.getInput(0)));
        for (int k : group) {
            if (k != last) {
                g.plan.absorbed.add(k);
            }
        }
        String layer = g.plan.layers.get(last).name();
        g.start.put(layer + ".in_proj_weight", inW.transposed().floats());
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
        Const d = g.valueOf(lastPart);
        Integer p = g.producer.get(lastPart);
        // PyTorch writes the head size as Unsqueeze(Cast(Cast(Div(E, heads)))): follow it to the Div's divisor.
        for (int depth = 0; d == null && p != null && depth < 5; depth++) {
            NodeProto n = g.graph.getNode(p);
            if (n.getOpType().equals("Div")) {
                Const heads = g.valueOf(n.getInput(1));
                return heads == null || heads.v().length != 1 ? -1 : (int) heads.v()[0];
            }
            p = g.producer.get(n.getInput(0));
        }
        return d == null || d.v().length != 1 || d.v()[0] < 1 ? -1 : (int) (e / d.v()[0]);
    }

    /** True if {@code value} is read only by nodes outside {@code group} (the group's one way out). */
    private boolean outsideOnly(List<Integer> group, String value) {
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
}
