package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.layers.Settings;

/**
 * The training objective a {@code Net} minimises: the loss of each element (or each example) of a
 * batch, which the model averages over the whole batch (PyTorch's {@code reduction='mean'}). A new loss
 * is one class implementing this; {@link Losses} has NetDSL's and registers your own for model files.
 */
public interface Loss {

    /** PyTorch-style type name, e.g. {@code MSELoss}; model files store it. */
    String typeName();

    /** The settings that rebuild this loss with its type's factory; none by default. */
    default Settings settings() {
        return Settings.empty();
    }

    /** The kind of target it takes, which decides how data is fed and what {@code evaluate} reports. */
    Targets targets();

    /**
     * The loss of each element of {@code output} against {@code target} (same shape), or of each
     * example ({@code [batch]}) for {@link Targets#CLASSES}, where {@code target} holds one-hot rows.
     */
    Expr elementwise(Expr output, Expr target);

    /** The call on a {@code Net} that picks this loss, as {@code Net.toString()} prints it. */
    default String netCall() {
        return "loss(" + this + ")";
    }
}
