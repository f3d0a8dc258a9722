package dev.netdsl.autograd;

import dev.netdsl.Expr;
import dev.netdsl.internal.ExprCompiler;
import dev.netdsl.internal.GraphFunctions;
import dev.netdsl.internal.OptimizerOps;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.training.Optimizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/** The while-loop form of a {@link Minimizer}: many updates in one native call, compiled by XLA. */
final class FusedLoop {
    private FusedLoop() {
    }

    /** The loop's inputs and outputs in the main graph. */
    record Fused(Placeholder<TInt32> count, Operand<TFloat32> lastLoss, Op writeBack) {
    }

    /**
     * Loop variables: [i, n, params..., state..., (step count), inputs..., loss], the counters int32
     * (a float32 counter stops at 2^24, where i + 1 == i), the rest float32. The body rebuilds
     * the loss from the loop's own copies of the variables, differentiates it there, applies
     * {@link OptimizerOps#next} and hands the new values to the next iteration; after the loop, the final
     * values are written back to the variables.
     *
     * <p>The loop is a functional {@code While} inside a function called through
     * {@code StatefulPartitionedCall} with {@code _XlaMustCompile}: XLA compiles the whole loop once
     * (about 0.1 s for Himmelblau) and then runs 20,000 Adam steps in milliseconds, where TensorFlow's
     * executor spends 25-60 us per iteration (docs/tensorflow-notes.md).
     */
    static Fused build(TfRuntime rt, Expr loss, Optimizer optimizer, List<Var> vars, List<Input> inputs,
                       List<TfRuntime.Slot> params, OptimizerOps.State state, List<ConcreteFunction> functions) {
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
        inputs.forEach(in -> shapes.add(in.shape()));
        shapes.add(new long[0]);
        int p0 = 2;
        int s0 = p0 + params.size();
        int c0 = s0 + slots.size();
        int i0 = c0 + (counts ? 1 : 0);
        int l0 = i0 + inputs.size();

        ConcreteFunction cond = function(rt.unique("fused_cond"), 2, shapes, (b, in) -> {
            List<Operand<?>> out = new ArrayList<>();
            out.add(b.math.less(counter(in, 0), counter(in, 1)));
            return out;
        });
        ConcreteFunction body = function(rt.unique("fused_body"), 2, shapes, (b, in) -> {
            List<Operand<TFloat32>> p = floats(in, p0, s0);
            Map<Var, Operand<TFloat32>> bound = new HashMap<>();
            for (int k = 0; k < vars.size(); k++) {
                bound.put(vars.get(k), p.get(k));
            }
            Map<Input, Operand<TFloat32>> fed = new HashMap<>();
            for (int k = 0; k < inputs.size(); k++) {
                fed.put(inputs.get(k), floats(in, i0 + k, i0 + k + 1).get(0));
            }
            Operand<TFloat32> l = new ExprCompiler(b, Leaves.binder(leaf -> leaf instanceof Var v ? bound.get(v)
                    : fed.get(leaf))).compile(loss);
            List<Operand<TFloat32>> gs = GraphFunctions.gradients(b, l, p);
            List<List<Operand<TFloat32>>> st = GraphFunctions.perParam(in, s0, state);
            Operand<TFloat32> t = counts ? b.math.add(floats(in, c0, c0 + 1).get(0), b.constant(1f)) : null;
            List<Operand<?>> out = new ArrayList<>();
            out.add(b.math.add(counter(in, 0), b.constant(1)));
            out.add(b.identity(counter(in, 1)));
            out.addAll(OptimizerOps.next(b, optimizer, t, new ArrayList<>(p), gs, st, b.constant((float) optimizer.learningRate())));
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
        ConcreteFunction loop = function(rt.unique("fused_loop"), 1, callShapes, (b, in) -> {
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
        // The optimizer's slots, parameter by parameter, then its step count: the loop's order.
        state.all().forEach(sl -> args.add(sl.read().asOutput()));
        inputs.forEach(in -> args.add(in.placeholder.asOutput()));
        int results = l0 - p0 + 1;
        Operation call = GraphFunctions.callCompiled(rt, "fused", loop, args, results);
        // The final values are written back once the whole loop is done, and only if they and the last loss
        // are all finite.
        List<TfRuntime.Slot> targets = new ArrayList<>(params);
        targets.addAll(state.all());
        Op writeBack = GraphFunctions.checkedWriteBack(rt, "fused_write_back", call, results, targets);
        return new Fused(count, call.output(results - 1).expect(TFloat32.class), writeBack);
    }

    /**
     * A graph function with inputs of {@code shapes}: the first {@code counters} int32 scalars (the
     * loop counters), the rest float32; its outputs are what {@code body} returns.
     */
    private static ConcreteFunction function(String key, int counters, List<long[]> shapes,
                                             BiFunction<Ops, List<Operand<?>>, List<Operand<?>>> body) {
        List<Class<? extends TType>> types = new ArrayList<>();
        for (int k = 0; k < shapes.size(); k++) {
            types.add(k < counters ? TInt32.class : TFloat32.class);
        }
        return GraphFunctions.create(key, types, shapes, body);
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

}
