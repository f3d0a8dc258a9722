package dev.netdsl.apps;

import dev.netdsl.Expr;
import dev.netdsl.Model;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Input;
import java.util.Map;

/**
 * Receives an example's trained models just before the example closes them: how {@code netdsl
 * export} gets at them without a second copy of each example's training code.
 */
public interface Trained {
    /** Ignores everything. */
    Trained NONE = new Trained() {
    };

    /** A trained {@link Model} named {@code name} (e.g. "sequential" in the planar example). */
    default void model(String name, Model model) {
    }

    /** A trained hand-written graph: {@code outputs} computed from {@code inputs}. */
    default void graph(String name, Autograd ag, Map<String, Input> inputs, Map<String, Expr> outputs) {
    }
}
