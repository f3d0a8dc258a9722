package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.internal.Check;
import dev.netdsl.layers.Settings;
import java.util.List;

/**
 * Stochastic gradient descent, {@code torch.optim.SGD(lr, momentum)}: with momentum {@code mu} the
 * update is {@code v = mu*v + g; p -= lr*v}, without it {@code p -= lr*g}. Create with
 * {@link Optimizers#sgd(double)}.
 *
 * @param learningRate step size, positive and finite
 * @param momentum in [0, 1); 0 means plain SGD
 */
public record SGD(double learningRate, double momentum) implements Optimizer {
    /** @throws IllegalArgumentException for a bad learning rate or momentum */
    public SGD {
        Check.learningRate("sgd", learningRate);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("sgd(" + learningRate + ", " + momentum + "): momentum " + momentum
                    + " must be in [0, 1); use 0 for plain SGD or a value like 0.9");
        }
    }

    /** Rebuilds it from {@code lr} and {@code momentum}. */
    public static SGD fromSettings(Settings s) {
        return new SGD(s.getDouble("lr"), s.has("momentum") ? s.getDouble("momentum") : 0);
    }

    @Override
    public String typeName() {
        return "SGD";
    }

    @Override
    public Settings settings() {
        return Settings.of("lr", learningRate, "momentum", momentum);
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
        return new Update(p.minus(lr.times(buf)), List.of(buf));
    }

    @Override
    public String netCall() {
        return momentum == 0 ? "sgd(" + learningRate + ")" : "sgd(" + learningRate + ", " + momentum + ")";
    }

    @Override
    public String toString() {
        return momentum == 0 ? "SGD(lr=" + learningRate + ")" : "SGD(lr=" + learningRate + ", momentum=" + momentum + ")";
    }
}
