package dev.netdsl.internal;

import dev.netdsl.Expr;

/**
 * The internal view of an {@link Expr}: its op, arguments, shape and attributes. {@code Expr} keeps
 * these out of the public API; it installs an {@link Access} here when its class initialises, so the
 * compiler (here), the engine and the file formats can read and rebuild expressions.
 */
public final class Nodes {
    private Nodes() {
    }

    /** Reads and makes expression nodes. */
    public interface Access {
        /** The node behind {@code e}. */
        Node node(Expr e);

        /** A new expression for {@code node}. */
        Expr expr(Node node);
    }

    private static volatile Access access;

    /** Called once by {@code Expr}'s static initialiser. */
    public static void install(Access a) {
        access = a;
    }

    private static Access access() {
        if (access == null) {
            try {
                Class.forName(Expr.class.getName(), true, Expr.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return access;
    }

    /** The node behind {@code e}. */
    public static Node of(Expr e) {
        return access().node(e);
    }

    /** A new expression for {@code node}. */
    public static Expr expr(Node node) {
        return access().expr(node);
    }
}
