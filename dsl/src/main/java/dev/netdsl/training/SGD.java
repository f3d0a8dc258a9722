package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.internal.Check;
import dev.netdsl.layers.Settings;
import java.util.List;

/**
 * Stochastic gradient descent, {@code torch.optim.SGD(lr, momentum, nesterov, weight_decay)}: with
 * momentum {@code mu} the update is {@code v = mu*v + g; p -= lr*v} ({@code p -= lr*(g + mu*v)} with
 * Nesterov), without it {@code p -= lr*g}. Create with {@link Optimizers#sgd(double)}:
 * {@code sgd(0.1).momentum(0.9).nesterov().weightDecay(5e-4)}.
 *
 * @param learningRate step size, positive and finite
 * @param momentum in [0, 1); 0 means plain SGD
 * @param useNesterov Nesterov momentum (needs a momentum)
 * @param rules what is done to the gradients first
 */
public record SGD(double learningRate, double momentum, boolean useNesterov, GradientRules rules) implements Optimizer {
    /** @throws IllegalArgumentException for a bad learning rate or momentum, or Nesterov without momentum */
    public SGD {
        Check.learningRate("sgd", learningRate);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("sgd(" + learningRate + ", " + momentum + "): momentum " + momentum
                    + " must be in [0, 1); use 0 for plain SGD or a value like 0.9");
        }
        if (useNesterov && momentum == 0) {
            throw new IllegalArgumentException("sgd(" + learningRate + ").nesterov(): Nesterov momentum needs a momentum; add"
                    + " .momentum(0.9) before .nesterov()");
        }
        java.util.Objects.requireNonNull(rules, "rules");
    }

    /** Rebuilds it from {@code lr}, {@code momentum}, {@code nesterov} and the gradient rules. */
    public static SGD fromSettings(Settings s) {
        return new SGD(s.getDouble("lr"), s.has("momentum") ? s.getDouble("momentum") : 0, s.has("nesterov") && s.getBoolean("nesterov"),
                GradientRules.from(s));
    }

    /** A copy with momentum {@code mu} ({@code v = mu*v + g; p -= lr*v}). */
    public SGD momentum(double mu) {
        return new SGD(learningRate, mu, useNesterov, rules);
    }

    /** A copy with Nesterov momentum ({@code p -= lr*(g + mu*v)}). */
    public SGD nesterov() {
        return new SGD(learningRate, momentum, true, rules);
    }

    @Override
    public GradientRules gradientRules() {
        return rules;
    }

    @Override
    public SGD withGradientRules(GradientRules r) {
        return new SGD(learningRate, momentum, useNesterov, r);
    }

    @Override
    public SGD weightDecay(double wd) {
        return withGradientRules(rules.withWeightDecay(wd));
    }

    @Override
    public String typeName() {
        return "SGD";
    }

    @Override
    public Settings settings() {
        Settings s = Settings.of("lr", learningRate, "momentum", momentum);
        return rules.addTo(useNesterov ? s.with("nesterov", true) : s);
    }

    @Override
    public List<String> stateNames() {
        return momentum == 0 ? List.of() : List.of("momentum_buffer");
    }

    @Override
    public Update update(Expr p, Expr g, List<Expr> state, Expr lr, Expr step) {
        if (momentum == 0) {
            return new Update(p.minus(lr.times(g)), List.of());
        }
        Expr buf = Expr.scalar(momentum).times(state.get(0)).plus(g);
        Expr direction = useNesterov ? g.plus(Expr.scalar(momentum).times(buf)) : buf;
        return new Update(p.minus(lr.times(direction)), List.of(buf));
    }

    /** TensorFlow's {@code ApplyGradientDescent}, or {@code ApplyMomentum} (its Nesterov form is PyTorch's). */
    @Override
    public boolean updateInPlace(Kernels kernels, Kernels.Variable p, List<Kernels.Variable> state, Expr g, Expr lr, Expr step) {
        if (momentum == 0) {
            kernels.op("ApplyGradientDescent").input(p).input(lr).input(g).add();
        } else {
            kernels.op("ApplyMomentum").input(p).input(state.get(0)).input(lr).input(g).input(Expr.scalar(momentum))
                    .attr("use_nesterov", useNesterov).add();
        }
        return true;
    }

    @Override
    public String netCall() {
        String call = momentum == 0 ? "sgd(" + learningRate + ")" : "sgd(" + learningRate + ", " + momentum + ")";
        boolean plain = !useNesterov && rules.equals(GradientRules.NONE);
        return plain ? call : "optimizer(Optimizers." + call + (useNesterov ? ".nesterov()" : "") + rules.calls() + ")";
    }

    @Override
    public String toString() {
        return "SGD(lr=" + learningRate + (momentum == 0 ? "" : ", momentum=" + momentum) + (useNesterov ? ", nesterov=True" : "")
                + rules.repr() + ")";
    }
}
