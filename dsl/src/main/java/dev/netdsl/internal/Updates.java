package dev.netdsl.internal;

import dev.netdsl.Optimizer;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.Operation;
import org.tensorflow.op.core.NoOp;
import org.tensorflow.types.TFloat32;

/**
 * Compiles an {@link Optimizer} into in-place update ops on a runtime's variables, with PyTorch's
 * update rules. Every update has a control edge from the whole backward pass, so no in-place update
 * overwrites a weight that another gradient still reads.
 */
public final class Updates {
    private Updates() {
    }

    /**
     * Adds the ops that apply {@code gradients} to {@code params} and returns one op that runs them
     * all. Optimizer state (momentum buffers, Adam moments and step count) becomes extra variables
     * in {@code rt}, starting from zero.
     */
    public static Op compile(TfRuntime rt, Optimizer optimizer, List<TfRuntime.Slot> params, List<Output<?>> gradients) {
        // Every update waits for the whole backward pass: a variable's read aliases its buffer, so an
        // in-place update that ran while another gradient still reads the weight would corrupt that
        // gradient. An IdentityN barrier is not enough (Grappler removes it); control edges stay.
        List<Operation> producers = new ArrayList<>();
        List<Operand<TFloat32>> grads = new ArrayList<>();
        for (Output<?> g : gradients) {
            producers.add(g.op());
            grads.add(g.expect(TFloat32.class));
        }
        NoOp done = NoOp.create(rt.tf().scope().withName("gradients_done").withControlDependencyOps(producers));
        Ops tf = rt.tf().withControlDependencies(List.of(done));
        List<Op> updates = new ArrayList<>();
        if (optimizer instanceof Optimizer.Sgd sgd) {
            Operand<TFloat32> lr = tf.constant((float) sgd.learningRate());
            for (int i = 0; i < params.size(); i++) {
                TfRuntime.Slot p = params.get(i);
                if (sgd.momentum() == 0) {
                    updates.add(TfRuntime.named(tf, p.name() + "/sgd").train.applyGradientDescent(p.variable(), lr, grads.get(i)));
                } else {
                    TfRuntime.Slot buf = rt.variable(p.name() + "/momentum", p.shape(), new float[p.size()]);
                    updates.add(TfRuntime.named(tf, p.name() + "/sgd").train.applyMomentum(p.variable(), buf.variable(), lr,
                            grads.get(i), tf.constant((float) sgd.momentum())));
                }
            }
        } else if (optimizer instanceof Optimizer.Adam adam) {
            // TF's ApplyAdam uses lr_t = lr*sqrt(1-b2^t)/(1-b1^t) and divides by sqrt(v)+eps; PyTorch divides
            // by sqrt(v)/sqrt(1-b2^t)+eps. Feeding eps*sqrt(1-b2^t) as ApplyAdam's epsilon makes them equal.
            TfRuntime.Slot step = rt.variable("adam/step", new long[0], new float[1]);
            Operand<TFloat32> t = tf.identity(TfRuntime.named(tf, "adam/next_step").assignAdd(step.variable(), tf.constant(1f)));
            Operand<TFloat32> b1 = tf.constant((float) adam.beta1());
            Operand<TFloat32> b2 = tf.constant((float) adam.beta2());
            Operand<TFloat32> b1Power = tf.math.pow(b1, t);
            Operand<TFloat32> b2Power = tf.math.pow(b2, t);
            Operand<TFloat32> eps = tf.math.mul(tf.constant((float) adam.epsilon()),
                    tf.math.sqrt(tf.math.sub(tf.constant(1f), b2Power)));
            Operand<TFloat32> lr = tf.constant((float) adam.learningRate());
            for (int i = 0; i < params.size(); i++) {
                TfRuntime.Slot p = params.get(i);
                TfRuntime.Slot m = rt.variable(p.name() + "/adam_m", p.shape(), new float[p.size()]);
                TfRuntime.Slot v = rt.variable(p.name() + "/adam_v", p.shape(), new float[p.size()]);
                updates.add(TfRuntime.named(tf, p.name() + "/adam").train.applyAdam(p.variable(), m.variable(), v.variable(),
                        b1Power, b2Power, lr, b1, b2, eps, grads.get(i)));
            }
        } else {
            throw new IllegalArgumentException("unsupported optimizer " + optimizer);
        }
        return tf.withName("train").withControlDependencies(updates).noOp();
    }
}
