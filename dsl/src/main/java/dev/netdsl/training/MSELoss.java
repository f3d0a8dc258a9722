package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.layers.Settings;

/** Mean squared error over every output, PyTorch's {@code nn.MSELoss()}. Create with {@link Losses#mse()}. */
public record MSELoss() implements Loss {
    /** Rebuilds it from a file (it has no settings). */
    public static MSELoss fromSettings(Settings s) {
        return new MSELoss();
    }

    @Override
    public String typeName() {
        return "MSELoss";
    }

    @Override
    public Targets targets() {
        return Targets.VALUES;
    }

    @Override
    public Expr elementwise(Expr output, Expr target) {
        return output.minus(target).square();
    }

    @Override
    public String netCall() {
        return "mse()";
    }

    @Override
    public String toString() {
        return "MSELoss()";
    }
}
