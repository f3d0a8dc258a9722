package example;

import dev.netdsl.Expr;
import dev.netdsl.layers.Initializers;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.LayerContext;
import dev.netdsl.layers.ParameterSpec;
import dev.netdsl.layers.Settings;
import java.util.List;

/**
 * A layer written outside NetDSL, as a user would: PyTorch's {@code nn.PReLU(num_parameters, init)},
 * {@code max(0, x) + a * min(0, x)} with a learned slope {@code a} per feature (named {@code weight}, as
 * PyTorch names it).
 */
public final class PReLU implements Layer {
    private final int features;
    private final double init;

    public PReLU(int features, double init) {
        this.features = features;
        this.init = init;
    }

    /** Rebuilds it from a model file; register it with {@code Layers.register("PReLU", PReLU::fromSettings)}. */
    public static PReLU fromSettings(Settings s) {
        return new PReLU(s.getInt("num_parameters"), s.getDouble("init"));
    }

    @Override
    public String typeName() {
        return "PReLU";
    }

    @Override
    public Settings settings() {
        return Settings.of("num_parameters", features, "init", init);
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.of("weight", Initializers.constant(init), features));
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length != 1 || input[0] != features) {
            throw new IllegalArgumentException(this + " expects " + features + " features per example");
        }
        return input;
    }

    @Override
    public Expr forward(Expr x, LayerContext context) {
        Expr slope = context.parameter("weight");
        return x.relu().plus(slope.times(x.minimum(Expr.scalar(0))));
    }

    @Override
    public String toString() {
        return "PReLU(num_parameters=" + features + ")";
    }
}
