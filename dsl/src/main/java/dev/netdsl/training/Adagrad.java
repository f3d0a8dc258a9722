package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.internal.Check;
import dev.netdsl.layers.Settings;
import java.util.List;

/**
 * Adagrad as {@code torch.optim.Adagrad(lr, eps)} (no decay, zero initial accumulator):
 * {@code s += g^2; p -= lr * g / (sqrt(s) + eps)}. Create with {@link Optimizers#adagrad(double)}.
 */
public record Adagrad(double learningRate, double epsilon, GradientRules rules) implements Optimizer {
    /** @throws IllegalArgumentException for a bad learning rate or epsilon */
    public Adagrad {
        Check.learningRate("adagrad", learningRate);
        Check.positiveFinite("adagrad", "epsilon", epsilon);
        java.util.Objects.requireNonNull(rules, "rules");
    }

    /** Rebuilds it from {@code lr} and {@code eps}. */
    public static Adagrad fromSettings(Settings s) {
        return new Adagrad(s.getDouble("lr"), s.getDouble("eps"), GradientRules.from(s));
    }

    @Override
    public GradientRules gradientRules() {
        return rules;
    }

    @Override
    public Adagrad withGradientRules(GradientRules r) {
        return new Adagrad(learningRate, epsilon, r);
    }

    @Override
    public String typeName() {
        return "Adagrad";
    }

    @Override
    public Settings settings() {
        return rules.addTo(Settings.of("lr", learningRate, "eps", epsilon));
    }

    @Override
    public List<String> stateNames() {
        return List.of("sum");
    }

    @Override
    public Update update(Expr p, Expr g, List<Expr> state, Expr lr, Expr t) {
        Expr sum = state.get(0).plus(g.square());
        return new Update(p.minus(lr.times(g.div(sum.sqrt().plus(Expr.scalar(epsilon))))), List.of(sum));
    }

    @Override
    public String toString() {
        return "Adagrad(lr=" + learningRate + ", eps=" + epsilon + rules.repr() + ")";
    }
}
