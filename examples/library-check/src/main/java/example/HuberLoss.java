package example;

import dev.netdsl.Expr;
import dev.netdsl.layers.Settings;
import dev.netdsl.training.Loss;
import dev.netdsl.training.Targets;

/**
 * A loss written outside NetDSL: PyTorch's {@code nn.HuberLoss(delta)}, {@code 0.5 d^2} for
 * {@code |d| < delta} and {@code delta (|d| - 0.5 delta)} beyond, averaged.
 */
public record HuberLoss(double delta) implements Loss {
    /** Rebuilds it from a model file; register it with {@code Losses.register("HuberLoss", HuberLoss::fromSettings)}. */
    public static HuberLoss fromSettings(Settings s) {
        return new HuberLoss(s.getDouble("delta"));
    }

    @Override
    public String typeName() {
        return "HuberLoss";
    }

    @Override
    public Settings settings() {
        return Settings.of("delta", delta);
    }

    @Override
    public Targets targets() {
        return Targets.VALUES;
    }

    @Override
    public Expr elementwise(Expr output, Expr target) {
        Expr d = output.minus(target).abs();
        Expr quadratic = d.minimum(Expr.scalar(delta));
        Expr linear = d.minus(quadratic);
        return quadratic.square().times(0.5).plus(linear.times(delta));
    }
}
