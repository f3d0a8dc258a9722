package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.Expr;
import dev.netdsl.Precision;
import dev.netdsl.internal.ExprCompiler;
import dev.netdsl.internal.Node;
import dev.netdsl.internal.Nodes;
import dev.netdsl.internal.OpCode;
import dev.netdsl.internal.ParamRef;
import dev.netdsl.internal.TfRuntime.Slot;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.LayerContext;
import dev.netdsl.training.Loss;
import dev.netdsl.training.Targets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One compilation of a {@link NetGraph}'s forward pass, for training or for inference, over {@code input} with the
 * parameters {@code read} gives (the variables, or a fused loop's own copies of them) and the
 * targets {@code targets} (the placeholder {@link NetGraph#y} when null): it binds the layers' parameters and
 * buffers, expands each layer application, draws the training pass's noise, and counts the FLOPs.
 */
public final class ForwardPass implements ExprCompiler.Binder {
    private final NetGraph g;
    final Ops tf;
    final boolean training;
    final ExprCompiler compiler;
    final Set<Slot> reached = new LinkedHashSet<>();
    /** Each updated buffer's new value; a buffer updated twice (a layer applied twice) updates the first update. */
    final Map<Slot, Expr> updates = new LinkedHashMap<>();
    double flops;
    boolean noise;
    private final Operand<?> input;
    private final Operand<?> targetValues;
    private final java.util.function.Function<Slot, Operand<TFloat32>> read;

    ForwardPass(NetGraph g, Ops tf, boolean training, Operand<?> input, Operand<?> targets,
                java.util.function.Function<Slot, Operand<TFloat32>> read) {
        this.g = g;
        this.tf = tf;
        this.training = training;
        this.input = input;
        this.targetValues = targets != null ? targets : g.y;
        this.read = read;
        this.compiler = new ExprCompiler(tf, this);
    }

    Operand<TFloat32> loss(Loss spec, Operand<TFloat32> h) {
        Expr out = Nodes.expr(new Node(OpCode.BOUND, NetGraph.batchShape(g.net.outputShape()), new Expr[0], null, 0, h));
        Object targetKey = new Object();
        Expr target = Nodes.expr(new Node(OpCode.BOUND, NetGraph.batchShape(g.net.outputShape()), new Expr[0], null, 0, targetKey));
        targets = targetKey;
        return compiler.compile(spec.elementwise(out, target));
    }

    private Object targets;

    @Override
    public Operand<TFloat32> bound(Object key) {
        if (key == targets) {
            if (g.net.loss().get().targets() == Targets.CLASSES) {
                // Integer labels become one-hot rows: SparseSoftmaxCrossEntropyWithLogits has no gradient in TF Java
                // 1.1.0, SoftmaxCrossEntropyWithLogits has one (docs/tensorflow-notes.md).
                return tf.oneHot(targetValues.asOutput().expect(TInt32.class), tf.constant(g.classes()),
                        tf.constant(1f), tf.constant(0f));
            }
            return targetValues.asOutput().expect(TFloat32.class);
        }
        @SuppressWarnings("unchecked")
        Operand<TFloat32> value = (Operand<TFloat32>) key;
        return value;
    }

    @Override
    public boolean bfloat16() {
        return g.precision == Precision.BF16;
    }

    @Override
    public Operand<?> modelInput() {
        return input;
    }

    @Override
    public Operand<TFloat32> parameter(ParamRef ref) {
        NetGraph.Tensor t = g.tensor(ref);
        reached.add(t.slot());
        return read.apply(t.slot());
    }

    @Override
    public Expr expand(Layer layer, Expr input, int use) {
        Map<String, NetGraph.Tensor> own = g.byLayer.get(layer);
        if (own == null) {
            throw new IllegalArgumentException(layer + " is used in forward() but not registered; register it with"
                    + " add(\"name\", layer) (a plain Java list of layers is not registered, use addList)");
        }
        // A matrix applied to each example ([batch, features]) or to each position of a sequence ([batch, T,
        // features]: T times, as Linear per position and a recurrence's weights are); not a lookup table over ids.
        Node node = Nodes.of(input);
        long[] in = node.shape();
        double positions = in.length == 3 ? Math.max(1, in[1]) : 1;
        for (NetGraph.Tensor t : own.values()) {
            if (t.spec().shape().length == 2 && !node.dtype().isInteger() && (in.length == 2 || in.length == 3)) {
                flops += 2.0 * t.spec().size() * positions;
            }
        }
        int[] salt = {use * 64};
        Expr out = layer.forward(input, new LayerContext() {
            @Override
            public Expr parameter(String name) {
                NetGraph.Tensor t = own.get(name);
                if (t == null) {
                    throw new IllegalArgumentException(layer + " asks for a tensor '" + name + "' it does not declare; it has "
                            + own.keySet());
                }
                Expr updated = training ? updates.get(t.slot()) : null;
                if (updated != null) {
                    return updated; // read after this pass updated it (the layer's earlier application), as in PyTorch
                }
                long[] shape = Arrays.stream(t.spec().storedShape()).asLongStream().toArray();
                return Nodes.expr(new Node(OpCode.PARAM, shape, new Expr[0], null, 0, new ParamRef(layer, name)));
            }

            @Override
            public boolean training() {
                return training;
            }

            @Override
            public void update(String name, Expr value) {
                NetGraph.Tensor t = own.get(name);
                if (t == null || !g.buffers.contains(t)) {
                    throw new IllegalArgumentException(layer + " updates '" + name + "', which is not one of its buffers");
                }
                if (training) {
                    updates.put(t.slot(), value);
                }
            }

            @Override
            public Expr uniform(Expr like) {
                return Nodes.expr(new Node(OpCode.RANDOM_UNIFORM, like.shape(), new Expr[] {like}, null, salt[0]++, null));
            }

            @Override
            public Expr netInput() {
                return access().inputExpr(g.net);
            }
        });
        return out;
    }

    /**
     * Stateless noise keyed by (seed, salt, step), so a replayed step draws the same. Its shape takes the
     * batch size from the input placeholder, not from the noisy tensor: a shape read from anything the
     * variables reach puts the random op on the gradient's path, and it has no gradient
     * (docs/tensorflow-notes.md).
     */
    @Override
    public Operand<TFloat32> uniform(Ops ops, long[] shape, int salt) {
        noise = true;
        Operand<TInt64> seeds = ops.stack(List.of(ops.constant(g.seed * 31 + salt), g.step));
        long[] rest = Arrays.copyOfRange(shape, 1, shape.length);
        Operand<TInt64> dims = ops.concat(List.of(ops.slice(ops.shape(g.x, TInt64.class), ops.constant(new int[] {0}),
                ops.constant(new int[] {1})), ops.constant(rest)), ops.constant(0));
        return ops.random.statelessRandomUniform(dims, seeds, TFloat32.class);
    }
}
