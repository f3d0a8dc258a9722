package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.internal.Check;
import dev.netdsl.layers.Settings;
import java.util.List;

/**
 * Adam, {@code torch.optim.Adam(lr, betas=(beta1, beta2), eps)} with bias correction exactly as PyTorch
 * computes it: {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}. Create with
 * {@link Optimizers#adam(double)}.
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon, GradientRules rules) implements Optimizer {
    /** @throws IllegalArgumentException for a bad learning rate, beta or epsilon */
    public Adam {
        Check.learningRate("adam", learningRate);
        Check.unitInterval("adam", "beta1", beta1);
        Check.unitInterval("adam", "beta2", beta2);
        Check.positiveFinite("adam", "epsilon", epsilon);
        java.util.Objects.requireNonNull(rules, "rules");
    }

    /** Rebuilds it from {@code lr}, {@code betas}, {@code eps} and the gradient rules. */
    public static Adam fromSettings(Settings s) {
        double[] betas = s.getDoubles("betas", 2);
        return new Adam(s.getDouble("lr"), betas[0], betas[1], s.getDouble("eps"), GradientRules.from(s));
    }

    @Override
    public GradientRules gradientRules() {
        return rules;
    }

    @Override
    public Adam withGradientRules(GradientRules r) {
        return new Adam(learningRate, beta1, beta2, epsilon, r);
    }

    /** A copy adding L2 weight decay to the gradient, like {@code torch.optim.Adam(weight_decay=wd)} (see AdamW for decoupled). */
    @Override
    public Adam weightDecay(double wd) {
        return withGradientRules(rules.withWeightDecay(wd));
    }

    @Override
    public String typeName() {
        return "Adam";
    }

    @Override
    public Settings settings() {
        return rules.addTo(Settings.of("lr", learningRate, "betas", new double[] {beta1, beta2}, "eps", epsilon));
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
        Expr one = Expr.scalar(1);
        Expr b1 = Expr.scalar(beta1);
        Expr b2 = Expr.scalar(beta2);
        Expr m = b1.times(state.get(0)).plus(one.minus(b1).times(g));
        Expr v = b2.times(state.get(1)).plus(one.minus(b2).times(g.square()));
        Expr c1 = one.minus(b1.pow(t));
        Expr c2 = one.minus(b2.pow(t)).sqrt();
        Expr step = m.div(c1).div(v.sqrt().div(c2).plus(Expr.scalar(epsilon)));
        return new Update(p.minus(lr.times(step)), List.of(m, v));
    }

    /**
     * TensorFlow's {@code ApplyAdam}, which uses {@code lr_t = lr*sqrt(1-b2^t)/(1-b1^t)} and divides by
     * {@code sqrt(v)+eps}, where PyTorch divides by {@code sqrt(v)/sqrt(1-b2^t)+eps}: {@code eps*sqrt(1-b2^t)}
     * as its epsilon makes them equal.
     */
    @Override
    public boolean updateInPlace(Kernels kernels, Kernels.Variable p, List<Kernels.Variable> state, Expr g, Expr lr, Expr t) {
        Expr b1 = Expr.scalar(beta1);
        Expr b2 = Expr.scalar(beta2);
        Expr b1Power = b1.pow(t);
        Expr b2Power = b2.pow(t);
        Expr eps = Expr.scalar(epsilon).times(Expr.scalar(1).minus(b2Power).sqrt());
        kernels.op("ApplyAdam").input(p).input(state.get(0)).input(state.get(1)).input(b1Power).input(b2Power).input(lr)
                .input(b1).input(b2).input(eps).input(g).add();
        return true;
    }

    @Override
    public String netCall() {
        boolean defaults = beta1 == 0.9 && beta2 == 0.999 && epsilon == 1e-8;
        if (defaults && rules.equals(GradientRules.NONE)) {
            return "adam(" + learningRate + ")";
        }
        return "optimizer(Optimizers." + (defaults ? "adam(" + learningRate + ")" : "adam(" + learningRate + ", " + beta1 + ", "
                + beta2 + ", " + epsilon + ")") + rules.calls() + ")";
    }

    @Override
    public String toString() {
        return "Adam(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon + rules.repr() + ")";
    }
}
