package example;

import dev.netdsl.Expr;
import dev.netdsl.layers.Settings;
import dev.netdsl.training.Kernels;
import dev.netdsl.training.Optimizer;
import java.util.List;

/**
 * An optimizer written outside NetDSL, with its own fused kernel: SGD followed by the proximal step of an L1 and an
 * L2 penalty (FOBOS), TensorFlow's {@code ApplyProximalGradientDescent}: {@code v = p - lr g}, then
 * {@code p = sign(v) max(|v| - lr l1, 0) / (1 + lr l2)}. Small weights go to exactly zero.
 */
public record ProximalSGD(double learningRate, double l1, double l2) implements Optimizer {
    /** Rebuilds it from a model file; register it with {@code Optimizers.register("ProximalSGD", ProximalSGD::fromSettings)}. */
    public static ProximalSGD fromSettings(Settings s) {
        return new ProximalSGD(s.getDouble("lr"), s.getDouble("l1"), s.getDouble("l2"));
    }

    @Override
    public String typeName() {
        return "ProximalSGD";
    }

    @Override
    public Settings settings() {
        return Settings.of("lr", learningRate, "l1", l1, "l2", l2);
    }

    @Override
    public List<String> stateNames() {
        return List.of();
    }

    /** The rule, for the fused training loop: {@code max(v - t, 0) + min(v + t, 0)} is {@code sign(v) max(|v| - t, 0)}. */
    @Override
    public Update update(Expr p, Expr g, List<Expr> state, Expr lr, Expr step) {
        Expr v = p.minus(lr.times(g));
        Expr t = lr.times(l1);
        Expr zero = Expr.scalar(0);
        Expr shrunk = v.minus(t).maximum(zero).plus(v.plus(t).minimum(zero));
        return new Optimizer.Update(shrunk.div(lr.times(l2).plus(1)), List.of());
    }

    /** The same rule as one TensorFlow kernel per parameter, for steps that update the variables in place. */
    @Override
    public boolean updateInPlace(Kernels kernels, Kernels.Variable p, List<Kernels.Variable> state, Expr g, Expr lr, Expr step) {
        kernels.op("ApplyProximalGradientDescent").input(p).input(lr).input(Expr.scalar(l1)).input(Expr.scalar(l2)).input(g).add();
        return true;
    }
}
