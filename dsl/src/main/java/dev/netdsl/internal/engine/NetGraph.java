package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.Device;
import dev.netdsl.Expr;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.Precision;
import dev.netdsl.Tensor;
import dev.netdsl.internal.Cpu;
import dev.netdsl.internal.ExprCompiler;
import dev.netdsl.internal.Guard;
import dev.netdsl.internal.OptimizerOps;
import dev.netdsl.internal.ParamRef;
import dev.netdsl.internal.TfRuntime.Slot;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.ParameterSpec;
import dev.netdsl.training.Loss;
import dev.netdsl.training.Targets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The TensorFlow graph a {@link Net} compiles to: one variable per declared parameter and buffer of
 * each layer (a layer used twice has one set), the forward pass twice over the same variables (an
 * inference pass for predict/evaluate/loss/export, a training pass whose layers may use randomness
 * and update buffers), the loss of each, the gradients of the training loss, the optimizer's state and
 * update, and the divergence guard. Nothing here names a concrete layer, loss or optimizer type.
 */
public final class NetGraph implements AutoCloseable {
    /** One declared tensor of one layer and its variable. */
    public record Tensor(String name, ParameterSpec spec, Slot slot) {
    }

    public final Net net;
    public final TfRuntime rt;
    /** The inputs: float32, or int32 for nets whose {@link Net#inputType()} says so. */
    public final Placeholder<?> x;
    /** Float targets, or int32 labels for {@link Targets#CLASSES}; null without a loss. */
    final Placeholder<?> y;
    public final Operand<TFloat32> output;
    /** Inference loss and per-example losses; null without a loss. */
    final Operand<TFloat32> loss;
    final Operand<TFloat32> perExample;
    /** The training pass's loss and its update op, and the inputs the trainer feeds; null without an optimizer. */
    final Operand<TFloat32> trainLoss;
    /** The training batch's right answers ({@link TrainingStep#correct}), or null. */
    final Operand<TFloat32> trainCorrect;
    final Op train;
    /** The training loss's gradient with respect to each of {@link #trained} (stored layout); null without an optimizer. */
    final List<Operand<TFloat32>> gradients;
    /** The layer whose training pass updates buffers (batch norm's running statistics), or null. */
    final String updatesBuffers;
    /** The buffers the training pass updates, and the values it gives them (declared layout), in the same order. */
    final List<Tensor> updatedBuffers = new ArrayList<>();
    final List<Operand<TFloat32>> bufferValues = new ArrayList<>();
    final Operand<TFloat32> learningRate;
    final Operand<TInt64> step;
    final Guard guard;
    final OptimizerOps.State optimizerState;
    public final List<Tensor> parameters = new ArrayList<>();
    public final List<Tensor> buffers = new ArrayList<>();
    /** The parameters the training pass reaches, in {@link #parameters} order. */
    final List<Tensor> trained = new ArrayList<>();
    /** Forward FLOPs per example (matrix multiplies), to run small work on the calling thread. */
    final double flopsPerExample;
    /** Graph functions of fused loops, closed with the graph. */
    final List<org.tensorflow.ConcreteFunction> functions = new ArrayList<>();
    /** Why the training pass cannot run as a fused loop ({@link FusedFit}), or null if it can. */
    final String notFusable;
    /**
     * The layer whose training pass needs batches of at least two examples (batch norm over {@code [N, C]}:
     * PyTorch refuses one with "Expected more than 1 value per channel when training"), or null.
     */
    final String needsTwoExamples;
    /** The seed of the initial weights and of the training pass's noise. */
    final long seed;
    /** The precision the products run in: the net's, or float32 where the CPU has no bfloat16 ({@link Cpu#precision}). */
    public final Precision precision;
    /** Each layer's tensors by name (a layer used twice has one set). */
    final Map<Layer, Map<String, Tensor>> byLayer = new IdentityHashMap<>();

    public NetGraph(Net net, Device device, long seed) {
        this.net = net;
        this.seed = seed;
        this.precision = Cpu.precision(net.precision());
        this.rt = new TfRuntime("Model", device);
        try {
            Ops tf = rt.tf();
            createVariables(seed);
            long[] in = batchShape(net.inputShape());
            x = rt.named("x").placeholder(ExprCompiler.tfType(net.inputType()), Placeholder.shape(Shape.of(in)));
            Loss lossSpec = net.loss().orElse(null);
            boolean labels = lossSpec != null && lossSpec.targets() == Targets.CLASSES;
            y = lossSpec == null ? null : labels ? rt.named("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(labelShape(net))))
                    : rt.placeholder("y", batchShape(net.outputShape()));
            Expr input = access().inputExpr(net);
            ForwardPass inference = new ForwardPass(this, tf, false, x, null, Slot::read);
            Operand<TFloat32> h = inference.compiler.compile(access().forward(net, input));
            output = tf.withName("output").identity(h);
            flopsPerExample = inference.flops;
            if (lossSpec != null) {
                Operand<TFloat32> elementwise = inference.loss(lossSpec, h);
                perExample = perExample(tf, elementwise);
                loss = reduce(rt.named("loss"), elementwise);
            } else {
                perExample = null;
                loss = null;
            }
            if (lossSpec != null && net.optimizer().isPresent()) {
                learningRate = rt.named("learning_rate").placeholderWithDefault(
                        tf.constant((float) net.optimizer().get().learningRate()), Shape.scalar());
                step = rt.named("step").placeholderWithDefault(tf.constant(0L), Shape.scalar());
                TrainingStep training = TrainingStep.build(this, tf, rt.named("train_loss"), x, y, Slot::read);
                needsTwoExamples = training.pass().compiler.needsTwoValuesPerChannel();
                updatesBuffers = training.pass().updates.isEmpty() ? null : "a layer updates buffers while training (batch norm's"
                        + " running statistics)";
                notFusable = updatesBuffers != null ? updatesBuffers
                        : training.pass().noise ? "a layer draws random noise while training (dropout)" : null;
                trainLoss = training.loss();
                gradients = training.gradients();
                trainCorrect = training.correct(tf, lossSpec.targets(), y);
                trained.addAll(training.trained());
                List<Slot> slots = new ArrayList<>();
                trained.forEach(t -> slots.add(t.slot()));
                optimizerState = OptimizerOps.state(rt, net.optimizer().get(), slots);
                Operand<TFloat32> ready = Guard.check(rt, trainLoss);
                // Buffer updates (running statistics) wait for the loss check too: a diverged step changes nothing.
                List<Op> bufferUpdates = new ArrayList<>();
                Ops afterCheck = tf.withControlDependencies(List.of(ready));
                for (Map.Entry<Slot, Expr> u : training.pass().updates.entrySet()) {
                    Operand<TFloat32> value = training.pass().compiler.compile(u.getValue());
                    bufferUpdates.add(afterCheck.assign(u.getKey().variable(), value));
                    buffers.stream().filter(t -> t.slot() == u.getKey()).findFirst().ifPresent(t -> {
                        updatedBuffers.add(t);
                        bufferValues.add(value);
                    });
                }
                List<Slot> guarded = new ArrayList<>();
                parameters.forEach(t -> guarded.add(t.slot()));
                buffers.forEach(t -> guarded.add(t.slot()));
                guarded.addAll(optimizerState.all());
                guard = new Guard(rt);
                guard.cover(guarded);
                train = OptimizerOps.compile(rt, net.optimizer().get(), slots, training.gradients(), optimizerState, learningRate,
                        ready, bufferUpdates);
            } else {
                learningRate = null;
                step = null;
                trainLoss = null;
                gradients = null;
                updatesBuffers = null;
                trainCorrect = null;
                train = null;
                notFusable = "no optimizer";
                needsTwoExamples = null;
                guard = null;
                optimizerState = null;
            }
            rt.start();
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    /** A classifier's classes: its outputs' last axis. */
    int classes() {
        int[] out = net.outputShape();
        return out[out.length - 1];
    }

    /** The labels of a batch: {@code [-1]}, or {@code [-1, T]} for a net giving {@code [T, classes]} (a class per position). */
    static long[] labelShape(Net net) {
        int[] out = net.outputShape();
        return out.length == 1 ? new long[] {-1} : new long[] {-1, out[0]};
    }

    /** {@code [-1, ...example]}. */
    public static long[] batchShape(int[] example) {
        long[] out = new long[example.length + 1];
        out[0] = -1;
        for (int i = 0; i < example.length; i++) {
            out[i + 1] = example[i];
        }
        return out;
    }

    private void createVariables(long seed) {
        SplittableRandom init = new SplittableRandom(seed);
        init.split(); // the shuffler's draw: initial weights stay what they were for a seed
        List<Layer> layers = net.layers();
        int[] first = access().firstUses(net);
        for (int i = 0; i < layers.size(); i++) {
            if (first[i] != i) {
                continue; // a layer used again shares the variables of its first use
            }
            Layer layer = layers.get(i);
            Layer made = access().resolvedLayers(net).get(i); // a lazy layer's tensors are its resolved layer's
            String owner = net.layerNames().get(i);
            Map<String, Tensor> own = new LinkedHashMap<>();
            for (ParameterSpec p : made.parameters()) {
                Tensor t = tensor(owner, p, init);
                own.put(p.name(), t);
                parameters.add(t);
            }
            for (ParameterSpec b : made.buffers()) {
                Tensor t = tensor(owner, b, init);
                own.put(b.name(), t);
                buffers.add(t);
            }
            byLayer.put(layer, own);
        }
    }

    private Tensor tensor(String owner, ParameterSpec spec, SplittableRandom init) {
        long[] shape = Arrays.stream(spec.shape()).asLongStream().toArray();
        float[] values = spec.init().values(shape, init);
        if (values.length != spec.size()) {
            throw new IllegalStateException(spec.init() + " gave " + values.length + " values for " + owner + "." + spec.name()
                    + " " + Arrays.toString(spec.shape()) + ", which holds " + spec.size());
        }
        long[] stored = Arrays.stream(spec.storedShape()).asLongStream().toArray();
        Slot slot = rt.variable(owner + "/" + spec.name(), stored, dev.netdsl.internal.Layouts.toStored(spec, values));
        return new Tensor(owner + "." + spec.name(), spec, slot);
    }

    private static Operand<TFloat32> perExample(Ops tf, Operand<TFloat32> elementwise) {
        int rank = elementwise.shape().numDimensions();
        if (rank <= 1) {
            return elementwise;
        }
        int[] axes = new int[rank - 1];
        Arrays.setAll(axes, i -> i + 1);
        return tf.math.mean(elementwise, tf.constant(axes.length == 1 ? new int[] {1} : axes));
    }

    /**
     * The mean over every element: one reduction (a mean of per-example means equals it, rows having equal
     * width), since every extra node costs microseconds per step (docs/tensorflow-notes.md).
     */
    static Operand<TFloat32> reduce(Ops named, Operand<TFloat32> elementwise) {
        int rank = elementwise.shape().numDimensions();
        int[] axes = new int[rank];
        Arrays.setAll(axes, i -> i);
        return named.math.mean(elementwise, named.constant(axes));
    }

    /** {@code layer}'s inference forward pass over {@code input}, expanded as this graph's compiler expands it. */
    public Expr inferenceForward(Layer layer, Expr input) {
        return new ForwardPass(this, rt.tf(), false, x, null, Slot::read).expand(layer, input, 0);
    }

    /** The declared tensor a layer's parameter reference names. */
    public Tensor tensor(ParamRef ref) {
        return byLayer.get(ref.layer()).get(ref.name());
    }

    /** Snapshots of {@code tensors} in their declared (PyTorch) layout, named {@code layer.tensor}. */
    public List<Parameter> read(List<Tensor> tensors) {
        List<Slot> slots = new ArrayList<>();
        tensors.forEach(t -> slots.add(t.slot()));
        return declared(tensors, slots.isEmpty() ? List.of() : rt.read(slots));
    }

    /** {@code values} (stored layout, one per tensor) as parameters named and laid out as PyTorch declares them. */
    static List<Parameter> declared(List<Tensor> tensors, List<float[]> values) {
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            out.add(new Parameter(t.name(), Arrays.stream(t.spec().shape()).boxed().toList(),
                    dev.netdsl.internal.Layouts.toDeclared(t.spec(), values.get(i))));
        }
        return out;
    }

    /**
     * Overwrites {@code tensors} with {@code values} (by name, declared layout). Every one of
     * {@code tensors} must be given once with its shape, unless {@code optional} holds its name.
     *
     * @throws IllegalArgumentException listing every missing, unexpected, mis-shaped or non-finite value
     */
    public void write(List<Tensor> tensors, List<Parameter> values, java.util.Collection<String> optional) {
        StatePlan plan = StatePlan.of(tensors, values);
        List<String> problems = plan.problems(optional);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("can't load parameters into " + net + ": " + String.join("; ", problems)
                    + ". Load values saved from a model built from the same spec");
        }
        assign(plan);
    }

    /** Sets the tensors {@code plan} found values for (under the exclusive lock). */
    public void assign(StatePlan plan) {
        rt.assign(plan.targets(), plan.stored());
        if (guard != null) {
            guard.keepCurrent();
        }
    }

    @Override
    public void close() {
        rt.close();
        functions.forEach(org.tensorflow.ConcreteFunction::close);
        functions.clear();
    }
}
