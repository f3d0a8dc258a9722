package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.internal.GraphFunctions;
import dev.netdsl.internal.TfRuntime.Slot;
import dev.netdsl.training.Targets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One training step's computation, built by this one class for both places a step runs: the training
 * pass over a batch, its loss, the loss's gradients with respect to the parameters the pass reaches, the
 * batch's right answers, and the buffer updates. {@link NetGraph} builds it over the variables and applies
 * the optimizer in place (one step per call); {@link FusedFit} builds it inside its loop over the loop's
 * own copies and applies the optimizer's pure update.
 *
 * @param pass the training pass (its compiler, buffer updates, noise)
 * @param output the pass's output
 * @param loss the mean loss over the batch
 * @param trained the parameters the pass reaches, in {@link NetGraph#parameters} order
 * @param gradients the loss's gradient with respect to each of {@code trained}
 */
public record TrainingStep(ForwardPass pass, Operand<TFloat32> output, Operand<TFloat32> loss, List<NetGraph.Tensor> trained,
                    List<Operand<TFloat32>> gradients) {

    /**
     * The step over inputs {@code x} and targets {@code y} in graph {@code b}, the parameters as {@code read}
     * gives them; the loss is named by {@code named} (the graph's own ops, or {@code b} inside a function).
     */
    static TrainingStep build(NetGraph g, Ops b, Ops named, Operand<?> x, Operand<?> y, Function<Slot, Operand<TFloat32>> read) {
        ForwardPass pass = new ForwardPass(g, b, true, x, y, read);
        Operand<TFloat32> h = pass.compiler.compile(access().forward(g.net, access().inputExpr(g.net)));
        Operand<TFloat32> loss = NetGraph.reduce(named, pass.loss(g.net.loss().get(), h));
        // Only parameters the forward pass reaches are trained (like PyTorch, whose unused parameters get no gradient);
        // asking TensorFlow for the gradient of an unreachable variable fails.
        List<NetGraph.Tensor> trained = new ArrayList<>();
        List<Operand<TFloat32>> reads = new ArrayList<>();
        for (NetGraph.Tensor t : g.parameters) {
            if (pass.reached.contains(t.slot())) {
                trained.add(t);
                reads.add(read.apply(t.slot()));
            }
        }
        List<Operand<TFloat32>> gradients = reads.isEmpty() ? List.of() : GraphFunctions.gradients(b, loss, reads);
        return new TrainingStep(pass, h, loss, trained, gradients);
    }

    /**
     * The batch's right answers as a float scalar: outputs whose arg-max is the label, or, for 0/1 targets,
     * output elements on the target's side of 0 (0 for a regression). The one place training accuracy is counted.
     */
    Operand<TFloat32> correct(Ops b, Targets kind, Operand<?> y) {
        Operand<TFloat32> zero = b.constant(0f);
        if (kind == Targets.CLASSES) {
            int rank = output.shape().numDimensions();
            int[] axes = new int[rank - 1];
            Arrays.setAll(axes, a -> a);
            return b.reduceSum(b.dtypes.cast(b.math.equal(b.math.argMax(output, b.constant(rank - 1), TInt32.class), int32(y)),
                    TFloat32.class), b.constant(axes));
        }
        if (kind == Targets.BINARY) {
            Operand<TFloat32> agree = b.dtypes.cast(b.math.equal(b.math.greater(output, zero),
                    b.math.greater(float32(y), b.constant(0.5f))), TFloat32.class);
            int[] axes = new int[output.shape().numDimensions()];
            Arrays.setAll(axes, a -> a);
            return b.reduceSum(agree, b.constant(axes));
        }
        return zero;
    }

    /**
     * How many answers {@link #correct} counts in a batch of {@code rows} of a net giving {@code out}: one per example
     * (or per position of a sequence), or per 0/1 target.
     */
    static long counted(Targets kind, int rows, int[] out) {
        long width = 1;
        for (int d : out) {
            width *= d;
        }
        return kind == Targets.CLASSES ? (long) rows * (out.length == 1 ? 1 : out[0]) : rows * width;
    }

    /** {@code o} as int32 labels or ids (an input placeholder whose type the net decides). */
    @SuppressWarnings("unchecked")
    static Operand<TInt32> int32(Operand<?> o) {
        return (Operand<TInt32>) o;
    }

    /** {@code o} as float32 values. */
    @SuppressWarnings("unchecked")
    static Operand<TFloat32> float32(Operand<?> o) {
        return (Operand<TFloat32>) o;
    }
}
