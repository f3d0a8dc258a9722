package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.internal.Check;
import dev.netdsl.layers.Settings;
import java.util.List;

/**
 * RMSprop as {@code torch.optim.RMSprop(lr, alpha, eps)}: {@code v = alpha*v + (1-alpha)*g^2;
 * p -= lr * g / (sqrt(v) + eps)}. Create with {@link Optimizers#rmsprop(double)}.
 */
public record RMSprop(double learningRate, double alpha, double epsilon, GradientRules rules) implements Optimizer {
    /** @throws IllegalArgumentException for a bad learning rate, alpha or epsilon */
    public RMSprop {
        Check.learningRate("rmsprop", learningRate);
        Check.unitInterval("rmsprop", "alpha", alpha);
        Check.positiveFinite("rmsprop", "epsilon", epsilon);
        java.util.Objects.requireNonNull(rules, "rules");
    }

    /** Rebuilds it from {@code lr}, {@code alpha} and {@code eps}. */
    public static RMSprop fromSettings(Settings s) {
        return new RMSprop(s.getDouble("lr"), s.getDouble("alpha"), s.getDouble("eps"), GradientRules.from(s));
    }

    @Override
    public GradientRules gradientRules() {
        return rules;
    }

    @Override
    public RMSprop withGradientRules(GradientRules r) {
        return new RMSprop(learningRate, alpha, epsilon, r);
    }

    @Override
    public String typeName() {
        return "RMSprop";
    }

    @Override
    public Settings settings() {
        return rules.addTo(Settings.of("lr", learningRate, "alpha", alpha, "eps", epsilon));
    }

    @Override
    public List<String> stateNames() {
        return List.of("square_avg");
    }

    @Override
    public Update update(Expr p, Expr g, List<Expr> state, Expr lr, Expr t) {
        Expr a = Expr.scalar(alpha);
        Expr v = a.times(state.get(0)).plus(Expr.scalar(1).minus(a).times(g.square()));
        return new Update(p.minus(lr.times(g.div(v.sqrt().plus(Expr.scalar(epsilon))))), List.of(v));
    }

    @Override
    public String toString() {
        return "RMSprop(lr=" + learningRate + ", alpha=" + alpha + ", eps=" + epsilon + rules.repr() + ")";
    }
}
