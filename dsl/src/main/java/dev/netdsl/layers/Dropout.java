package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;

/**
 * PyTorch's {@code nn.Dropout(p)}: in training, each element is zeroed with probability {@code p} and the
 * rest are scaled by {@code 1/(1-p)}; in inference it passes its input through. The mask is drawn anew at
 * every step, the same for a given seed and step. Create with {@link Layers#dropout(double)}.
 */
public final class Dropout implements Layer {
    private final double p;

    Dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout(" + p + "): the drop probability must be in [0, 1), e.g. 0.25");
        }
        this.p = p;
    }

    /** Rebuilds it from {@code p}. */
    public static Dropout fromSettings(Settings s) {
        return new Dropout(s.getDouble("p"));
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    @Override
    public String typeName() {
        return "Dropout";
    }

    @Override
    public Settings settings() {
        return Settings.of("p", p);
    }

    @Override
    public DType outputType(DType input) {
        return FloatLayers.check(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        return input.clone();
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        if (!context.training() || p == 0) {
            return x;
        }
        // Kept with probability 1 - p: the uniform draw is at least p.
        return x.times(context.uniform(x).greaterEqual(p)).times(1 / (1 - p));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dropout d && d.p == p;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(p);
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
