package dev.netdsl.layers;

import dev.netdsl.Expr;
import dev.netdsl.internal.LayerNodes;
import java.util.List;

/**
 * What the lazy layers share (PyTorch's {@code LazyLinear}, {@code LazyConv2d}, ...): a size left to the
 * input, filled in by {@link #resolve}, which makes a new concrete layer and changes nothing here. Until
 * then the layer has no parameters; its output shape and forward pass are the resolved layer's.
 */
abstract class LazyLayer implements Layer {

    /** The explicit call to suggest when the input is not known, e.g. {@code linear(in, 128)}. */
    abstract String explicit();

    @Override
    public final boolean lazy() {
        return true;
    }

    @Override
    public abstract Layer resolve(int[] input);

    @Override
    public final List<ParameterSpec> parameters() {
        throw new IllegalStateException(this + " takes its input size from the layer before it, so it has parameters only"
                + " in a net whose input shape is known; use it in a Net (stating the example shape with .input(...) if the"
                + " first layer does not fix it), or give the size: " + explicit());
    }

    @Override
    public final List<ParameterSpec> buffers() {
        return parameters();
    }

    @Override
    public final int[] outputShape(int[] input) {
        return resolve(input).outputShape(input);
    }

    @Override
    public final Expr forward(Expr x, LayerContext context) {
        return resolve(LayerNodes.example(x.shape())).forward(x, context);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((LazyLayer) o).settings().equals(settings());
    }

    @Override
    public int hashCode() {
        return 31 * getClass().hashCode() + settings().hashCode();
    }
}
