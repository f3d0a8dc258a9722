package dev.netdsl.autograd;

import dev.netdsl.Expr;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Data fed into an {@link Autograd} graph at each step (a placeholder), e.g. a batch of images.
 * Create with {@link Autograd#input(String, long...)}; pass values with {@link Feeds}.
 */
public final class Input extends Expr {
    private final Autograd owner;
    private final String name;
    final Placeholder<TFloat32> placeholder;

    Input(Autograd owner, String name, long[] shape, Placeholder<TFloat32> placeholder) {
        super(shape);
        this.owner = owner;
        this.name = name;
        this.placeholder = placeholder;
    }

    /** The name given at creation. */
    public String name() {
        return name;
    }

    Autograd owner() {
        return owner;
    }

    @Override
    public String toString() {
        return "Input[" + name + " " + java.util.Arrays.toString(shape()) + "]";
    }
}
