package dev.netdsl;

import dev.netdsl.internal.Guard;
import dev.netdsl.internal.Progress;
import dev.netdsl.internal.SavedModels;
import dev.netdsl.internal.Shuffler;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.internal.TfRuntime.Slot;
import dev.netdsl.internal.Updates;
import dev.netdsl.internal.WeightsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.Signature;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A built {@link Net}: a TensorFlow graph holding the forward pass, the loss, the gradients and the
 * optimizer's updates, run from plain Java calls. Close it when done (try-with-resources); after
 * {@link #close()} every method throws {@link IllegalStateException}.
 *
 * <p>{@link #predict(float[][])} may be called from several threads at once; training calls are
 * serialised.
 */
public final class Model implements AutoCloseable {
    private final Net net;
    private final long seed;
    private final TfRuntime rt;
    private final Placeholder<TFloat32> x;
    /** Float targets [-1, out] for MSE, int labels [-1] for cross-entropy. */
    private final Placeholder<?> y;
    private final Operand<TFloat32> output;
    private final Operand<TFloat32> loss;
    /** The loss of each example, [-1], for {@link #evaluate}. */
    private final Operand<TFloat32> perExample;
    private final Op train;
    /** Keeps the weights of the last step with a finite loss. */
    private final Guard guard;
    private final List<Slot> params = new ArrayList<>();
    /** Shuffles mini-batches; its state is saved by saveAll, so resumed training shuffles the same way. */
    private Shuffler shuffler;
    /** The optimizer's state variables and the parameters they belong to (null without an optimizer). */
    private Updates.State optimizerState;
    private List<Slot> trainedParams;
    private volatile boolean progress = true;
    private long stepsTaken;
    /** Forward-pass FLOPs per example (2 in out per Linear): small runs execute on the calling thread. */
    private final double flopsPerRow;
    private float lastLoss = Float.NaN;

    Model(Net net, Device device) {
        this.net = net;
        this.flopsPerRow = 2.0 * net.layers().stream().filter(l -> l instanceof Linear)
                .mapToDouble(l -> (double) ((Linear) l).in() * ((Linear) l).out()).sum();
        this.rt = new TfRuntime("Model", device);
        this.seed = net.seed().orElseGet(() -> new Random().nextLong());
        SplittableRandom init = new SplittableRandom(seed);
        init.split(); // the shuffler's draw, kept so that initial weights stay what they were for a seed
        this.shuffler = Shuffler.splitOf(seed);
        Ops tf = rt.tf();
        try {
            x = rt.placeholder("x", -1, net.inputSize());
            boolean labels = net.loss().orElse(Loss.MSE) == Loss.CROSS_ENTROPY;
            y = labels ? rt.named("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)))
                    : rt.placeholder("y", -1, net.outputSize());
            // One implementation of the forward pass: the net's layers (or its module) as an Expr, compiled
            // with each Linear bound to its variables.
            Map<Linear, List<Slot>> weights = new IdentityHashMap<>();
            List<Layer> layers = net.layers();
            for (int i = 0; i < layers.size(); i++) {
                // A layer instance used twice shares its weights (PyTorch's semantics): created once, first name.
                if (layers.get(i) instanceof Linear l && !weights.containsKey(l)) {
                    weights.put(l, linear(net.layerNames().get(i), l, init));
                }
            }
            Expr forward = net.forward(Expr.modelInput(-1, net.inputSize()));
            Operand<TFloat32> h = new ExprCompiler(tf, v -> {
                throw new IllegalArgumentException(v + " belongs to an Autograd, not to this model");
            }, i -> {
                throw new IllegalArgumentException(i + " belongs to an Autograd, not to this model");
            }, x, l -> {
                List<Slot> kb = weights.get(l);
                if (kb == null) {
                    throw new IllegalArgumentException(l + " is used in forward() but not registered; register it with"
                            + " add(\"name\", layer) (a plain Java list of layers is not registered, use addList)");
                }
                return List.of(kb.get(0).read(), kb.get(1).read());
            }).compile(forward);
            output = tf.withName("output").identity(h);
            if (net.loss().isPresent()) {
                // The training loss is one reduction of the elementwise loss (a mean over every element equals the
                // mean of the per-example means: rows have equal width); every extra node costs a few microseconds
                // per step, which is most of a small net's step (docs/tensorflow-notes.md). perExample is for
                // evaluate() only.
                Operand<TFloat32> elementwise = switch (net.loss().get()) {
                    case MSE -> tf.math.square(tf.math.sub(h, y.asOutput().expect(TFloat32.class)));
                    // Integer labels become one-hot rows: SparseSoftmaxCrossEntropyWithLogits has no gradient
                    // in TF Java 1.1.0, SoftmaxCrossEntropyWithLogits has one (docs/tensorflow-notes.md).
                    case CROSS_ENTROPY -> tf.nn.softmaxCrossEntropyWithLogits(h, tf.oneHot(
                            y.asOutput().expect(TInt32.class), tf.constant(net.outputSize()), tf.constant(1f), tf.constant(0f))).loss();
                    // softplus(z) - z*y: the stable max(z, 0) - z*y + log(1 + exp(-|z|)) with the derivative
                    // sigmoid(z) - y everywhere (relu and abs have derivative 0 at 0 in TensorFlow, which gave -y at z = 0).
                    case BCE_WITH_LOGITS -> tf.math.sub(tf.math.softplus(h),
                            tf.math.mul(h, y.asOutput().expect(TFloat32.class)));
                };
                boolean rows = net.loss().get() != Loss.CROSS_ENTROPY;
                perExample = rows ? tf.math.mean(elementwise, tf.constant(1)) : elementwise;
                loss = tf.withName("loss").math.mean(elementwise, tf.constant(rows ? new int[] {0, 1} : new int[] {0}));
            } else {
                perExample = null;
                loss = null;
            }
            if (loss != null && net.optimizer().isPresent()) {
                // Only layers the forward pass uses are trained (like PyTorch, whose unused parameters get no
                // gradient); asking TensorFlow for the gradient of an unreachable variable fails.
                Set<Linear> used = usedLayers(forward);
                List<Slot> trained = new ArrayList<>();
                Set<Linear> added = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                for (Layer layer : layers) {
                    if (layer instanceof Linear l && used.contains(l) && added.add(l)) {
                        trained.addAll(weights.get(l));
                    }
                }
                List<Operand<?>> reads = new ArrayList<>();
                trained.forEach(p -> reads.add(p.read()));
                List<Output<?>> grads = tf.gradients(loss, reads).dy();
                Updates.State state = Updates.state(rt, net.optimizer().get(), trained);
                optimizerState = state;
                trainedParams = trained;
                List<Slot> kept = new ArrayList<>(params);
                kept.addAll(state.all());
                guard = new Guard(rt);
                guard.cover(kept);
                train = Updates.compile(rt, net.optimizer().get(), trained, grads, state, Guard.check(rt, loss));
            } else {
                train = null;
                guard = null;
            }
            rt.start();
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    private List<Slot> linear(String name, Linear l, SplittableRandom init) {
        // PyTorch's nn.Linear.reset_parameters: kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(in), 1/sqrt(in))
        // for the weight, and the bias uses the same bound. Values are drawn in PyTorch's [out, in] order;
        // the graph stores the kernel as [in, out], TensorFlow's own layout, so the forward pass is a plain
        // MatMul + BiasAdd. parameters() shows it as [out, in] again.
        double bound = 1.0 / Math.sqrt(l.in());
        float[] weight = uniform(init, l.out() * l.in(), bound);
        Slot w = rt.variable(name + "/kernel", new long[] {l.in(), l.out()}, transpose(weight, l.out(), l.in()));
        Slot b = rt.variable(name + "/bias", new long[] {l.out()}, uniform(init, l.out(), bound));
        params.add(w);
        params.add(b);
        return List.of(w, b);
    }

    /** The Linear layers the expression applies. */
    private static Set<Linear> usedLayers(Expr e) {
        Set<Linear> used = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Expr> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        java.util.ArrayDeque<Expr> todo = new java.util.ArrayDeque<>();
        todo.push(e);
        while (!todo.isEmpty()) {
            Expr x = todo.pop();
            if (seen.add(x)) {
                if (x instanceof Expr.LinearExpr l) {
                    used.add(l.layer);
                }
                for (Expr a : x.args) {
                    todo.push(a);
                }
            }
        }
        return used;
    }

    /** The transpose of a row-major {@code rows x cols} matrix. */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    private static float[] uniform(SplittableRandom random, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    /** The spec this model was built from. */
    public Net spec() {
        return net;
    }

    /** The device the graph runs on (CPU or GPU, never AUTO). */
    public Device device() {
        return rt.device();
    }

    /** The seed its weights started from: the spec's, or one drawn at build time. */
    public long seed() {
        return seed;
    }

    /** Training steps taken since it was built. */
    public long stepsTaken() {
        return stepsTaken;
    }

    /**
     * Shows or hides the progress bar of {@code fit} calls (shown by default, and only when a
     * terminal is attached).
     */
    public Model progress(boolean show) {
        this.progress = show;
        return this;
    }

    /**
     * Trains on the whole data set for {@code steps} steps (full-batch gradient descent, as the
     * seed's sine example does).
     *
     * @throws IllegalArgumentException if the data does not fit the net or {@code steps < 1}
     * @throws IllegalStateException if the spec has no loss or optimizer, or the model is closed
     */
    public History fit(Dataset data, int steps) {
        return fit(data, steps, StepListener.NONE);
    }

    /** {@link #fit(Dataset, int)}, calling {@code listener} after every step. */
    public History fit(Dataset data, int steps, StepListener listener) {
        Objects.requireNonNull(listener, "listener");
        checkTrainable("fit");
        checkData("fit", data);
        checkCount("fit", "steps", steps);
        return rt.exclusive("fit", () -> {
            long start = System.nanoTime();
            float[] losses = new float[steps];
            try (TFloat32 xt = TfRuntime.tensor(data.xData(), data.size(), data.features());
                 Tensor yt = targets(data);
                 Progress bar = Progress.open("fit", steps, progress && steps >= 1000)) {
                for (int i = 0; i < steps; i++) {
                    losses[i] = runStep(xt, yt, "fit", () -> replay(data));
                    listener.onStep(i, losses[i]);
                    if ((i & 63) == 0 || i == steps - 1) {
                        bar.update(i + 1, losses[i]);
                    }
                }
            }
            return new History(losses, (System.nanoTime() - start) / 1e9);
        });
    }

    /**
     * Trains for {@code epochs} passes over {@code data} in shuffled mini-batches of
     * {@code batchSize} (the last batch of an epoch may be smaller, as with PyTorch's DataLoader).
     * The shuffle is reproducible for a given seed.
     *
     * @throws IllegalArgumentException if the data does not fit the net or a count is below 1
     */
    public History fit(Dataset data, int epochs, int batchSize) {
        return fit(data, epochs, batchSize, StepListener.NONE);
    }

    /** {@link #fit(Dataset, int, int)}, calling {@code listener} after every batch. */
    public History fit(Dataset data, int epochs, int batchSize, StepListener listener) {
        Objects.requireNonNull(listener, "listener");
        checkTrainable("fit");
        checkData("fit", data);
        checkCount("fit", "epochs", epochs);
        checkCount("fit", "batchSize", batchSize);
        int batches = (data.size() + batchSize - 1) / batchSize;
        if ((long) epochs * batches > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("fit: " + epochs + " epochs of " + batches + " batches are more steps than a"
                    + " History holds (2^31 - 9); train in several fit calls");
        }
        return rt.exclusive("fit", () -> {
            long start = System.nanoTime();
            float[] losses = new float[epochs * batches];
            int[] order = new int[data.size()];
            Arrays.setAll(order, i -> i);
            int step = 0;
            try (Progress bar = Progress.open("fit", losses.length, progress)) {
                for (int e = 0; e < epochs; e++) {
                    // A fresh permutation each epoch (PyTorch's RandomSampler draws randperm(n) per epoch), from the
                    // model's shuffler alone, so training resumed from saveAll shuffles as if it never stopped.
                    Arrays.setAll(order, i -> i);
                    shuffle(order);
                    for (int b = 0; b < batches; b++) {
                        int[] rows = Arrays.copyOfRange(order, b * batchSize, Math.min(data.size(), (b + 1) * batchSize));
                        Dataset batch = data.subset(rows);
                        try (TFloat32 xt = TfRuntime.tensor(batch.xData(), batch.size(), batch.features());
                             Tensor yt = targets(batch)) {
                            losses[step] = runStep(xt, yt, "fit (epoch " + (e + 1) + ", batch " + (b + 1) + ")",
                                    () -> replay(data.subset(rows)));
                        }
                        listener.onStep(step, losses[step]);
                        bar.update(step + 1, losses[step]);
                        step++;
                    }
                }
            }
            return new History(losses, (System.nanoTime() - start) / 1e9);
        });
    }

    private void shuffle(int[] order) {
        shuffler.shuffle(order);
    }

    /**
     * One optimizer update on {@code batch}; returns the batch's loss before the update.
     *
     * @throws IllegalArgumentException if the batch does not fit the net
     */
    public float step(Dataset batch) {
        checkTrainable("step");
        checkData("step", batch);
        return rt.exclusive("step", () -> {
            try (TFloat32 xt = TfRuntime.tensor(batch.xData(), batch.size(), batch.features());
                 Tensor yt = targets(batch)) {
                return runStep(xt, yt, "step", () -> replay(batch));
            }
        });
    }

    /** The targets of {@code data} as the tensor the loss takes: float rows or int labels. */
    private Tensor targets(Dataset data) {
        if (data.hasLabels()) {
            return TInt32.tensorOf(Shape.of(data.size()), DataBuffers.of(data.labelData(), true, false));
        }
        return TfRuntime.tensor(data.yData(), data.size(), data.targets());
    }

    /**
     * One training step; {@code where} names it in the error if its loss is not finite, in which
     * case the weights of the previous step (the last with a finite loss) are put back.
     * {@code replay} redoes this step (the guard may need to, to go back to an earlier step).
     */
    private float runStep(TFloat32 xt, Tensor yt, String where, Runnable replay) {
        guard.beforeUpdate();
        Session.Runner r = rt.runner(trainFlops(xt)).feed(x, xt).feed(y, yt).addTarget(train).fetch(loss);
        float value;
        try (Result result = rt.run(r, "run a training step")) {
            value = ((TFloat32) result.get(0)).getFloat();
        } catch (NetDslException e) {
            if (!Guard.isNonFiniteLoss(e)) {
                throw e;
            }
            throw diverged(xt, yt, where);
        }
        guard.afterUpdate(this, replay);
        stepsTaken++;
        lastLoss = value;
        return value;
    }

    /** A training step's FLOPs on the rows of {@code xt}: forward, and twice that backward. */
    private double trainFlops(TFloat32 xt) {
        return 3 * flopsPerRow * xt.shape().get(0);
    }

    /** Redoes a step that succeeded before, on the same data. */
    private void replay(Dataset data) {
        try (TFloat32 xt = TfRuntime.tensor(data.xData(), data.size(), data.features());
             Tensor yt = targets(data)) {
            rt.run(rt.runner(trainFlops(xt)).feed(x, xt).feed(y, yt).addTarget(train), "replay a training step").close();
        }
    }

    private TrainingDivergedException diverged(TFloat32 xt, Tensor yt, String where) {
        float bad;
        try (Result result = rt.run(rt.runner(trainFlops(xt)).feed(x, xt).feed(y, yt).fetch(loss), "compute the loss")) {
            bad = ((TFloat32) result.get(0)).getFloat();
        }
        long failed = stepsTaken + 1;
        if (stepsTaken == 0) {
            return new TrainingDivergedException(where + ": the loss is " + bad + " with the starting weights (training step "
                    + failed + "), before any update, so the learning rate is not the cause: look for huge values in the data"
                    + " and scale it (e.g. to mean 0, standard deviation 1); the weights are unchanged", failed, bad);
        }
        String kept;
        long last = guard.lastUpdateOf(this);
        List<Object> undone = last < 0 ? null : guard.rollBackTo(last);
        if (undone != null) {
            stepsTaken -= undone.size();
            kept = "the model is back to the weights of step " + (stepsTaken + 1) + ", the last with a finite loss (" + lastLoss + ")";
        } else {
            kept = "the model keeps the weights it was given before this step (its first since they were set)";
        }
        double lr = net.optimizer().get().learningRate();
        return new TrainingDivergedException(where + ": the loss became " + bad + " at training step " + failed + "; " + kept
                + ". The learning rate " + lr + " is probably too large: try " + (lr / 10) + " (or scale the data)", failed, bad);
    }

    /**
     * The net's outputs for each row of {@code x}: {@code x.length} rows of
     * {@link Net#outputSize()} values.
     *
     * @throws IllegalArgumentException if {@code x} is empty, ragged or has the wrong width
     */
    public float[][] predict(float[][] x) {
        Objects.requireNonNull(x, "x");
        int in = net.inputSize();
        if (x.length == 0) {
            throw new IllegalArgumentException("predict: x has no rows; pass at least one row of " + in + " features");
        }
        for (int r = 0; r < x.length; r++) {
            if (x[r] == null || x[r].length != in) {
                throw new IllegalArgumentException("predict: row " + r + " has " + (x[r] == null ? "no array" : x[r].length
                        + " features") + " but the net takes " + in + " (" + net + ")");
            }
        }
        return rt.shared("predict", () -> {
            // Rows go straight into the tensor and come straight out of the result: one copy each way.
            try (TFloat32 xt = TfRuntime.tensor(x, in);
                 Result result = rt.run(rt.runner(flopsPerRow * x.length).feed(this.x, xt).fetch(output), "predict")) {
                return TfRuntime.rows((TFloat32) result.get(0), net.outputSize());
            }
        });
    }

    /**
     * Snapshots of every trainable parameter in layer order: {@code 0.weight [20, 1]},
     * {@code 0.bias [20]}, ... (PyTorch's {@code named_parameters()}).
     */
    public List<Parameter> parameters() {
        return rt.shared("read parameters", () -> {
            List<float[]> values = rt.read(params);
            List<String> names = net.parameterNames();
            List<Parameter> out = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                // Kernels are stored [in, out]; users see PyTorch's [out, in] weight.
                out.add(userLayout(names.get(i), params.get(i).shape(), values.get(i)));
            }
            return out;
        });
    }

    /**
     * Layer {@code index} as the spec lists it, with its current weights (PyTorch's {@code seq_net[0]}).
     *
     * @throws IllegalArgumentException if there is no such layer
     */
    public LayerView layer(int index) {
        List<Layer> layers = net.layers();
        if (index < 0 || index >= layers.size()) {
            throw new IllegalArgumentException("layer(" + index + "): " + net + " has layers 0.." + (layers.size() - 1));
        }
        return view(index);
    }

    /**
     * The layer named {@code name} with its current weights (PyTorch's {@code mo_net.layer1}).
     *
     * @throws IllegalArgumentException listing the names there are if none matches
     */
    public LayerView layer(String name) {
        int index = net.layerNames().indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("layer(\"" + name + "\"): no such layer; the layers are " + net.layerNames());
        }
        return view(index);
    }

    private LayerView view(int index) {
        String name = net.layerNames().get(index);
        Layer layer = net.layers().get(index);
        // A shared layer's weights are named after its first use.
        String owner = net.layerNames().get(net.firstUses()[index]);
        Parameter weight = null;
        Parameter bias = null;
        if (layer instanceof Linear) {
            for (Parameter p : parameters()) {
                if (p.name().equals(owner + ".weight")) {
                    weight = p;
                } else if (p.name().equals(owner + ".bias")) {
                    bias = p;
                }
            }
        }
        return new LayerView(index, name, layer, weight, bias);
    }

    /**
     * Overwrites the parameters with {@code values} (PyTorch's {@code load_state_dict}): every
     * parameter of this model must appear once, with its name and shape.
     *
     * @throws IllegalArgumentException listing every missing, unexpected or mis-shaped parameter
     */
    public void setParameters(List<Parameter> values) {
        Objects.requireNonNull(values, "values");
        List<Parameter> current = parameters();
        Map<String, Parameter> given = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Parameter p : values) {
            if (given.put(p.name(), p) != null) {
                problems.add(p.name() + " is given twice");
            }
        }
        List<float[]> stored = new ArrayList<>();
        for (Parameter want : current) {
            Parameter got = given.remove(want.name());
            if (got == null) {
                problems.add(want.name() + " " + want.shape() + " is missing");
            } else if (!got.shape().equals(want.shape()) || got.size() != want.size()) {
                problems.add(want.name() + " has shape " + got.shape() + " but this model's is " + want.shape());
            } else {
                float[] v = got.values();
                for (float f : v) {
                    if (!Float.isFinite(f)) {
                        problems.add(want.name() + " holds " + f + "; parameters must be finite");
                        break;
                    }
                }
                List<Integer> shape = want.shape();
                stored.add(shape.size() == 2 ? transpose(v, shape.get(0), shape.get(1)) : v);
            }
        }
        given.keySet().forEach(n -> problems.add(n + " " + given.get(n).shape() + " is not a parameter of this model"));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("can't load parameters into " + net + ": " + String.join("; ", problems)
                    + ". Load values saved from a model built from the same spec");
        }
        rt.exclusive("set parameters", () -> {
            rt.assign(params, stored);
            if (guard != null) {
                guard.keepCurrent();
            }
            return null;
        });
    }

    /**
     * Saves the parameters only (PyTorch's {@code torch.save(model.state_dict(), path)}); load them
     * into a model built from the same spec with {@link #load(Path)}. The file is written beside
     * {@code path} and moved into place, so an interrupted save leaves any old file intact.
     */
    public void save(Path path) {
        Objects.requireNonNull(path, "path");
        WeightsFile.write(path, parameters());
    }

    /**
     * Loads parameters written by {@link #save(Path)}.
     *
     * @throws IllegalArgumentException if the file is missing, foreign, truncated or corrupt, or
     *     holds parameters of another architecture (the message lists each mismatch)
     */
    public void load(Path path) {
        Objects.requireNonNull(path, "path");
        setParameters(WeightsFile.read(path));
    }

    /**
     * Saves the whole model (PyTorch's {@code torch.save(model, path)}): the spec (a module's forward
     * pass as the expression it built), the loss, optimizer, seed, steps trained, and the weights.
     * {@link #open(Path)} rebuilds it without the code that defined it. Written atomically.
     */
    public void saveAll(Path path) {
        Objects.requireNonNull(path, "path");
        rt.exclusive("save", () -> {
            ModelFile.write(path, net, seed, stepsTaken, parameters(), optimizerState(), shuffler.state());
            return null;
        });
    }

    /**
     * The optimizer's state (momentum buffers, Adam's moments and step count, ...) named
     * {@code <parameter>.<key>} with {@code torch.optim}'s keys ({@code 0.weight.exp_avg}) in the
     * parameters' layout, and {@code step}; empty without an optimizer.
     */
    List<Parameter> optimizerState() {
        if (optimizerState == null || optimizerState.all().isEmpty()) {
            return List.of();
        }
        return rt.shared("read the optimizer state", () -> {
            List<Slot> slots = optimizerState.all();
            List<float[]> values = rt.read(slots);
            List<String> names = stateNames();
            List<Parameter> out = new ArrayList<>();
            for (int i = 0; i < slots.size(); i++) {
                out.add(userLayout(names.get(i), slots.get(i).shape(), values.get(i)));
            }
            return out;
        });
    }

    /** Overwrites the optimizer's state with what {@link #optimizerState()} returned for the same spec. */
    void setOptimizerState(List<Parameter> values) {
        List<Slot> slots = optimizerState == null ? List.of() : optimizerState.all();
        List<String> names = stateNames();
        Map<String, Parameter> given = new LinkedHashMap<>();
        values.forEach(p -> given.put(p.name(), p));
        List<float[]> stored = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            Parameter p = given.remove(names.get(i));
            long[] dims = slots.get(i).shape();
            if (p == null) {
                problems.add(names.get(i) + " is missing");
            } else if (p.size() != slots.get(i).size()) {
                problems.add(names.get(i) + " has shape " + p.shape() + ", not the optimizer's");
            } else {
                float[] v = p.values();
                stored.add(dims.length == 2 ? transpose(v, (int) dims[1], (int) dims[0]) : v);
            }
        }
        given.keySet().forEach(n -> problems.add(n + " is not part of this optimizer's state"));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the saved optimizer state does not fit " + net + ": " + String.join("; ", problems));
        }
        rt.exclusive("set the optimizer state", () -> {
            rt.assign(slots, stored);
            guard.keepCurrent();
            return null;
        });
    }

    /** The names of {@link Updates.State#all()}'s slots, e.g. {@code 0.weight.exp_avg}, then {@code step}. */
    private List<String> stateNames() {
        List<String> names = new ArrayList<>();
        if (optimizerState == null) {
            return names;
        }
        List<String> paramNames = net.parameterNames();
        for (int i = 0; i < trainedParams.size(); i++) {
            String owner = paramNames.get(params.indexOf(trainedParams.get(i)));
            for (String kind : optimizerState.kinds()) {
                names.add(owner + "." + kind);
            }
        }
        if (optimizerState.step() != null) {
            names.add("step");
        }
        return names;
    }

    /** A variable's values as users see them: kernels stored [in, out] come out as PyTorch's [out, in]. */
    private static Parameter userLayout(String name, long[] dims, float[] values) {
        if (dims.length == 2) {
            return new Parameter(name, List.of((int) dims[1], (int) dims[0]), transpose(values, (int) dims[0], (int) dims[1]));
        }
        List<Integer> shape = new ArrayList<>();
        for (long d : dims) {
            shape.add((int) d);
        }
        return new Parameter(name, shape, values);
    }

    /**
     * Opens a model written by {@link #saveAll(Path)}: the same spec, weights, seed and step count,
     * predicting exactly what the saved model predicted. The caller closes it.
     *
     * @throws IllegalArgumentException if the file is missing, foreign, truncated, corrupt or of
     *     another format version
     */
    public static Model open(Path path) {
        Objects.requireNonNull(path, "path");
        ModelFile.Contents c = ModelFile.read(path);
        Model model = c.net().build();
        try {
            model.stepsTaken = c.stepsTaken();
            model.setParameters(c.parameters());
            // Files written before 2026-11-24 (format 1) hold no optimizer state: it starts from zero then.
            if (!c.optimizerState().isEmpty()) {
                model.setOptimizerState(c.optimizerState());
            }
            if (c.shuffler() != null) {
                model.shuffler = Shuffler.restore(c.shuffler());
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Exports the model's forward pass as a TensorFlow SavedModel with tag {@code serve} and signature
     * {@code serving_default}: input {@code x} {@code [-1, inputSize]} float32, output {@code y}
     * {@code [-1, outputSize]} float32. The export is written beside {@code dir} and renamed into
     * place, so a failed export never leaves a half-written directory under that name.
     *
     * @throws IllegalArgumentException if {@code dir} is a file or a non-empty directory
     */
    public void exportSavedModel(Path dir) {
        exportSavedModel(dir, false);
    }

    /**
     * {@link #exportSavedModel(Path)}; with {@code overwrite}, an existing export in {@code dir} is
     * replaced once the new one is complete.
     */
    public void exportSavedModel(Path dir, boolean overwrite) {
        Objects.requireNonNull(dir, "dir");
        // The export is a graph of the forward pass alone with the current weights: no loss, gradients,
        // optimizer slots or guard checkpoints, so the SavedModel holds exactly the model's parameters.
        List<Parameter> weights = parameters();
        try (Model serving = new Model(net.forwardOnly(), rt.device())) {
            serving.setParameters(weights);
            Signature signature = SavedModels.servingSignature().input("x", serving.x).output("y", serving.output).build();
            SavedModels.export(serving.rt, signature, dir, overwrite, net.toString());
        }
    }

    /**
     * The loss on {@code data} with the current parameters, without training.
     *
     * @throws IllegalArgumentException if the data does not fit the net
     * @throws IllegalStateException if the spec has no loss
     */
    public float loss(Dataset data) {
        if (loss == null) {
            throw new IllegalStateException("loss: " + net + " has no loss; add one, e.g. .mse()");
        }
        checkData("loss", data);
        return rt.shared("compute the loss", () -> {
            try (TFloat32 xt = TfRuntime.tensor(data.xData(), data.size(), data.features());
                 Tensor yt = targets(data);
                 Result result = rt.run(rt.runner(flopsPerRow * data.size()).feed(x, xt).feed(y, yt).fetch(loss),
                         "compute the loss")) {
                return ((TFloat32) result.get(0)).getFloat();
            }
        });
    }

    /**
     * Loss and accuracy on labelled {@code data} with the current parameters, in chunks of 1000
     * rows: the mean per-example loss, and how many rows have their label as the highest output.
     *
     * @throws IllegalArgumentException if the data does not fit the net or has no labels
     */
    public Evaluation evaluate(Dataset data) {
        if (loss == null) {
            throw new IllegalStateException("evaluate: " + net + " has no loss; add one, e.g. .crossEntropy()");
        }
        checkData("evaluate", data);
        boolean binary = net.loss().get() == Loss.BCE_WITH_LOGITS;
        if (!data.hasLabels() && !binary) {
            throw new IllegalArgumentException("evaluate: accuracy needs class labels (or 0/1 targets with bceWithLogits());"
                    + " use loss(data) for regression targets");
        }
        return rt.shared("evaluate", () -> {
            double sum = 0;
            int correct = 0;
            int[] order = new int[data.size()];
            Arrays.setAll(order, i -> i);
            int width = net.outputSize();
            for (int from = 0; from < data.size(); from += 1000) {
                Dataset chunk = data.subset(order, from, Math.min(data.size(), from + 1000));
                try (TFloat32 xt = TfRuntime.tensor(chunk.xData(), chunk.size(), chunk.features());
                     Tensor yt = targets(chunk);
                     Result r = rt.run(rt.runner(flopsPerRow * chunk.size()).feed(x, xt).feed(y, yt).fetch(perExample)
                             .fetch(output), "evaluate")) {
                    float[] losses = TfRuntime.floats((TFloat32) r.get(0));
                    float[] out = TfRuntime.floats((TFloat32) r.get(1));
                    for (float l : losses) {
                        sum += l;
                    }
                    if (binary) {
                        // A logit above 0 means class 1 (sigmoid above 0.5), as the seed's plot functions decide.
                        float[] targets = chunk.yData();
                        for (int i = 0; i < out.length; i++) {
                            correct += (out[i] > 0) == (targets[i] > 0.5f) ? 1 : 0;
                        }
                        continue;
                    }
                    int[] labels = chunk.labelData();
                    for (int i = 0; i < losses.length; i++) {
                        int best = 0;
                        for (int c = 1; c < width; c++) {
                            if (out[i * width + c] > out[i * width + best]) {
                                best = c;
                            }
                        }
                        if (best == labels[i]) {
                            correct++;
                        }
                    }
                }
            }
            int total = binary ? data.size() * width : data.size();
            return new Evaluation(sum / data.size(), correct, total);
        });
    }

    /**
     * A table of the layers with their output shapes and parameter counts, like Keras's
     * {@code model.summary()}.
     */
    public String summary() {
        rt.shared("summarise", () -> null);
        StringBuilder s = new StringBuilder();
        s.append(net).append('\n');
        String line = "-".repeat(64) + '\n';
        s.append(line).append(String.format("%-16s %-26s %-12s %8s%n", "Layer", "Type", "Output shape", "Params"));
        s.append(line.replace('-', '='));
        int width = net.inputSize();
        List<Layer> layers = net.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            // A module's layers are not a chain: each Linear shows its own output width.
            width = layer instanceof Linear l && net.isModule() ? l.out() : layer.outputSize(width);
            String type = layer instanceof Linear l ? "Linear(" + l.in() + " -> " + l.out() + ")" : layer.typeName();
            s.append(String.format("%-16s %-26s %-12s %,8d%n", net.layerNames().get(i), type, "[-1, " + width + "]",
                    layer.parameterCount()));
        }
        s.append(line).append(String.format("Total params: %,d%n", net.parameterCount()));
        net.loss().ifPresent(l -> s.append("Loss: ").append(l.typeName()).append('\n'));
        net.optimizer().ifPresent(o -> s.append("Optimizer: ").append(o).append('\n'));
        return s.toString();
    }

    private void checkTrainable(String action) {
        if (rt.isClosed()) {
            throw new IllegalStateException("can't " + action + " with a closed Model");
        }
        if (loss == null) {
            throw new IllegalStateException(action + ": " + net + " has no loss; add one, e.g. .mse()");
        }
        if (train == null) {
            throw new IllegalStateException(action + ": " + net + " has no optimizer; add one, e.g. .sgd(0.05)");
        }
    }

    private void checkData(String action, Dataset data) {
        Objects.requireNonNull(data, "data");
        if (data.features() != net.inputSize()) {
            throw new IllegalArgumentException(action + ": the data has " + data.features() + " features per row but "
                    + net + " takes " + net.inputSize() + "; match the net's input size to the data");
        }
        Loss kind = net.loss().orElse(Loss.MSE);
        if (kind == Loss.CROSS_ENTROPY) {
            if (!data.hasLabels()) {
                throw new IllegalArgumentException(action + ": CrossEntropyLoss needs integer class labels but the data holds"
                        + " float targets; build it with Dataset.of(x, labels)");
            }
            if (data.maxLabel() >= net.outputSize()) {
                throw new IllegalArgumentException(action + ": label " + data.maxLabel() + " is out of range for "
                        + net.outputSize() + " classes (" + net + "); labels must be 0.." + (net.outputSize() - 1));
            }
            return;
        }
        if (data.hasLabels()) {
            throw new IllegalArgumentException(action + ": the data holds class labels but " + kind.typeName()
                    + " needs float targets with " + net.outputSize() + " columns");
        }
        if (data.targets() != net.outputSize()) {
            throw new IllegalArgumentException(action + ": the data has " + data.targets() + " target columns but " + net
                    + " produces " + net.outputSize() + "; match the net's output size to the targets");
        }
    }

    private static void checkCount(String action, String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(action + ": " + what + " " + value + " must be at least 1");
        }
    }

    /** Frees the native graph and session; safe to call more than once. */
    @Override
    public void close() {
        rt.close();
    }

    @Override
    public String toString() {
        return "Model[" + net + (rt.isClosed() ? ", closed" : "") + "]";
    }
}
