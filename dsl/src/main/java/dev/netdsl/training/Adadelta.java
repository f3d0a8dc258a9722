package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.internal.Check;
import dev.netdsl.layers.Settings;
import java.util.List;

/**
 * Adadelta as {@code torch.optim.Adadelta(lr, rho, eps)}: {@code v = rho*v + (1-rho)*g^2;
 * d = sqrt(u+eps)/sqrt(v+eps)*g; u = rho*u + (1-rho)*d^2; p -= lr*d}. Create with
 * {@link Optimizers#adadelta()}.
 */
public record Adadelta(double learningRate, double rho, double epsilon, GradientRules rules) implements Optimizer {
    /** @throws IllegalArgumentException for a bad learning rate, rho or epsilon */
    public Adadelta {
        Check.learningRate("adadelta", learningRate);
        Check.unitInterval("adadelta", "rho", rho);
        Check.positiveFinite("adadelta", "epsilon", epsilon);
        java.util.Objects.requireNonNull(rules, "rules");
    }

    /** Rebuilds it from {@code lr}, {@code rho} and {@code eps}. */
    public static Adadelta fromSettings(Settings s) {
        return new Adadelta(s.getDouble("lr"), s.getDouble("rho"), s.getDouble("eps"), GradientRules.from(s));
    }

    @Override
    public GradientRules gradientRules() {
        return rules;
    }

    @Override
    public Adadelta withGradientRules(GradientRules r) {
        return new Adadelta(learningRate, rho, epsilon, r);
    }

    @Override
    public String typeName() {
        return "Adadelta";
    }

    @Override
    public Settings settings() {
        return rules.addTo(Settings.of("lr", learningRate, "rho", rho, "eps", epsilon));
    }

    @Override
    public List<String> stateNames() {
        return List.of("square_avg", "acc_delta");
    }

    @Override
    public Update update(Expr p, Expr g, List<Expr> state, Expr lr, Expr t) {
        Expr r = Expr.scalar(rho);
        Expr eps = Expr.scalar(epsilon);
        Expr oneMinus = Expr.scalar(1).minus(r);
        Expr v = r.times(state.get(0)).plus(oneMinus.times(g.square()));
        Expr delta = state.get(1).plus(eps).sqrt().div(v.plus(eps).sqrt()).times(g);
        Expr u = r.times(state.get(1)).plus(oneMinus.times(delta.square()));
        return new Update(p.minus(lr.times(delta)), List.of(v, u));
    }

    @Override
    public String toString() {
        return "Adadelta(lr=" + learningRate + ", rho=" + rho + ", eps=" + epsilon + rules.repr() + ")";
    }
}
