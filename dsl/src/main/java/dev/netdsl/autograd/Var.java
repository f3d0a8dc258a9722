package dev.netdsl.autograd;

import dev.netdsl.Expr;
import dev.netdsl.internal.TfRuntime;
import java.util.List;

/**
 * A trainable tensor owned by an {@link Autograd}, like a PyTorch tensor with
 * {@code requires_grad=True}. Use it in expressions; read its current value with {@link #value()}.
 */
public final class Var extends Expr {
    private final Autograd owner;
    private final String name;
    final TfRuntime.Slot slot;

    Var(Autograd owner, String name, long[] shape, TfRuntime.Slot slot) {
        super(shape);
        this.owner = owner;
        this.name = name;
        this.slot = slot;
    }

    /** The name given at creation. */
    public String name() {
        return name;
    }

    /** The current values, row-major. */
    public float[] value() {
        return owner.read(this);
    }

    /**
     * Overwrites the values (row-major).
     *
     * @throws IllegalArgumentException if the count differs from the shape's size or a value is
     *     not finite
     */
    public void set(float... values) {
        owner.write(this, values);
    }

    Autograd owner() {
        return owner;
    }

    List<TfRuntime.Slot> slots() {
        return List.of(slot);
    }

    @Override
    public String toString() {
        return "Var[" + name + " " + java.util.Arrays.toString(shape()) + "]";
    }
}
