package dev.netdsl;

import dev.netdsl.internal.TfRuntime;
import dev.netdsl.internal.Updates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.NoOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Minimises one scalar {@link Expr} over the variables it uses. {@link #step()} is one
 * PyTorch-style {@code zero_grad(); backward(); step()}; {@link #steps(int)} runs many updates in one
 * native call (a TensorFlow while-loop that carries the variables and the optimizer's state), which
 * is how small problems get far ahead of per-step dispatch. Both share the optimizer's state.
 */
public final class Minimizer {
    private final Autograd ag;
    private final Expr loss;
    private final Optimizer optimizer;
    private final List<Var> vars;
    private final List<Input> inputs;
    private final List<TfRuntime.Slot> params = new ArrayList<>();
    private final Updates.State state;
    private final Operand<TFloat32> lossOut;
    private final Op train;
    private Fused fused;

    /** The while-loop form, built on the first {@link #steps} call. */
    private record Fused(Placeholder<TFloat32> count, Operand<TFloat32> lastLoss, Op writeBack) {
    }

    Minimizer(Autograd ag, Expr loss, Optimizer optimizer, List<Var> vars, List<Input> inputs) {
        this.ag = ag;
        this.loss = loss;
        this.optimizer = optimizer;
        this.vars = List.copyOf(vars);
        this.inputs = List.copyOf(inputs);
        TfRuntime rt = ag.rt;
        Ops tf = rt.tf();
        ExprCompiler compiler = new ExprCompiler(tf, v -> v.slot.read(), i -> i.placeholder);
        lossOut = compiler.compile(loss);
        List<Operand<?>> reads = new ArrayList<>();
        for (Var v : vars) {
            params.add(v.slot);
            reads.add(v.slot.read());
        }
        List<Output<?>> grads = tf.gradients(lossOut, reads).dy();
        state = Updates.state(rt, optimizer, params);
        train = Updates.compile(rt, optimizer, params, grads, state);
    }

    /** The variables this minimizer trains, in the order the loss first uses them. */
    public List<Var> variables() {
        return vars;
    }

    /**
     * One update; returns the loss before it (PyTorch's {@code pred.item()} in the seed's loop).
     *
     * @throws IllegalArgumentException if the loss needs inputs; use {@link #step(Feeds)}
     */
    public float step() {
        return step(Feeds.none());
    }

    /** One update with {@code feeds} for the loss's inputs; returns the loss before the update. */
    public float step(Feeds feeds) {
        return ag.rt.exclusive("step", () -> {
            List<Tensor> opened = new ArrayList<>();
            try {
                Session.Runner r = ag.rt.session().runner();
                ag.feed(r, feeds, inputs, opened);
                try (Result result = ag.rt.run(r.addTarget(train).fetch(lossOut), "run a step")) {
                    return ((TFloat32) result.get(0)).getFloat();
                }
            } finally {
                opened.forEach(Tensor::close);
            }
        });
    }

    /**
     * {@code n} updates in one native call; returns the loss before the last of them. Gives the
     * same result as {@code n} calls of {@link #step()} up to float32 rounding.
     *
     * @throws IllegalArgumentException if {@code n < 1} or the loss needs inputs
     */
    public float steps(int n) {
        return steps(n, Feeds.none());
    }

    /** {@link #steps(int)} with the same {@code feeds} in every update (full-batch training). */
    public float steps(int n, Feeds feeds) {
        if (n < 1) {
            throw new IllegalArgumentException("steps(" + n + "): the number of steps must be at least 1");
        }
        Fused loop = ag.inGraph("build the fused loop", () -> fused == null ? fused = buildLoop() : fused);
        return ag.rt.exclusive("steps", () -> {
            List<Tensor> opened = new ArrayList<>();
            try (TFloat32 count = TFloat32.scalarOf(n)) {
                Session.Runner r = ag.rt.session().runner().feed(loop.count(), count);
                ag.feed(r, feeds, inputs, opened);
                try (Result result = ag.rt.run(r.addTarget(loop.writeBack()).fetch(loop.lastLoss()), "run " + n + " fused steps")) {
                    return ((TFloat32) result.get(0)).getFloat();
                }
            } finally {
                opened.forEach(Tensor::close);
            }
        });
    }

    /**
     * Loop variables: [i, n, params..., state..., (step count), inputs..., loss]. The body rebuilds
     * the loss from the loop's own copies of the variables, differentiates it there, applies
     * {@link Updates#next} and hands the new values to the next iteration; after the loop, the final
     * values are written back to the variables.
     */
    private Fused buildLoop() {
        TfRuntime rt = ag.rt;
        Ops tf = rt.tf();
        List<TfRuntime.Slot> slots = new ArrayList<>();
        state.perParam().forEach(slots::addAll);
        boolean counts = state.step() != null;
        Placeholder<TFloat32> count = rt.placeholder(rt.unique("fused_steps"));
        List<Output<?>> init = new ArrayList<>();
        init.add(tf.constant(0f).asOutput());
        init.add(count.asOutput());
        params.forEach(p -> init.add(p.read().asOutput()));
        slots.forEach(s -> init.add(s.read().asOutput()));
        if (counts) {
            init.add(state.step().read().asOutput());
        }
        inputs.forEach(in -> init.add(in.placeholder.asOutput()));
        init.add(tf.constant(0f).asOutput());
        int p0 = 2;
        int s0 = p0 + params.size();
        int c0 = s0 + slots.size();
        int i0 = c0 + (counts ? 1 : 0);
        int l0 = i0 + inputs.size();

        Output<?>[] out = rt.graph().whileLoop(init.toArray(new Output<?>[0]),
                (g, in, o) -> o[0] = Ops.create(g).math.less(in[0].expect(TFloat32.class), in[1].expect(TFloat32.class)).asOutput(),
                (g, in, o) -> {
                    Ops b = Ops.create(g);
                    // Static shapes let Grappler fold the gradients' broadcasting plumbing away.
                    List<Operand<TFloat32>> p = new ArrayList<>();
                    for (int k = 0; k < params.size(); k++) {
                        p.add(b.ensureShape(in[p0 + k].expect(TFloat32.class), Shape.of(params.get(k).shape())));
                    }
                    Map<Input, Operand<TFloat32>> fed = new HashMap<>();
                    for (int k = 0; k < inputs.size(); k++) {
                        fed.put(inputs.get(k), in[i0 + k].expect(TFloat32.class));
                    }
                    Map<Var, Operand<TFloat32>> bound = new HashMap<>();
                    for (int k = 0; k < vars.size(); k++) {
                        bound.put(vars.get(k), p.get(k));
                    }
                    Operand<TFloat32> l = new ExprCompiler(b, bound::get, fed::get).compile(loss);
                    Output<?>[] pv = new Output<?>[p.size()];
                    for (int k = 0; k < pv.length; k++) {
                        pv[k] = p.get(k).asOutput();
                    }
                    Output<?>[] grads = g.addGradients(l.asOutput(), pv);
                    List<Operand<TFloat32>> gs = new ArrayList<>();
                    for (Output<?> gr : grads) {
                        gs.add(gr.expect(TFloat32.class));
                    }
                    List<List<Operand<TFloat32>>> st = new ArrayList<>();
                    int k = s0;
                    for (List<TfRuntime.Slot> per : state.perParam()) {
                        List<Operand<TFloat32>> ops = new ArrayList<>();
                        for (TfRuntime.Slot s : per) {
                            ops.add(b.ensureShape(in[k++].expect(TFloat32.class), Shape.of(s.shape())));
                        }
                        st.add(ops);
                    }
                    Operand<TFloat32> t = counts ? b.math.add(in[c0].expect(TFloat32.class), b.constant(1f)) : null;
                    List<Operand<TFloat32>> next = Updates.next(b, optimizer, t, p, gs, st);
                    o[0] = b.math.add(in[0].expect(TFloat32.class), b.constant(1f)).asOutput();
                    o[1] = in[1];
                    for (int j = 0; j < next.size(); j++) {
                        o[p0 + j] = next.get(j).asOutput();
                    }
                    if (counts) {
                        o[c0] = t.asOutput();
                    }
                    for (int j = i0; j < l0; j++) {
                        o[j] = in[j];
                    }
                    o[l0] = l.asOutput();
                }, rt.unique("fused"));

        // Write the final values back once the whole loop is done.
        List<Operation> exits = new ArrayList<>();
        for (Output<?> x : out) {
            exits.add(x.op());
        }
        Ops after = tf.withControlDependencies(List.of(
                NoOp.create(tf.scope().withName(rt.unique("fused_done")).withControlDependencyOps(exits))));
        List<Op> writes = new ArrayList<>();
        List<TfRuntime.Slot> targets = new ArrayList<>(params);
        targets.addAll(slots);
        if (counts) {
            targets.add(state.step());
        }
        for (int j = 0; j < targets.size(); j++) {
            writes.add(after.assign(targets.get(j).variable(), out[p0 + j].expect(TFloat32.class)));
        }
        Op writeBack = tf.withName(rt.unique("fused_write_back")).withControlDependencies(writes).noOp();
        return new Fused(count, out[l0].expect(TFloat32.class), writeBack);
    }
}
