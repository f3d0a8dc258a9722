package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.internal.Check;
import dev.netdsl.layers.Settings;
import java.util.List;

/**
 * AdamW, {@code torch.optim.AdamW(lr, betas, eps, weight_decay)}: Adam with decoupled weight decay,
 * {@code p *= 1 - lr*wd} before Adam's step (not L2 added to the gradient). Create with
 * {@link Optimizers#adamW(double, double)}.
 */
public record AdamW(double learningRate, double beta1, double beta2, double epsilon, double decay, GradientRules rules)
        implements Optimizer {
    /** @throws IllegalArgumentException for a bad learning rate, beta, epsilon or weight decay */
    public AdamW {
        Check.learningRate("adamW", learningRate);
        Check.unitInterval("adamW", "beta1", beta1);
        Check.unitInterval("adamW", "beta2", beta2);
        Check.positiveFinite("adamW", "epsilon", epsilon);
        if (!(decay >= 0) || Double.isInfinite(decay)) {
            throw new IllegalArgumentException("adamW: weight decay " + decay + " must be 0 or more and finite, e.g. 0.01");
        }
        java.util.Objects.requireNonNull(rules, "rules");
    }

    /** Rebuilds it from {@code lr}, {@code betas}, {@code eps}, {@code decoupled_weight_decay} and the gradient rules. */
    public static AdamW fromSettings(Settings s) {
        double[] betas = s.getDoubles("betas", 2);
        return new AdamW(s.getDouble("lr"), betas[0], betas[1], s.getDouble("eps"), s.getDouble("decoupled_weight_decay"),
                GradientRules.from(s));
    }

    @Override
    public GradientRules gradientRules() {
        return rules;
    }

    @Override
    public AdamW withGradientRules(GradientRules r) {
        return new AdamW(learningRate, beta1, beta2, epsilon, decay, r);
    }

    @Override
    public String typeName() {
        return "AdamW";
    }

    @Override
    public Settings settings() {
        return rules.addTo(Settings.of("lr", learningRate, "betas", new double[] {beta1, beta2}, "eps", epsilon,
                "decoupled_weight_decay", decay));
    }

    @Override
    public List<String> stateNames() {
        return List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    public boolean countsSteps() {
        return true;
    }

    @Override
    public Update update(Expr p, Expr g, List<Expr> state, Expr lr, Expr t) {
        // PyTorch: param.mul_(1 - lr * weight_decay), then Adam's step from the decayed value.
        Expr decayed = p.times(Expr.scalar(1).minus(lr.times(Expr.scalar(decay))));
        return new Adam(learningRate, beta1, beta2, epsilon, GradientRules.NONE).update(decayed, g, state, lr, t);
    }

    @Override
    public String toString() {
        return "AdamW(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon + ", weight_decay=" + decay
                + rules.repr() + ")";
    }
}
