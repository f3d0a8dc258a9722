package dev.netdsl.autograd;

import dev.netdsl.Expr;
import dev.netdsl.internal.ExprCompiler;
import dev.netdsl.internal.Nodes;
import dev.netdsl.internal.TfRuntime;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

/**
 * The leaves of an {@link Autograd}'s expressions, its variables and inputs: finding those an expression reads,
 * binding them to graph values for the compiler, and feeding the inputs' values to a run.
 */
final class Leaves {
    private Leaves() {
    }

    /**
     * The variables and inputs {@code e} reads, each once, in first-seen order.
     *
     * @throws IllegalArgumentException if one belongs to an Autograd other than {@code owner}
     */
    static void collect(Autograd owner, Expr e, List<Var> vars, List<Input> ins) {
        Set<Expr> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Var> v = new LinkedHashSet<>();
        Set<Input> in = new LinkedHashSet<>();
        Deque<Expr> todo = new ArrayDeque<>();
        todo.push(e);
        while (!todo.isEmpty()) {
            Expr x = todo.pop();
            if (!seen.add(x)) {
                continue;
            }
            if (x instanceof Var var) {
                if (var.owner() != owner) {
                    throw new IllegalArgumentException(var + " belongs to another Autograd; build expressions from one Autograd's variables");
                }
                v.add(var);
            } else if (x instanceof Input input) {
                if (input.owner() != owner) {
                    throw new IllegalArgumentException(input + " belongs to another Autograd");
                }
                in.add(input);
            }
            Expr[] args = Nodes.of(x).args();
            for (int i = args.length - 1; i >= 0; i--) {
                todo.push(args[i]);
            }
        }
        vars.addAll(v);
        ins.addAll(in);
    }

    /** Feeds every needed input; the tensors it opens go to {@code opened} for the caller to close. */
    static void feed(Session.Runner r, Feeds feeds, List<Input> needed, List<Tensor> opened) {
        Map<Input, Feeds.Value> values = feeds.values();
        for (Input in : needed) {
            Feeds.Value v = values.get(in);
            if (v == null) {
                throw new IllegalArgumentException("input '" + in.name() + "' " + Arrays.toString(in.shape())
                        + " has no value; pass it with Feeds.of(input, values, shape...)");
            }
            TFloat32 t = TfRuntime.tensor(v.data(), v.shape());
            opened.add(t);
            r.feed(in.placeholder, t);
        }
    }

    /** A compiler binder for an Autograd's leaves (variables and inputs), refusing anything a model owns. */
    static ExprCompiler.Binder binder(Function<Expr, Operand<TFloat32>> leaves) {
        return new ExprCompiler.Binder() {
            @Override
            public Operand<TFloat32> leaf(Expr leaf) {
                if (!(leaf instanceof Var) && !(leaf instanceof Input)) {
                    throw new IllegalArgumentException(leaf + " is not a variable or input of an Autograd");
                }
                Operand<TFloat32> value = leaves.apply(leaf);
                if (value == null) {
                    throw new IllegalArgumentException(leaf + " has no value here");
                }
                return value;
            }
        };
    }
}
