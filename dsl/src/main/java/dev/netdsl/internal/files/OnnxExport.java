package dev.netdsl.internal.files;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.Expr;
import dev.netdsl.Model;
import dev.netdsl.Parameter;
import dev.netdsl.internal.ParamRef;
import dev.netdsl.internal.engine.NetGraph;
import dev.netdsl.internal.onnx.OnnxWriter;
import dev.netdsl.layers.Layer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A built model's inference forward pass as an ONNX file's bytes ({@link Model#exportOnnx}). */
public final class OnnxExport implements OnnxWriter.Source {
    private final NetGraph g;
    private final Map<String, Parameter> values = new HashMap<>();

    private OnnxExport(NetGraph g, List<Parameter> state) {
        this.g = g;
        state.forEach(p -> values.put(p.name(), p));
    }

    /** The ONNX model of {@code g}'s forward pass with the values in {@code state} (parameters and buffers). */
    static byte[] bytes(NetGraph g, List<Parameter> state) {
        return OnnxWriter.write(new OnnxExport(g, state), "netdsl", g.net.toString());
    }

    @Override
    public Expr input() {
        return access().inputExpr(g.net);
    }

    @Override
    public Expr output() {
        return access().forward(g.net, input());
    }

    @Override
    public Expr expand(Layer layer, Expr input) {
        return g.inferenceForward(layer, input);
    }

    @Override
    public OnnxWriter.Initial parameter(ParamRef ref) {
        NetGraph.Tensor t = g.tensor(ref);
        return new OnnxWriter.Initial(t.name(), t.spec().shape(), t.spec().storage(), values.get(t.name()).values());
    }

    @Override
    public String name(Layer layer) {
        List<Layer> layers = g.net.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) == layer) {
                return g.net.layerNames().get(i);
            }
        }
        return layer.typeName();
    }
}
