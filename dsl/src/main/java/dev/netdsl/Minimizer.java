package dev.netdsl;

import dev.netdsl.internal.Guard;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.internal.Updates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import java.util.function.BiFunction;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Signature;
import org.tensorflow.proto.DataType;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Minimises one scalar {@link Expr} over the variables it uses. {@link #step()} is one
 * PyTorch-style {@code zero_grad(); backward(); step()}; {@link #steps(int)} runs many updates in one
 * native call (a TensorFlow while-loop that carries the variables and the optimizer's state,
 * compiled by XLA), which is how small problems get far ahead of per-step dispatch. Both share the
 * optimizer's state.
 */
public final class Minimizer {
    private final Autograd ag;
    private final Expr loss;
    private final Optimizer optimizer;
    private final List<Var> vars;
    private final List<Input> inputs;
    private final List<TfRuntime.Slot> params = new ArrayList<>();
    /** Elements in all trained variables, for {@link #work}. */
    private final double variableElements;
    private final Updates.State state;
    private final Operand<TFloat32> lossOut;
    private final Op train;
    private final Guard guard;
    private long stepsTaken;
    private float lastLoss = Float.NaN;
    private final List<ConcreteFunction> functions = new ArrayList<>();
    private Fused fused;

    /** The while-loop form, built on the first {@link #steps} call. */
    private record Fused(Placeholder<TInt32> count, Operand<TFloat32> lastLoss, Op writeBack) {
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
        variableElements = params.stream().mapToDouble(TfRuntime.Slot::size).sum();
        List<Output<?>> grads = tf.gradients(lossOut, reads).dy();
        state = Updates.state(rt, optimizer, params);
        List<TfRuntime.Slot> kept = new ArrayList<>(params);
        kept.addAll(state.all());
        // One guard per Autograd covers every minimizer's variables and state, so a rollback restores exactly the
        // values the variables had, whichever minimizer changed them since.
        guard = ag.guard;
        guard.cover(kept);
        if (rt.started()) {
            // Built on a running graph (a second minimizer): checkpoint the current values, not the initial ones.
            guard.keepCurrent();
        }
        train = Updates.compile(rt, optimizer, params, grads, state, Guard.check(rt, lossOut));
    }

    /** The variables this minimizer trains, in the order the loss first uses them. */
    public List<Var> variables() {
        return vars;
    }

    /**
     * One update; returns the loss before it (PyTorch's {@code pred.item()} in the seed's loop).
     *
     * @throws TrainingDivergedException if the loss is NaN or infinite; the variables are put back
     *     to the values of the last step with a finite loss
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
                guard.beforeUpdate();
                Session.Runner r = ag.rt.runner(work(feeds));
                ag.feed(r, feeds, inputs, opened);
                try (Result result = ag.rt.run(r.addTarget(train).fetch(lossOut), "run a step")) {
                    lastLoss = ((TFloat32) result.get(0)).getFloat();
                    guard.afterUpdate(this, () -> replay(feeds));
                    stepsTaken++;
                    return lastLoss;
                } catch (NetDslException e) {
                    if (!Guard.isNonFiniteLoss(e)) {
                        throw e;
                    }
                    float bad = Float.NaN;
                    Session.Runner again = ag.rt.session().runner();
                    ag.feed(again, feeds, inputs, opened);
                    try (Result value = ag.rt.run(again.fetch(lossOut), "compute the loss")) {
                        bad = ((TFloat32) value.get(0)).getFloat();
                    }
                    long failed = stepsTaken + 1;
                    String kept = "the variables keep their values";
                    long last = guard.lastUpdateOf(this);
                    List<Object> undone = last < 0 ? null : guard.rollBackTo(last);
                    if (undone != null) {
                        // Later updates by other minimizers of this Autograd are undone too: count them off theirs.
                        undone.forEach(owner -> ((Minimizer) owner).stepsTaken--);
                        kept = "the variables are back to their values at step " + (stepsTaken + 1) + ", the last with a finite"
                                + " loss (" + lastLoss + ")" + (undone.size() > 1 ? ", undoing " + (undone.size() - 1)
                                + " later update(s) by other minimizers" : "");
                    }
                    throw new TrainingDivergedException("step: the loss became " + bad + " at step " + failed + "; "
                            + kept + ". The learning rate " + optimizer.learningRate() + " is probably too large: try "
                            + optimizer.learningRate() / 10, failed, bad);
                }
            } finally {
                opened.forEach(Tensor::close);
            }
        });
    }

    /**
     * A rough size of one step for choosing where it runs: six operations per variable element and
     * fed row (forward, and twice that backward, for a matrix-multiply-shaped loss).
     */
    private double work(Feeds feeds) {
        double rows = 1;
        for (Feeds.Value value : feeds.values().values()) {
            rows = Math.max(rows, value.shape().length > 1 ? value.shape()[0] : 1);
        }
        return 6 * variableElements * rows;
    }

    /** Redoes a step that succeeded before, with the same feeds. */
    private void replay(Feeds feeds) {
        List<Tensor> opened = new ArrayList<>();
        try {
            Session.Runner r = ag.rt.runner(work(feeds));
            ag.feed(r, feeds, inputs, opened);
            ag.rt.run(r.addTarget(train), "replay a step").close();
        } finally {
            opened.forEach(Tensor::close);
        }
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
            try (TInt32 count = TInt32.scalarOf(n)) {
                Session.Runner r = ag.rt.session().runner().feed(loop.count(), count);
                ag.feed(r, feeds, inputs, opened);
                float last;
                try (Result result = ag.rt.run(r.addTarget(loop.writeBack()).fetch(loop.lastLoss()), "run " + n + " fused steps")) {
                    last = ((TFloat32) result.get(0)).getFloat();
                } catch (NetDslException e) {
                    if (!Guard.isNonFiniteLoss(e)) {
                        throw e;
                    }
                    // Nothing was written back: the variables hold what they held before this call.
                    throw new TrainingDivergedException("steps(" + n + "): a loss or a value became NaN or infinite within"
                            + " steps " + (stepsTaken + 1) + ".." + (stepsTaken + n) + "; the variables keep their values from"
                            + " before this call. Lower the learning rate " + optimizer.learningRate() + ", e.g. to "
                            + optimizer.learningRate() / 10 + ", or run fewer steps per call", stepsTaken + 1, Float.NaN);
                }
                stepsTaken += n;
                lastLoss = last;
                guard.keepCurrent();
                return last;
            } finally {
                opened.forEach(Tensor::close);
            }
        });
    }

    /**
     * Loop variables: [i, n, params..., state..., (step count), inputs..., loss], the counters int32
     * (a float32 counter stops at 2^24, where i + 1 == i), the rest float32. The body rebuilds
     * the loss from the loop's own copies of the variables, differentiates it there, applies
     * {@link Updates#next} and hands the new values to the next iteration; after the loop, the final
     * values are written back to the variables.
     *
     * <p>The loop is a functional {@code While} inside a function called through
     * {@code StatefulPartitionedCall} with {@code _XlaMustCompile}: XLA compiles the whole loop once
     * (about 0.1 s for Himmelblau) and then runs 20,000 Adam steps in milliseconds, where TensorFlow's
     * executor spends 25-60 us per iteration (docs/tensorflow-notes.md).
     */
    private Fused buildLoop() {
        TfRuntime rt = ag.rt;
        Ops tf = rt.tf();
        List<TfRuntime.Slot> slots = new ArrayList<>();
        state.perParam().forEach(slots::addAll);
        boolean counts = state.step() != null;
        List<long[]> shapes = new ArrayList<>();
        shapes.add(new long[0]);
        shapes.add(new long[0]);
        params.forEach(p -> shapes.add(p.shape()));
        slots.forEach(sl -> shapes.add(sl.shape()));
        if (counts) {
            shapes.add(new long[0]);
        }
        inputs.forEach(in -> shapes.add(in.shape));
        shapes.add(new long[0]);
        int p0 = 2;
        int s0 = p0 + params.size();
        int c0 = s0 + slots.size();
        int i0 = c0 + (counts ? 1 : 0);
        int l0 = i0 + inputs.size();

        ConcreteFunction cond = function(2, shapes, (b, in) -> {
            List<Operand<?>> out = new ArrayList<>();
            out.add(b.math.less(counter(in, 0), counter(in, 1)));
            return out;
        });
        ConcreteFunction body = function(2, shapes, (b, in) -> {
            List<Operand<TFloat32>> p = floats(in, p0, s0);
            Map<Var, Operand<TFloat32>> bound = new HashMap<>();
            for (int k = 0; k < vars.size(); k++) {
                bound.put(vars.get(k), p.get(k));
            }
            Map<Input, Operand<TFloat32>> fed = new HashMap<>();
            for (int k = 0; k < inputs.size(); k++) {
                fed.put(inputs.get(k), floats(in, i0 + k, i0 + k + 1).get(0));
            }
            Operand<TFloat32> l = new ExprCompiler(b, bound::get, fed::get).compile(loss);
            Output<?>[] pv = new Output<?>[p.size()];
            for (int k = 0; k < pv.length; k++) {
                pv[k] = p.get(k).asOutput();
            }
            List<Operand<TFloat32>> gs = new ArrayList<>();
            for (Output<?> gr : ((Graph) b.scope().env()).addGradients(l.asOutput(), pv)) {
                gs.add(gr.expect(TFloat32.class));
            }
            List<List<Operand<TFloat32>>> st = new ArrayList<>();
            int k = s0;
            for (List<TfRuntime.Slot> per : state.perParam()) {
                st.add(floats(in, k, k + per.size()));
                k += per.size();
            }
            Operand<TFloat32> t = counts ? b.math.add(floats(in, c0, c0 + 1).get(0), b.constant(1f)) : null;
            List<Operand<?>> out = new ArrayList<>();
            out.add(b.math.add(counter(in, 0), b.constant(1)));
            out.add(b.identity(counter(in, 1)));
            out.addAll(Updates.next(b, optimizer, t, new ArrayList<>(p), gs, st));
            if (counts) {
                out.add(t);
            }
            for (int j = i0; j < l0; j++) {
                out.add(b.identity(in.get(j)));
            }
            out.add(l);
            return out;
        });
        // The function that runs the whole loop: (n, loop values...) -> final loop values.
        List<long[]> callShapes = shapes.subList(1, l0);
        ConcreteFunction loop = function(1, callShapes, (b, in) -> {
            List<Operand<?>> start = new ArrayList<>();
            start.add(b.constant(0));
            start.addAll(in);
            start.add(b.constant(0f));
            List<Operand<?>> out = new ArrayList<>();
            for (Output<?> o : b.whileOp(start, cond, body).output()) {
                out.add(o);
            }
            return out.subList(p0, out.size());
        });
        functions.add(cond);
        functions.add(body);
        functions.add(loop);

        Placeholder<TInt32> count = rt.named(rt.unique("fused_steps")).placeholder(TInt32.class,
                Placeholder.shape(Shape.scalar()));
        List<Output<?>> args = new ArrayList<>();
        args.add(count.asOutput());
        params.forEach(p -> args.add(p.read().asOutput()));
        slots.forEach(sl -> args.add(sl.read().asOutput()));
        if (counts) {
            args.add(state.step().read().asOutput());
        }
        inputs.forEach(in -> args.add(in.placeholder.asOutput()));
        int results = l0 - p0 + 1;
        DataType[] tin = new DataType[args.size()];
        Arrays.fill(tin, DataType.DT_FLOAT);
        tin[0] = DataType.DT_INT32;
        DataType[] tout = new DataType[results];
        Arrays.fill(tout, DataType.DT_FLOAT);
        rt.graph().attachFunction(loop);
        Operation call = rt.graph().opBuilder("StatefulPartitionedCall", rt.unique("fused"), tf.scope())
                .addInputList(args.toArray(new Output<?>[0]))
                .setAttr("Tin", tin)
                .setAttr("Tout", tout)
                .setAttr("f", loop)
                .setAttr("_XlaMustCompile", true)
                .build();

        // Write the final values back once the whole loop is done.
        List<Op> writes = new ArrayList<>();
        List<TfRuntime.Slot> targets = new ArrayList<>(params);
        targets.addAll(slots);
        if (counts) {
            targets.add(state.step());
        }
        // Every final value and the last loss are checked first: one NaN or infinity fails the run before
        // anything is written, so a diverged loop leaves the variables as they were.
        List<Op> checks = new ArrayList<>();
        for (int j = 0; j < results; j++) {
            checks.add(Guard.check(rt, call.output(j).expect(TFloat32.class)));
        }
        Ops checked = tf.withControlDependencies(checks);
        for (int j = 0; j < targets.size(); j++) {
            writes.add(checked.assign(targets.get(j).variable(), call.output(j).expect(TFloat32.class)));
        }
        Op writeBack = tf.withName(rt.unique("fused_write_back")).withControlDependencies(writes).noOp();
        return new Fused(count, call.output(results - 1).expect(TFloat32.class), writeBack);
    }

    /**
     * A graph function with inputs of {@code shapes}: the first {@code counters} int32 scalars (the
     * loop counters), the rest float32; its outputs are what {@code body} returns.
     */
    private static ConcreteFunction function(int counters, List<long[]> shapes,
                                             BiFunction<Ops, List<Operand<?>>, List<Operand<?>>> body) {
        return ConcreteFunction.create(b -> {
            List<Operand<?>> in = new ArrayList<>();
            Signature.Builder sig = Signature.builder();
            for (int k = 0; k < shapes.size(); k++) {
                Placeholder<?> ph = k < counters ? b.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()))
                        : b.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shapes.get(k))));
                in.add(ph);
                sig.input("in" + k, ph);
            }
            List<Operand<?>> out = body.apply(b, in);
            for (int k = 0; k < out.size(); k++) {
                sig.output("out" + k, out.get(k));
            }
            return sig.build();
        });
    }

    @SuppressWarnings("unchecked")
    private static Operand<TInt32> counter(List<Operand<?>> in, int k) {
        return (Operand<TInt32>) in.get(k);
    }

    @SuppressWarnings("unchecked")
    private static List<Operand<TFloat32>> floats(List<Operand<?>> in, int from, int to) {
        List<Operand<TFloat32>> out = new ArrayList<>();
        for (Operand<?> o : in.subList(from, to)) {
            out.add((Operand<TFloat32>) o);
        }
        return out;
    }

    /** Frees the native functions of the fused loop (the graph keeps its own copies). */
    void close() {
        functions.forEach(ConcreteFunction::close);
        functions.clear();
    }
}
