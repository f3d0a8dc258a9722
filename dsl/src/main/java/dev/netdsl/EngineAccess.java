package dev.netdsl;

import dev.netdsl.internal.engine.Access;
import dev.netdsl.internal.engine.FitState;
import dev.netdsl.internal.engine.NetGraph;
import dev.netdsl.internal.engine.Trainer;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Module;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The engine's view of the public types' package-private members; installed by {@link Model}. */
final class EngineAccess extends Access {
    @Override
    public Expr inputExpr(Net net) {
        return NetStructure.inputExpr(net);
    }

    @Override
    public Expr forward(Net net, Expr x) {
        return NetStructure.forward(net, x);
    }

    @Override
    public List<Layer> resolvedLayers(Net net) {
        return net.resolvedLayers();
    }

    @Override
    public int[] firstUses(Net net) {
        return NetStructure.firstUses(net.layers());
    }

    @Override
    public Net forwardOnly(Net net) {
        return net.forwardOnly();
    }

    @Override
    public Net module(Module module, DType type, int... exampleShape) {
        return Net.module(module, type, exampleShape);
    }

    @Override
    public Model model(Net net, Device device) {
        return new Model(net, device);
    }

    @Override
    public NetGraph graph(Model model) {
        return model.graph();
    }

    @Override
    public Trainer trainer(Model model) {
        return model.trainer();
    }

    @Override
    public void saveAll(Model model, Path path, FitState fit) {
        model.saveAll(path, fit);
    }

    @Override
    public Dataset subset(Dataset data, int[] indices, int from, int to) {
        return DatasetRows.subset(data, indices, from, to);
    }

    @Override
    public Dataset.Split split(Dataset data, double share, long seed, String call) {
        return DatasetRows.split(data, share, seed, call);
    }

    @Override
    public float[] xData(Dataset data) {
        return data.x;
    }

    @Override
    public int[] idData(Dataset data) {
        return data.ids;
    }

    @Override
    public float[] yData(Dataset data) {
        return data.y;
    }

    @Override
    public int[] labelData(Dataset data) {
        return data.labels;
    }

    @Override
    public int maxLabel(Dataset data) {
        return DatasetRows.maxLabel(data);
    }

    @Override
    public Tensor wrap(float[] values, int... shape) {
        return Tensor.wrap(values, shape);
    }

    @Override
    public float[] data(Tensor t) {
        return t.data();
    }

    @Override
    public int[] intData(Tensor t) {
        return t.intData();
    }

    @Override
    public Evaluation regression(double loss, double mae, double r2) {
        return Evaluation.regression(loss, mae, r2);
    }

    @Override
    public History history(float[] losses, double seconds, List<Map<String, Double>> epochs) {
        return new History(losses, seconds, epochs);
    }
}
