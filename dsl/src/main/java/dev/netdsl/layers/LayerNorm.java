package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code nn.LayerNorm(normalized_shape, eps=1e-5)}: each example normalised over its last
 * axes (those of {@code normalized_shape}) with the biased variance, then scaled by {@code weight} (ones)
 * and shifted by {@code bias} (zeros), the same in training and inference. Create with
 * {@link Layers#layerNorm(int...)}.
 */
public final class LayerNorm implements Layer {
    private final int[] shape;
    private final double eps;

    LayerNorm(int[] shape, double eps) {
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 1) || !(eps > 0)) {
            throw new IllegalArgumentException("layerNorm" + Arrays.toString(shape).replace('[', '(').replace(']', ')')
                    + ": needs one or more sizes of at least 1, and a positive eps (" + eps + ")");
        }
        this.shape = shape.clone();
        this.eps = eps;
    }

    /** Rebuilds it from {@code normalized_shape} and {@code eps}. */
    public static LayerNorm fromSettings(Settings s) {
        return new LayerNorm(s.getInts("normalized_shape"), s.getDouble("eps"));
    }

    /** A copy with {@code eps} added to the variance. */
    public LayerNorm eps(double eps) {
        return new LayerNorm(shape, eps);
    }

    @Override
    public String typeName() {
        return "LayerNorm";
    }

    @Override
    public Settings settings() {
        return Settings.of("normalized_shape", shape, "eps", eps);
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.of("weight", Initializers.constant(1), shape), ParameterSpec.of("bias", Initializers.zeros(), shape));
    }

    @Override
    public DType outputType(DType input) {
        return FloatLayers.check(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length < shape.length
                || !Arrays.equals(Arrays.copyOfRange(input, input.length - shape.length, input.length), shape)) {
            throw new IllegalArgumentException(this + " normalises examples ending in " + Arrays.toString(shape) + " but gets "
                    + Arrays.toString(input));
        }
        return input.clone();
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        return x.layerNorm(context.parameter("weight"), context.parameter("bias"), shape.length, eps);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerNorm l && Arrays.equals(l.shape, shape) && l.eps == eps;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "LayerNorm(" + (shape.length == 1 ? "(" + shape[0] + ",)" : Arrays.toString(shape).replace('[', '(').replace(']', ')'))
                + ", eps=" + eps + ", elementwise_affine=True)";
    }
}
