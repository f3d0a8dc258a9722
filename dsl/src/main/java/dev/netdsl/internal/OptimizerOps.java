package dev.netdsl.internal;

import dev.netdsl.Expr;
import dev.netdsl.training.Kernels;
import dev.netdsl.training.Optimizer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.NoOp;
import org.tensorflow.types.TFloat32;

/**
 * Optimizers as graph ops. An optimizer's rule is its {@link Optimizer#update} expression; two forms
 * share one state layout: {@link #compile} adds in-place per-step updates, and {@link #next} is the pure
 * update that fused training loops carry from iteration to iteration. {@link #compile} runs the fused
 * kernels an optimizer declares ({@link Optimizer#updateInPlace}: SGD's and Adam's TensorFlow kernels,
 * which compute exactly PyTorch's rule and are faster), else its update expression.
 */
public final class OptimizerOps {
    private OptimizerOps() {
    }

    /**
     * An optimizer's state: for each parameter its slots in {@link Optimizer#stateNames()} order, and
     * the update counter (for optimizers that count steps, else null).
     */
    public record State(List<List<TfRuntime.Slot>> perParam, TfRuntime.Slot step, List<String> kinds) {
        /** Every slot, parameter by parameter, then the counter. */
        public List<TfRuntime.Slot> all() {
            List<TfRuntime.Slot> out = new ArrayList<>();
            perParam.forEach(out::addAll);
            if (step != null) {
                out.add(step);
            }
            return out;
        }
    }

    /** Creates zero-initialised state variables for {@code optimizer} over {@code params}. */
    public static State state(TfRuntime rt, Optimizer optimizer, List<TfRuntime.Slot> params) {
        List<String> kinds = List.copyOf(optimizer.stateNames());
        List<List<TfRuntime.Slot>> perParam = new ArrayList<>();
        for (TfRuntime.Slot p : params) {
            List<TfRuntime.Slot> slots = new ArrayList<>();
            for (String kind : kinds) {
                slots.add(rt.variable(p.name() + "/" + kind, p.shape(), new float[p.size()]));
            }
            perParam.add(slots);
        }
        TfRuntime.Slot step = optimizer.countsSteps() ? rt.variable("optimizer/step", new long[0], new float[1]) : null;
        return new State(perParam, step, kinds);
    }

    /**
     * Adds the ops that apply {@code gradients} to {@code params} once, and {@code also} (buffer updates),
     * and returns one op that runs them all. Every update has a control edge from the whole backward
     * pass: a variable's read aliases its buffer, so an in-place update that ran while another gradient
     * still reads the weight would corrupt that gradient (docs/tensorflow-notes.md). An IdentityN barrier
     * is not enough (Grappler removes it); control edges stay. Updates also wait for {@code ready} (the
     * loss check of {@link Guard#check}), so a non-finite loss changes nothing.
     */
    public static Op compile(TfRuntime rt, Optimizer optimizer, List<TfRuntime.Slot> params, List<Operand<TFloat32>> gradients,
                             State state, Operand<TFloat32> learningRate, Operand<TFloat32> ready, List<Op> also) {
        List<Operation> producers = new ArrayList<>();
        producers.add(ready.asOutput().op());
        List<Operand<TFloat32>> grads = new ArrayList<>();
        for (Operand<TFloat32> g : gradients) {
            producers.add(g.asOutput().op());
            grads.add(g);
        }
        NoOp done = NoOp.create(rt.tf().scope().withName(rt.unique("gradients_done")).withControlDependencyOps(producers));
        Ops tf = rt.tf().withControlDependencies(List.of(done));
        List<Operand<TFloat32>> reads = new ArrayList<>();
        params.forEach(p -> reads.add(p.read()));
        grads = applyRules(tf, optimizer.gradientRules(), reads, grads);
        List<Op> updates = new ArrayList<>(also);
        Operand<TFloat32> t = null;
        if (state.step() != null) {
            t = tf.identity(rt.named(rt.unique("optimizer/next_step"), List.of(done)).assignAdd(state.step().variable(),
                    tf.constant(1f)));
        }
        if (!inPlace(rt, tf, optimizer, params, grads, state, learningRate, t, done, updates)) {
            // The optimizer's own rule: compute every new value first, then assign them all.
            List<List<Operand<TFloat32>>> stateReads = new ArrayList<>();
            List<TfRuntime.Slot> targets = new ArrayList<>(params);
            for (int i = 0; i < params.size(); i++) {
                List<Operand<TFloat32>> sr = new ArrayList<>();
                for (TfRuntime.Slot s : state.perParam().get(i)) {
                    sr.add(s.read());
                    targets.add(s);
                }
                stateReads.add(sr);
            }
            List<Operand<TFloat32>> next = update(tf, optimizer, t, reads, grads, stateReads, learningRate);
            List<Operation> computed = new ArrayList<>();
            next.forEach(n -> computed.add(n.asOutput().op()));
            List<Op> after = List.of(
                    NoOp.create(rt.tf().scope().withName(rt.unique("updates_computed")).withControlDependencyOps(computed)));
            // next() returns the parameters, then each parameter's slots: the order of `targets`.
            for (int i = 0; i < targets.size(); i++) {
                updates.add(rt.named(rt.unique(targets.get(i).name() + "/update"), after)
                        .assign(targets.get(i).variable(), next.get(i)));
            }
        }
        return rt.tf().withName(rt.unique("train")).withControlDependencies(updates).noOp();
    }

    /**
     * The optimizer's own fused kernels ({@link Optimizer#updateInPlace}) for every parameter, each after
     * {@code done}, added to {@code updates}; false (and nothing added) if it has none.
     */
    private static boolean inPlace(TfRuntime rt, Ops tf, Optimizer optimizer, List<TfRuntime.Slot> params,
                                   List<Operand<TFloat32>> grads, State state, Operand<TFloat32> learningRate,
                                   Operand<TFloat32> t, NoOp done, List<Op> updates) {
        Map<Object, Operand<TFloat32>> bound = new IdentityHashMap<>();
        ExprCompiler compiler = new ExprCompiler(tf, new ExprCompiler.Binder() {
            @Override
            public Operand<TFloat32> bound(Object key) {
                return bound.get(key);
            }
        });
        Expr lr = leaf(bound, learningRate, new long[0]);
        Expr step = leaf(bound, t != null ? t : tf.constant(1f), new long[0]);
        for (int i = 0; i < params.size(); i++) {
            TfRuntime.Slot p = params.get(i);
            Kernel kernel = new Kernel(rt, compiler, p.name(), done);
            List<Kernels.Variable> slots = new ArrayList<>();
            state.perParam().get(i).forEach(sl -> slots.add(new Kernel.Var(sl)));
            if (!optimizer.updateInPlace(kernel, new Kernel.Var(p), slots, leaf(bound, grads.get(i), p.shape()), lr, step)) {
                if (i > 0 || !kernel.calls.isEmpty()) {
                    throw new IllegalStateException(optimizer + ".updateInPlace must give the same answer for every parameter");
                }
                return false;
            }
            updates.addAll(kernel.calls);
        }
        return true;
    }

    /** {@link Kernels} as TensorFlow ops after a step's gradients ({@code done}), named after the parameter. */
    private static final class Kernel implements Kernels {
        /** A variable for a kernel's ref input. */
        record Var(TfRuntime.Slot slot) implements Kernels.Variable {
        }

        private final TfRuntime rt;
        private final ExprCompiler compiler;
        private final String name;
        private final NoOp done;
        final List<Op> calls = new ArrayList<>();

        Kernel(TfRuntime rt, ExprCompiler compiler, String name, NoOp done) {
            this.rt = rt;
            this.compiler = compiler;
            this.name = name;
            this.done = done;
        }

        @Override
        public Kernels.Call op(String type) {
            java.util.Objects.requireNonNull(type, "type");
            Ops named = rt.named(rt.unique(name + "/" + type.toLowerCase(java.util.Locale.ROOT)), List.of(done));
            org.tensorflow.OperationBuilder builder;
            try {
                builder = named.scope().opBuilder(type, type);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Kernels.op(\"" + type + "\"): " + e.getMessage(), e);
            }
            return new Kernels.Call() {
                @Override
                public Kernels.Call input(Kernels.Variable v) {
                    if (!(v instanceof Var var)) {
                        throw new IllegalArgumentException(type + ": " + v + " is not a variable this step gave");
                    }
                    builder.addInput(var.slot().variable().asOutput());
                    return this;
                }

                @Override
                public Kernels.Call input(Expr value) {
                    builder.addInput(compiler.compile(java.util.Objects.requireNonNull(value, "value")).asOutput());
                    return this;
                }

                @Override
                public Kernels.Call attr(String attr, boolean value) {
                    builder.setAttr(attr, value);
                    return this;
                }

                @Override
                public void add() {
                    try {
                        calls.add(new org.tensorflow.op.RawOp(builder.build(), type) {
                        });
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("Kernels.op(\"" + type + "\") for " + name + ": TensorFlow refuses it: "
                                + e.getMessage(), e);
                    }
                }
            };
        }
    }

    /**
     * The pure update, {@code optimizer}'s {@link Optimizer#update} compiled over the given values: new
     * parameters, then each parameter's new state slots (in {@link State} order).
     *
     * @param t the 1-based number of this update, for optimizers that count steps (else may be null)
     */
    public static List<Operand<TFloat32>> next(Ops tf, Optimizer optimizer, Operand<TFloat32> t,
                                               List<Operand<TFloat32>> params, List<Operand<TFloat32>> grads,
                                               List<List<Operand<TFloat32>>> state, Operand<TFloat32> learningRate) {
        return update(tf, optimizer, t, params, applyRules(tf, optimizer.gradientRules(), params, grads), state, learningRate);
    }

    /**
     * {@code rules} applied to {@code grads} (of {@code params}), in PyTorch's order: clip each element,
     * then the global norm ({@code g *= max / (norm + 1e-6)} above {@code max}), then add {@code wd * p}.
     */
    static List<Operand<TFloat32>> applyRules(Ops tf, dev.netdsl.training.GradientRules rules, List<Operand<TFloat32>> params,
                                              List<Operand<TFloat32>> grads) {
        List<Operand<TFloat32>> out = new ArrayList<>(grads);
        if (rules.clipValue() > 0) {
            Operand<TFloat32> lo = tf.constant((float) -rules.clipValue());
            Operand<TFloat32> hi = tf.constant((float) rules.clipValue());
            out.replaceAll(g -> tf.clipByValue(g, lo, hi));
        }
        if (rules.clipNorm() > 0 && !out.isEmpty()) {
            Operand<TFloat32> sum = null;
            for (Operand<TFloat32> g : out) {
                Operand<TFloat32> s = tf.sum(tf.math.square(g), tf.range(tf.constant(0), tf.rank(g), tf.constant(1)));
                sum = sum == null ? s : tf.math.add(sum, s);
            }
            Operand<TFloat32> norm = tf.math.sqrt(sum);
            Operand<TFloat32> coef = tf.math.minimum(tf.constant(1f),
                    tf.math.div(tf.constant((float) rules.clipNorm()), tf.math.add(norm, tf.constant(1e-6f))));
            out.replaceAll(g -> tf.math.mul(g, coef));
        }
        if (rules.weightDecay() > 0) {
            Operand<TFloat32> wd = tf.constant((float) rules.weightDecay());
            for (int i = 0; i < out.size(); i++) {
                out.set(i, tf.math.add(out.get(i), tf.math.mul(wd, params.get(i))));
            }
        }
        return out;
    }

    /** The pure update over gradients that the rules were already applied to. */
    private static List<Operand<TFloat32>> update(Ops tf, Optimizer optimizer, Operand<TFloat32> t,
                                                  List<Operand<TFloat32>> params, List<Operand<TFloat32>> grads,
                                                  List<List<Operand<TFloat32>>> state, Operand<TFloat32> learningRate) {
        Map<Object, Operand<TFloat32>> bound = new IdentityHashMap<>();
        ExprCompiler compiler = new ExprCompiler(tf, new ExprCompiler.Binder() {
            @Override
            public Operand<TFloat32> bound(Object key) {
                return bound.get(key);
            }
        });
        Expr lr = leaf(bound, learningRate, new long[0]);
        Expr step = leaf(bound, t != null ? t : tf.constant(1f), new long[0]);
        List<Operand<TFloat32>> newParams = new ArrayList<>();
        List<Operand<TFloat32>> newState = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            long[] shape = shapeOf(params.get(i));
            List<Expr> s = new ArrayList<>();
            for (Operand<TFloat32> slot : state.get(i)) {
                s.add(leaf(bound, slot, shape));
            }
            Optimizer.Update u = optimizer.update(leaf(bound, params.get(i), shape), leaf(bound, grads.get(i), shape), s, lr, step);
            if (u.state().size() != s.size()) {
                throw new IllegalStateException(optimizer + ".update returned " + u.state().size() + " state tensors but declares "
                        + s.size() + " (" + optimizer.stateNames() + ")");
            }
            newParams.add(compiler.compile(u.parameter()));
            for (Expr e : u.state()) {
                newState.add(compiler.compile(e));
            }
        }
        List<Operand<TFloat32>> out = new ArrayList<>(newParams);
        out.addAll(newState);
        return out;
    }

    private static Expr leaf(Map<Object, Operand<TFloat32>> bound, Operand<TFloat32> value, long[] shape) {
        Object key = new Object();
        bound.put(key, value);
        return Nodes.expr(new Node(OpCode.BOUND, shape, new Expr[0], null, 0, key));
    }

    /** The static shape of {@code o}, -1 where unknown. */
    private static long[] shapeOf(Operand<TFloat32> o) {
        org.tensorflow.ndarray.Shape s = o.shape();
        if (s.isUnknown()) {
            return new long[0];
        }
        long[] out = new long[s.numDimensions()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i);
        }
        return out;
    }
}
