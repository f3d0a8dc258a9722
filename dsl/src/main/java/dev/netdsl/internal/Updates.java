package dev.netdsl.internal;

import dev.netdsl.Optimizer;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.NoOp;
import org.tensorflow.types.TFloat32;

/**
 * Optimizers as graph ops, with PyTorch's update rules. Two forms share one state layout:
 * {@link #compile} adds in-place per-step updates (TensorFlow's fused kernels where they compute
 * exactly PyTorch's rule, otherwise {@link #next} followed by assigns), and {@link #next} is the
 * pure update math that fused training loops carry from iteration to iteration.
 */
public final class Updates {
    private Updates() {
    }

    /**
     * An optimizer's state: for each parameter its slots (momentum buffer, Adam's moments, ...) in
     * the order {@link #next} reads and returns them, the update counter (Adam only, else null), and
     * the slots' names, PyTorch's state keys ({@code exp_avg}, {@code momentum_buffer}, ...).
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
        List<String> kinds = slotNames(optimizer);
        List<List<TfRuntime.Slot>> perParam = new ArrayList<>();
        for (TfRuntime.Slot p : params) {
            List<TfRuntime.Slot> slots = new ArrayList<>();
            for (String kind : kinds) {
                slots.add(rt.variable(p.name() + "/" + kind, p.shape(), new float[p.size()]));
            }
            perParam.add(slots);
        }
        TfRuntime.Slot step = optimizer instanceof Optimizer.Adam ? rt.variable("optimizer/step", new long[0], new float[1]) : null;
        return new State(perParam, step, kinds);
    }

    /** The per-parameter state of each optimizer, named as {@code torch.optim} names it. */
    private static List<String> slotNames(Optimizer optimizer) {
        if (optimizer instanceof Optimizer.Sgd sgd) {
            return sgd.momentum() == 0 ? List.of() : List.of("momentum_buffer");
        } else if (optimizer instanceof Optimizer.Adam) {
            return List.of("exp_avg", "exp_avg_sq");
        } else if (optimizer instanceof Optimizer.RmsProp) {
            return List.of("square_avg");
        } else if (optimizer instanceof Optimizer.AdaGrad) {
            return List.of("sum");
        } else if (optimizer instanceof Optimizer.AdaDelta) {
            return List.of("square_avg", "acc_delta");
        }
        throw new IllegalArgumentException("no update rule for the optimizer " + optimizer);
    }

    /**
     * Adds the ops that apply {@code gradients} to {@code params} once and returns one op that runs
     * them all. Every update has a control edge from the whole backward pass: a variable's read
     * aliases its buffer, so an in-place update that ran while another gradient still reads the weight
     * would corrupt that gradient (docs/tensorflow-notes.md). An IdentityN barrier is not enough
     * (Grappler removes it); control edges stay. Updates also wait for {@code ready} (the loss check of
     * {@link Guard#check}), so a non-finite loss changes nothing.
     */
    public static Op compile(TfRuntime rt, Optimizer optimizer, List<TfRuntime.Slot> params, List<Output<?>> gradients,
                             State state, Operand<TFloat32> ready) {
        List<Operation> producers = new ArrayList<>();
        producers.add(ready.asOutput().op());
        List<Operand<TFloat32>> grads = new ArrayList<>();
        for (Output<?> g : gradients) {
            producers.add(g.op());
            grads.add(g.expect(TFloat32.class));
        }
        NoOp done = NoOp.create(rt.tf().scope().withName(rt.unique("gradients_done")).withControlDependencyOps(producers));
        Ops tf = rt.tf().withControlDependencies(List.of(done));
        List<Op> updates = new ArrayList<>();
        if (optimizer instanceof Optimizer.Sgd sgd) {
            Operand<TFloat32> lr = tf.constant((float) sgd.learningRate());
            for (int i = 0; i < params.size(); i++) {
                TfRuntime.Slot p = params.get(i);
                Ops named = rt.named(rt.unique(p.name() + "/sgd"), List.of(done));
                if (sgd.momentum() == 0) {
                    updates.add(named.train.applyGradientDescent(p.variable(), lr, grads.get(i)));
                } else {
                    updates.add(named.train.applyMomentum(p.variable(), state.perParam().get(i).get(0).variable(), lr,
                            grads.get(i), tf.constant((float) sgd.momentum())));
                }
            }
        } else if (optimizer instanceof Optimizer.Adam adam) {
            // TF's ApplyAdam uses lr_t = lr*sqrt(1-b2^t)/(1-b1^t) and divides by sqrt(v)+eps; PyTorch divides
            // by sqrt(v)/sqrt(1-b2^t)+eps. Feeding eps*sqrt(1-b2^t) as ApplyAdam's epsilon makes them equal.
            Operand<TFloat32> t = tf.identity(rt.named(rt.unique("optimizer/next_step"), List.of(done))
                    .assignAdd(state.step().variable(), tf.constant(1f)));
            Operand<TFloat32> b1 = tf.constant((float) adam.beta1());
            Operand<TFloat32> b2 = tf.constant((float) adam.beta2());
            Operand<TFloat32> b1Power = tf.math.pow(b1, t);
            Operand<TFloat32> b2Power = tf.math.pow(b2, t);
            Operand<TFloat32> eps = tf.math.mul(tf.constant((float) adam.epsilon()),
                    tf.math.sqrt(tf.math.sub(tf.constant(1f), b2Power)));
            Operand<TFloat32> lr = tf.constant((float) adam.learningRate());
            for (int i = 0; i < params.size(); i++) {
                TfRuntime.Slot p = params.get(i);
                List<TfRuntime.Slot> s = state.perParam().get(i);
                updates.add(rt.named(rt.unique(p.name() + "/adam"), List.of(done)).train.applyAdam(p.variable(),
                        s.get(0).variable(), s.get(1).variable(), b1Power, b2Power, lr, b1, b2, eps, grads.get(i)));
            }
        } else {
            // No TF kernel computes PyTorch's rule: compute every new value first, then assign them all.
            List<Operand<TFloat32>> reads = new ArrayList<>();
            List<List<Operand<TFloat32>>> stateReads = new ArrayList<>();
            List<TfRuntime.Slot> targets = new ArrayList<>(params);
            for (int i = 0; i < params.size(); i++) {
                reads.add(params.get(i).read());
                List<Operand<TFloat32>> sr = new ArrayList<>();
                for (TfRuntime.Slot s : state.perParam().get(i)) {
                    sr.add(s.read());
                    targets.add(s);
                }
                stateReads.add(sr);
            }
            List<Operand<TFloat32>> next = next(tf, optimizer, null, reads, grads, stateReads);
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

    /** True if the optimizer needs the update count (Adam's bias correction). */
    public static boolean countsSteps(Optimizer optimizer) {
        return optimizer instanceof Optimizer.Adam;
    }

    /**
     * The pure update: new parameters, then each parameter's new state slots (in {@link State}
     * order), as PyTorch's {@code torch.optim} computes them.
     *
     * @param t the 1-based number of this update, for optimizers that {@link #countsSteps count}
     */
    public static List<Operand<TFloat32>> next(Ops tf, Optimizer optimizer, Operand<TFloat32> t,
                                               List<Operand<TFloat32>> params, List<Operand<TFloat32>> grads,
                                               List<List<Operand<TFloat32>>> state) {
        List<Operand<TFloat32>> newParams = new ArrayList<>();
        List<Operand<TFloat32>> newState = new ArrayList<>();
        Operand<TFloat32> lr = tf.constant((float) optimizer.learningRate());
        Operand<TFloat32> one = tf.constant(1f);
        for (int i = 0; i < params.size(); i++) {
            Operand<TFloat32> p = params.get(i);
            Operand<TFloat32> g = grads.get(i);
            List<Operand<TFloat32>> s = state.get(i);
            Operand<TFloat32> step;
            if (optimizer instanceof Optimizer.Sgd sgd) {
                if (sgd.momentum() == 0) {
                    step = g;
                } else {
                    Operand<TFloat32> buf = tf.math.add(tf.math.mul(tf.constant((float) sgd.momentum()), s.get(0)), g);
                    newState.add(buf);
                    step = buf;
                }
            } else if (optimizer instanceof Optimizer.Adam adam) {
                Operand<TFloat32> b1 = tf.constant((float) adam.beta1());
                Operand<TFloat32> b2 = tf.constant((float) adam.beta2());
                Operand<TFloat32> m = tf.math.add(tf.math.mul(b1, s.get(0)), tf.math.mul(tf.math.sub(one, b1), g));
                Operand<TFloat32> v = tf.math.add(tf.math.mul(b2, s.get(1)), tf.math.mul(tf.math.sub(one, b2), tf.math.square(g)));
                newState.add(m);
                newState.add(v);
                Operand<TFloat32> c1 = tf.math.sub(one, tf.math.pow(b1, t));
                Operand<TFloat32> c2 = tf.math.sqrt(tf.math.sub(one, tf.math.pow(b2, t)));
                // p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps), as torch.optim.Adam
                step = tf.math.div(tf.math.div(m, c1),
                        tf.math.add(tf.math.div(tf.math.sqrt(v), c2), tf.constant((float) adam.epsilon())));
            } else if (optimizer instanceof Optimizer.RmsProp rms) {
                Operand<TFloat32> a = tf.constant((float) rms.alpha());
                Operand<TFloat32> v = tf.math.add(tf.math.mul(a, s.get(0)), tf.math.mul(tf.math.sub(one, a), tf.math.square(g)));
                newState.add(v);
                step = tf.math.div(g, tf.math.add(tf.math.sqrt(v), tf.constant((float) rms.epsilon())));
            } else if (optimizer instanceof Optimizer.AdaGrad ada) {
                Operand<TFloat32> sum = tf.math.add(s.get(0), tf.math.square(g));
                newState.add(sum);
                step = tf.math.div(g, tf.math.add(tf.math.sqrt(sum), tf.constant((float) ada.epsilon())));
            } else {
                Optimizer.AdaDelta ad = (Optimizer.AdaDelta) optimizer;
                Operand<TFloat32> rho = tf.constant((float) ad.rho());
                Operand<TFloat32> eps = tf.constant((float) ad.epsilon());
                Operand<TFloat32> v = tf.math.add(tf.math.mul(rho, s.get(0)), tf.math.mul(tf.math.sub(one, rho), tf.math.square(g)));
                Operand<TFloat32> delta = tf.math.mul(tf.math.div(tf.math.sqrt(tf.math.add(s.get(1), eps)),
                        tf.math.sqrt(tf.math.add(v, eps))), g);
                Operand<TFloat32> u = tf.math.add(tf.math.mul(rho, s.get(1)), tf.math.mul(tf.math.sub(one, rho), tf.math.square(delta)));
                newState.add(v);
                newState.add(u);
                step = delta;
            }
            newParams.add(tf.math.sub(p, tf.math.mul(lr, step)));
        }
        List<Operand<TFloat32>> out = new ArrayList<>(newParams);
        out.addAll(newState);
        return out;
    }
}
