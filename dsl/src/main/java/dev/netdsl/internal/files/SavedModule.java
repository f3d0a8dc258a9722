package dev.netdsl.internal.files;

import dev.netdsl.Expr;
import dev.netdsl.Net;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Module;
import java.util.List;

/**
 * A module rebuilt from a file: its registered layers (the same instance under several names where the
 * saved module shared one) and the saved forward expression, applied to whatever input it is given.
 */
public final class SavedModule extends Module {
    private final String className;
    private final Expr forward;

    /** {@code className} is the saved module's simple class name (for {@code Net.toString()}), or null. */
    SavedModule(String className, List<String> names, List<Layer> layers, Expr forward) {
        this.className = className;
        for (int i = 0; i < names.size(); i++) {
            restore(names.get(i), layers.get(i));
        }
        this.forward = forward;
    }

    @Override
    public String displayName() {
        return className != null ? className : super.displayName();
    }

    /** The saved forward pass replayed on {@code x}, every node checked as Java code's would be ({@link SavedForward}). */
    @Override
    public Expr forward(Expr x) {
        return SavedForward.replay(forward, x);
    }
}
