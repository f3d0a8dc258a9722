package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.layers.Settings;

/** Mean absolute error, PyTorch's {@code nn.L1Loss()}. Create with {@link Losses#l1()}. */
public record L1Loss() implements Loss {
    /** Rebuilds it from a file (it has no settings). */
    public static L1Loss fromSettings(Settings s) {
        return new L1Loss();
    }

    @Override
    public String typeName() {
        return "L1Loss";
    }

    @Override
    public Targets targets() {
        return Targets.VALUES;
    }

    @Override
    public Expr elementwise(Expr output, Expr target) {
        return output.minus(target).abs();
    }

    @Override
    public String toString() {
        return "L1Loss()";
    }
}
