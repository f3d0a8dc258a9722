package dev.netdsl.internal.engine;

import dev.netdsl.Net;
import dev.netdsl.NetDslException;
import dev.netdsl.internal.ExprCompiler;
import dev.netdsl.internal.GraphFunctions;
import dev.netdsl.internal.Guard;
import dev.netdsl.internal.OptimizerOps;
import dev.netdsl.internal.TfRuntime.Slot;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.training.Optimizer;
import dev.netdsl.training.Targets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Many training steps of a {@link NetGraph} in one native call: a {@code While} loop over the steps,
 * compiled by XLA, each step gathering its batch from the whole training set (fed once per call, by
 * reference) with row indices drawn in Java by the model's shuffler (so the batches are exactly the
 * step-by-step path's), running the training pass, its gradients and the optimizer's update on the
 * loop's own copies of the variables, and recording the step's loss (and correct predictions). Every
 * final value and every loss is checked for NaN and infinity before anything is written back, so a
 * diverged chunk changes nothing and the caller replays it step by step for the exact error and
 * rollback.
 *
 * <p>Not for nets whose training pass draws noise (dropout) or updates buffers (batch norm): XLA's
 * loop would need the step-keyed noise and the buffer writes threaded through it; those train step by
 * step ({@link NetGraph#notFusable}).
 */
public final class FusedFit {
    private static final System.Logger LOG = System.getLogger("dev.netdsl.fit");
    /** Loop-variable positions: counter, count, then the call's arguments after the count. */
    private final NetGraph g;
    private final Map<List<Integer>, Built> built = new HashMap<>();

    /** The ops of one fused loop: feeds, results and the write-back. */
    record Built(int batchSize, int chunk, Placeholder<TInt32> count, Placeholder<?> x, Placeholder<?> y,
                 Placeholder<TInt32> indices, Placeholder<TFloat32> lr, Output<TFloat32> losses, Output<TFloat32> correct,
                 Op writeBack) {
    }

    /** What one call did: the losses and correct-prediction counts of its steps. */
    record Chunk(float[] losses, float[] correct) {
    }

    FusedFit(NetGraph g) {
        this.g = g;
    }

    /** Logs at debug level which path a fit took and why ({@code System.Logger} "dev.netdsl.fit"). */
    static void say(String message) {
        LOG.log(System.Logger.Level.DEBUG, message);
    }

    /**
     * The loop for batches of {@code batchSize} rows (0: the whole set each step) and up to
     * {@code chunk} steps per call, built on first use.
     */
    Built loop(int batchSize, int chunk) {
        return built.computeIfAbsent(List.of(batchSize, chunk), k -> build(batchSize, chunk));
    }

    /**
     * Runs {@code count} steps (at most the loop's chunk) at learning rate {@code lr}: the batches are
     * rows {@code indices[s * batchSize ..]} of the data in {@code whole} for step {@code s}.
     *
     * @throws NetDslException with {@link Guard#isNonFiniteLoss} true if a loss or a value was not finite
     *     (nothing was written)
     */
    Chunk run(Built b, Feeder whole, int[] indices, int count, double lr) {
        TfRuntime rt = g.rt;
        try (TInt32 n = TInt32.scalarOf(count); TFloat32 rate = TFloat32.scalarOf((float) lr);
             TInt32 idx = b.batchSize() == 0 ? null : TInt32.tensorOf(Shape.of((long) b.chunk() * b.batchSize()),
                     DataBuffers.of(indices, true, false))) {
            Session.Runner r = whole.into(rt.runner(0), b.x(), b.y()).feed(b.count(), n).feed(b.lr(), rate);
            if (idx != null) {
                r.feed(b.indices(), idx);
            }
            r.addTarget(b.writeBack()).fetch(b.losses()).fetch(b.correct());
            try (Result result = rt.run(r, "run fused training steps")) {
                float[] losses = new float[b.chunk()];
                float[] correct = new float[b.chunk()];
                ((TFloat32) result.get(0)).copyTo(DataBuffers.of(losses, false, false));
                ((TFloat32) result.get(1)).copyTo(DataBuffers.of(correct, false, false));
                return new Chunk(Arrays.copyOf(losses, count), Arrays.copyOf(correct, count));
            }
        }
    }

    private Built build(int batchSize, int chunk) {
        TfRuntime rt = g.rt;
        Ops tf = rt.tf();
        Net net = g.net;
        Optimizer optimizer = net.optimizer().get();
        Targets kind = net.loss().get().targets();
        OptimizerOps.State state = g.optimizerState;
        List<Slot> params = new ArrayList<>();
        g.trained.forEach(t -> params.add(t.slot()));
        List<Slot> slots = new ArrayList<>();
        state.perParam().forEach(slots::addAll);
        boolean counts = state.step() != null;
        long[] xShape = NetGraph.batchShape(net.inputShape());
        long[] yShape = kind == Targets.CLASSES ? NetGraph.labelShape(net) : NetGraph.batchShape(net.outputShape());
        Class<? extends TType> yType = kind == Targets.CLASSES ? TInt32.class : TFloat32.class;

        // Loop variables: [i, n, params..., slots..., (t), x, y, (indices), lr, losses, correct].
        List<Class<? extends TType>> types = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        add(types, shapes, TInt32.class, new long[0]);
        add(types, shapes, TInt32.class, new long[0]);
        int p0 = 2;
        params.forEach(p -> add(types, shapes, TFloat32.class, p.shape()));
        int s0 = types.size();
        slots.forEach(sl -> add(types, shapes, TFloat32.class, sl.shape()));
        int c0 = types.size();
        if (counts) {
            add(types, shapes, TFloat32.class, new long[0]);
        }
        int x0 = types.size();
        add(types, shapes, ExprCompiler.tfType(net.inputType()), xShape);
        add(types, shapes, yType, yShape);
        int idx0 = types.size();
        if (batchSize > 0) {
            add(types, shapes, TInt32.class, new long[] {(long) chunk * batchSize});
        }
        int lr0 = types.size();
        add(types, shapes, TFloat32.class, new long[0]);
        int l0 = types.size();
        add(types, shapes, TFloat32.class, new long[] {chunk});
        add(types, shapes, TFloat32.class, new long[] {chunk});

        ConcreteFunction cond = GraphFunctions.create(rt.unique("fused_fit_cond"), types, shapes, (b, in) -> {
            List<Operand<?>> out = new ArrayList<>();
            out.add(b.math.less(TrainingStep.int32(in.get(0)), TrainingStep.int32(in.get(1))));
            return out;
        });
        ConcreteFunction body = GraphFunctions.create(rt.unique("fused_fit_body"), types, shapes, (b, in) -> {
            Operand<TInt32> i = TrainingStep.int32(in.get(0));
            Operand<?> x = in.get(x0);
            Operand<?> y = in.get(x0 + 1);
            if (batchSize > 0) {
                Operand<TInt32> rows = b.slice(TrainingStep.int32(in.get(idx0)), b.reshape(b.math.mul(i, b.constant(batchSize)),
                        b.constant(new int[] {1})), b.constant(new int[] {batchSize}));
                x = b.gather(x, rows, b.constant(0));
                y = b.gather(y, rows, b.constant(0));
            }
            Map<Slot, Operand<TFloat32>> bound = new IdentityHashMap<>();
            List<Operand<TFloat32>> p = new ArrayList<>();
            for (int k = 0; k < params.size(); k++) {
                p.add(TrainingStep.float32(in.get(p0 + k)));
                bound.put(params.get(k), p.get(k));
            }
            TrainingStep step = TrainingStep.build(g, b, b, x, y, slot -> {
                Operand<TFloat32> v = bound.get(slot);
                if (v == null) {
                    throw new IllegalStateException("the fused loop has no copy of " + slot.name());
                }
                return v;
            });
            Operand<TFloat32> loss = step.loss();
            List<Operand<TFloat32>> grads = step.gradients();
            List<List<Operand<TFloat32>>> st = GraphFunctions.perParam(in, s0, state);
            Operand<TFloat32> t = counts ? b.math.add(TrainingStep.float32(in.get(c0)), b.constant(1f)) : null;
            Operand<TFloat32> rate = TrainingStep.float32(in.get(lr0));
            List<Operand<?>> out = new ArrayList<>();
            out.add(b.math.add(i, b.constant(1)));
            out.add(b.identity(in.get(1)));
            out.addAll(OptimizerOps.next(b, optimizer, t, p, grads, st, rate));
            if (counts) {
                out.add(t);
            }
            for (int j = x0; j < l0; j++) {
                out.add(b.identity(in.get(j)));
            }
            Operand<TFloat32> zero = b.constant(0f);
            out.add(b.math.add(TrainingStep.float32(in.get(l0)), b.oneHot(i, b.constant(chunk), loss, zero)));
            Operand<TFloat32> right = step.correct(b, kind, y);
            out.add(b.math.add(TrainingStep.float32(in.get(l0 + 1)), b.oneHot(i, b.constant(chunk), right, zero)));
            return out;
        });
        // The function the call runs: (count, params, slots, (t), x, y, (indices), lr) -> (params, slots, (t), losses, correct).
        List<Class<? extends TType>> callTypes = types.subList(1, l0);
        List<long[]> callShapes = shapes.subList(1, l0);
        ConcreteFunction loop = GraphFunctions.create(rt.unique("fused_fit"), callTypes, callShapes, (b, in) -> {
            List<Operand<?>> start = new ArrayList<>();
            start.add(b.constant(0));
            start.addAll(in);
            start.add(b.constant(new float[chunk]));
            start.add(b.constant(new float[chunk]));
            List<Output<?>> all = b.whileOp(start, cond, body).output();
            List<Operand<?>> out = new ArrayList<>(all.subList(p0, x0));
            out.add(all.get(l0));
            out.add(all.get(l0 + 1));
            return out;
        });
        g.functions.add(cond);
        g.functions.add(body);
        g.functions.add(loop);

        Placeholder<TInt32> count = rt.named(rt.unique("fused_fit/count")).placeholder(TInt32.class,
                Placeholder.shape(Shape.scalar()));
        Placeholder<?> xIn = rt.named(rt.unique("fused_fit/x")).placeholder(ExprCompiler.tfType(net.inputType()),
                Placeholder.shape(Shape.of(xShape)));
        Placeholder<?> yIn = rt.named(rt.unique("fused_fit/y")).placeholder(yType, Placeholder.shape(Shape.of(yShape)));
        Placeholder<TInt32> indices = batchSize == 0 ? null : rt.named(rt.unique("fused_fit/indices")).placeholder(TInt32.class,
                Placeholder.shape(Shape.of((long) chunk * batchSize)));
        Placeholder<TFloat32> lr = rt.named(rt.unique("fused_fit/lr")).placeholder(TFloat32.class,
                Placeholder.shape(Shape.scalar()));
        List<Output<?>> args = new ArrayList<>();
        args.add(count.asOutput());
        params.forEach(p -> args.add(p.read().asOutput()));
        // The optimizer's slots, parameter by parameter, then its step count: the loop's order.
        state.all().forEach(sl -> args.add(sl.read().asOutput()));
        args.add(xIn.asOutput());
        args.add(yIn.asOutput());
        if (indices != null) {
            args.add(indices.asOutput());
        }
        args.add(lr.asOutput());
        int results = x0 - p0 + 2;
        Operation call = GraphFunctions.callCompiled(rt, "fused_fit_loop", loop, args, results);
        // Every final value and every step's loss is checked before anything is written back; the losses and
        // correct counts are fetched after the write-back, so only from a chunk that passed.
        List<Slot> targets = new ArrayList<>(params);
        targets.addAll(state.all());
        Op writeBack = GraphFunctions.checkedWriteBack(rt, "fused_fit_write_back", call, results - 1, targets);
        Ops written = tf.withControlDependencies(List.of(writeBack));
        Output<TFloat32> losses = written.identity(call.output(results - 2).expect(TFloat32.class)).asOutput();
        Output<TFloat32> correct = written.identity(call.output(results - 1).expect(TFloat32.class)).asOutput();
        return new Built(batchSize, chunk, count, xIn, yIn, indices, lr, losses, correct, writeBack);
    }

    private static void add(List<Class<? extends TType>> types, List<long[]> shapes, Class<? extends TType> type, long[] shape) {
        types.add(type);
        shapes.add(shape);
    }
}
