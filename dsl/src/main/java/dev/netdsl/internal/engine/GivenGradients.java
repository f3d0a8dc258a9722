package dev.netdsl.internal.engine;

import dev.netdsl.internal.OptimizerOps;
import dev.netdsl.internal.TfRuntime.Slot;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A model's optimizer applied to gradients given from outside the graph (averaged over data-parallel workers, as
 * PyTorch's DistributedDataParallel averages them before {@code optimizer.step()}): one placeholder per trained
 * parameter, in its stored layout, and the update over the model's own variables and optimizer state, with the
 * optimizer's gradient rules (clipping, weight decay) applied to the given values. Built on first use.
 */
final class GivenGradients {
    final List<Placeholder<TFloat32>> inputs = new ArrayList<>();
    final Op apply;

    GivenGradients(NetGraph g) {
        List<Slot> slots = new ArrayList<>();
        List<Operand<TFloat32>> given = new ArrayList<>();
        for (NetGraph.Tensor t : g.trained) {
            slots.add(t.slot());
            Placeholder<TFloat32> p = g.rt.placeholder(g.rt.unique(t.slot().name() + "/given_gradient"), t.slot().shape());
            inputs.add(p);
            given.add(p);
        }
        // The values are checked in Java before they are fed, so nothing waits on a loss check.
        apply = OptimizerOps.compile(g.rt, g.net.optimizer().get(), slots, given, g.optimizerState, g.learningRate,
                g.rt.tf().constant(0f), List.of());
    }
}
