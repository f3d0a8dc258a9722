package dev.netdsl;

import dev.netdsl.internal.Node;
import dev.netdsl.internal.Nodes;
import dev.netdsl.internal.OpCode;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Module;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module rebuilt from a file: its registered layers (the same instance under several names where the
 * saved module shared one) and the saved forward expression, applied to whatever input it is given.
 */
final class SavedModule extends Module {
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

    @Override
    public Expr forward(Expr x) {
        return substitute(forward, x, new IdentityHashMap<>());
    }

    private static Expr substitute(Expr e, Expr x, Map<Expr, Expr> done) {
        Node n = Nodes.of(e);
        if (n.op() == OpCode.MODEL_INPUT) {
            return x;
        }
        Expr known = done.get(e);
        if (known != null) {
            return known;
        }
        Expr[] args = new Expr[n.args().length];
        for (int i = 0; i < args.length; i++) {
            args[i] = substitute(n.args()[i], x, done);
        }
        Expr copy = Nodes.expr(new Node(n.op(), n.shape(), args, n.values(), n.index(), n.ref()));
        done.put(e, copy);
        return copy;
    }
}
