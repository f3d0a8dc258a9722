package dev.netdsl.autograd;

import dev.netdsl.Expr;
import dev.netdsl.NetDslException;
import dev.netdsl.TrainingDivergedException;
import dev.netdsl.internal.ExprCompiler;
import dev.netdsl.internal.Guard;
import dev.netdsl.internal.OptimizerOps;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.training.Optimizer;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
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
    private final OptimizerOps.State state;
    private final Operand<TFloat32> learningRate;
    private final Operand<TFloat32> lossOut;
    private final Op train;
    private final Guard guard;
    private long stepsTaken;
    private float lastLoss = Float.NaN;
    private final List<ConcreteFunction> functions = new ArrayList<>();
    private FusedLoop.Fused fused;

    Minimizer(Autograd ag, Expr loss, Optimizer optimizer, List<Var> vars, List<Input> inputs) {
        this.ag = ag;
        this.loss = loss;
        this.optimizer = optimizer;
        this.vars = List.copyOf(vars);
        this.inputs = List.copyOf(inputs);
        TfRuntime rt = ag.rt;
        Ops tf = rt.tf();
        ExprCompiler compiler = new ExprCompiler(tf, Leaves.binder(leaf -> leaf instanceof Var v ? v.slot.read()
                : ((Input) leaf).placeholder));
        lossOut = compiler.compile(loss);
        List<Operand<TFloat32>> reads = new ArrayList<>();
        for (Var v : vars) {
            params.add(v.slot);
            reads.add(v.slot.read());
        }
        variableElements = params.stream().mapToDouble(TfRuntime.Slot::size).sum();
        List<Operand<TFloat32>> grads = dev.netdsl.internal.GraphFunctions.gradients(tf, lossOut, reads);
        state = OptimizerOps.state(rt, optimizer, params);
        learningRate = rt.named(rt.unique("learning_rate")).placeholderWithDefault(tf.constant((float) optimizer.learningRate()),
                Shape.scalar());
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
        train = OptimizerOps.compile(rt, optimizer, params, grads, state, learningRate, Guard.check(rt, lossOut), List.of());
    }

    /** The variables this minimizer trains, in the order the loss first uses them. */
    public List<Var> variables() {
        return vars;
    }

    /**
     * One update; returns the loss before it (PyTorch's {@code pred.item()} in the gradient-descent tutorial's loop).
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
                Leaves.feed(r, feeds, inputs, opened);
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
                    Leaves.feed(again, feeds, inputs, opened);
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
            Leaves.feed(r, feeds, inputs, opened);
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
        FusedLoop.Fused loop = ag.inGraph("build the fused loop", () -> fused == null
                ? fused = FusedLoop.build(ag.rt, loss, optimizer, vars, inputs, params, state, functions) : fused);
        return ag.rt.exclusive("steps", () -> {
            List<Tensor> opened = new ArrayList<>();
            try (TInt32 count = TInt32.scalarOf(n)) {
                Session.Runner r = ag.rt.session().runner().feed(loop.count(), count);
                Leaves.feed(r, feeds, inputs, opened);
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

    /** Frees the native functions of the fused loop (the graph keeps its own copies). */
    void close() {
        functions.forEach(ConcreteFunction::close);
        functions.clear();
    }
}
