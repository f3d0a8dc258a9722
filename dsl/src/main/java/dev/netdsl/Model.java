package dev.netdsl;

import dev.netdsl.internal.engine.Access;
import dev.netdsl.internal.engine.Evaluations;
import dev.netdsl.internal.engine.Feeder;
import dev.netdsl.internal.engine.FitState;
import dev.netdsl.internal.engine.NetGraph;
import dev.netdsl.internal.engine.Predictions;
import dev.netdsl.internal.engine.StatePlan;
import dev.netdsl.internal.engine.Trainer;
import dev.netdsl.internal.files.Exports;
import dev.netdsl.internal.files.ModelFile;
import dev.netdsl.io.LoadOptions;
import dev.netdsl.io.LoadResult;
import dev.netdsl.io.TensorFiles;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Fit;
import dev.netdsl.training.StepListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A built {@link Net}: a TensorFlow graph holding the forward pass, the loss, the gradients and the
 * optimizer's updates, run from plain Java calls. Close it when done (try-with-resources); after
 * {@link #close()} every method throws {@link IllegalStateException}.
 *
 * <p>{@link #predict(float[][])} may be called from several threads at once; training steps take
 * turns (each step holds the model alone; callbacks run between steps).
 */
public final class Model implements AutoCloseable {
    static {
        Access.install(new EngineAccess());
    }

    private final Net net;
    private final long seed;
    private final NetGraph g;
    private final Trainer trainer;

    Model(Net net, Device device) {
        this.net = net;
        this.seed = net.seed().orElseGet(() -> new Random().nextLong());
        this.g = new NetGraph(net, device, seed);
        this.trainer = new Trainer(this, g, seed);
    }

    /** The compiled graph, for the engine (through {@code EngineAccess}). */
    NetGraph graph() {
        return g;
    }

    /** The trainer, for the engine (through {@code EngineAccess}). */
    Trainer trainer() {
        return trainer;
    }

    /** The spec this model was built from. */
    public Net spec() {
        return net;
    }

    /** The device the graph runs on (CPU or GPU, never AUTO). */
    public Device device() {
        return g.rt.device();
    }

    /** The seed its weights started from: the spec's, or one drawn at build time. */
    public long seed() {
        return seed;
    }

    /** Training steps taken since it was built (or, for an opened model, since the saved one was). */
    public long stepsTaken() {
        return trainer.steps.stepsTaken;
    }

    /**
     * Shows or hides the progress bar of {@code fit} calls (shown by default, and only when a
     * terminal is attached).
     */
    public Model progress(boolean show) {
        trainer.progress = show;
        return this;
    }

    /**
     * Trains on the whole data set for {@code steps} steps (full-batch gradient descent, as the
     * sine-fitting tutorial does).
     *
     * @throws IllegalArgumentException if the data does not fit the net or {@code steps < 1}
     * @throws IllegalStateException if the spec has no loss or optimizer, or the model is closed
     * @throws TrainingDivergedException if the loss becomes NaN or infinite (the last good weights are kept)
     */
    public History fit(Dataset data, int steps) {
        return fit(data, steps, StepListener.NONE);
    }

    /** {@link #fit(Dataset, int)}, calling {@code listener} after every step. */
    public History fit(Dataset data, int steps, StepListener listener) {
        return trainer.fit(data, steps, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Trains for {@code epochs} passes over {@code data} in shuffled mini-batches of
     * {@code batchSize} (the last batch of an epoch may be smaller, as with PyTorch's DataLoader).
     * The shuffle is reproducible for a given seed.
     *
     * @throws IllegalArgumentException if the data does not fit the net or a count is below 1
     */
    public History fit(Dataset data, int epochs, int batchSize) {
        return fit(data, epochs, batchSize, new Callback[0]);
    }

    /** {@link #fit(Dataset, int, int)}, calling {@code listener} after every batch. */
    public History fit(Dataset data, int epochs, int batchSize, StepListener listener) {
        Objects.requireNonNull(listener, "listener");
        long[] step = {0};
        return fit(data, epochs, batchSize, new Callback() {
            @Override
            public void onBatchEnd(dev.netdsl.training.TrainingRun run, int epoch, int batch, float loss) {
                listener.onStep((int) step[0]++, loss);
            }
        });
    }

    /**
     * {@link #fit(Dataset, int, int)} with {@code callbacks}: told when training, each epoch and each
     * batch begin or end, outside the model's lock; any of them may stop training.
     */
    public History fit(Dataset data, int epochs, int batchSize, Callback... callbacks) {
        return trainer.fit(data, epochs, batchSize, callbacks);
    }

    /**
     * Trains as {@code fit} says: epochs of shuffled mini-batches ({@code Fit.epochs(20).batchSize(128)})
     * or full-batch steps ({@code Fit.steps(n)}), a validation set evaluated after every epoch, callbacks
     * (early stopping, checkpoints, learning-rate schedules, your own), and one line per epoch
     * ({@code epoch 3/20  loss 0.412  accuracy 0.853  val_loss 0.447  ...}) with a progress bar on a
     * terminal, unless quiet. The returned history holds each epoch's numbers.
     *
     * @throws IllegalArgumentException if the data (or the validation set) does not fit the net
     * @throws IllegalStateException if the spec has no loss or optimizer, or {@code fit.resume()} finds no saved fit
     * @throws TrainingDivergedException if the loss becomes NaN or infinite (the last good weights are kept)
     */
    public History fit(Dataset data, Fit fit) {
        return trainer.fit(data, java.util.Objects.requireNonNull(fit, "fit"), false);
    }

    /**
     * Trains as {@link #fit(Dataset, Fit)} does (shuffled epochs, validation, callbacks, schedules, checkpoints, the
     * epoch lines) on rows held elsewhere: at each step {@code source} computes the batch's gradients, e.g. spread over
     * a cluster's workers, and this model applies them. The batch size is the whole step's.
     *
     * @throws IllegalArgumentException if the fit asks for {@code validationSplit} (give {@code validation(data)})
     * @throws TrainingDivergedException if a loss is not finite (nothing of that step is applied)
     */
    public History fit(dev.netdsl.training.GradientSource source, Fit fit) {
        return trainer.fit(Objects.requireNonNull(source, "source"), Objects.requireNonNull(fit, "fit"));
    }

    /**
     * One optimizer update on {@code batch}; returns the batch's loss before the update.
     *
     * @throws IllegalArgumentException if the batch does not fit the net
     */
    public float step(Dataset batch) {
        return trainer.step(batch);
    }

    /**
     * The net's outputs for each row of {@code x} (a net whose examples are vectors): {@code x.length}
     * rows of {@link Net#outputSize()} values.
     *
     * @throws IllegalArgumentException if {@code x} is empty, ragged or has the wrong width
     */
    public float[][] predict(float[][] x) {
        Feeder.checkRows(net, x);
        return Predictions.rows(g, x);
    }

    /**
     * The net's outputs for a batch of examples of any shape: {@code x} is {@code [n, ...inputShape]},
     * the result {@code [n, ...outputShape]}.
     *
     * @throws IllegalArgumentException if {@code x}'s shape does not fit the net
     */
    public Tensor predict(Tensor x) {
        Feeder.checkTensor(net, x);
        return Predictions.tensor(g, x);
    }

    /**
     * The class the net predicts for each row of {@code x}: the index of the row's highest output (the
     * first of equal ones), PyTorch's {@code output.argmax(dim=1)}; for one output trained with
     * {@code bceWithLogits}, 1 where the logit is above 0, else 0 (as {@link #evaluate} counts). Name them
     * with the data's {@link Dataset#classNames()}.
     *
     * @throws IllegalArgumentException if {@code x} does not fit the net, or its outputs are not one score
     *     per class
     */
    public int[] predictClasses(float[][] x) {
        boolean binary = Predictions.binaryClasses(net);
        return Predictions.classes(predict(x), binary);
    }

    /**
     * {@link #predictClasses(float[][])} for examples of any shape, e.g. images: {@code x} is
     * {@code [n, ...inputShape]}, the result one class per example.
     *
     * @throws IllegalArgumentException if {@code x}'s shape does not fit the net, or its outputs are not
     *     one score per class
     */
    public int[] predictClasses(Tensor x) {
        boolean binary = Predictions.binaryClasses(net);
        return Predictions.classes(predict(x), binary);
    }

    /**
     * The training loss on {@code batch} and its gradient with respect to every trained parameter, as
     * {@link #parameters()} names and lays them out (PyTorch's {@code loss.backward()}, then {@code p.grad}); nothing
     * changes; for a net with batch norm, also the running statistics the pass would leave. With
     * {@link #applyGradients(Gradients)}: data-parallel training (workers' gradients averaged, then one step).
     *
     * @throws IllegalArgumentException if the batch does not fit the net
     */
    public Gradients gradients(Dataset batch) {
        return trainer.gradients(Objects.requireNonNull(batch, "batch"), stepsTaken());
    }

    /**
     * {@link #gradients(Dataset)} with the random layers (dropout) drawing the noise of training step {@code step}
     * ({@code fit}'s steps count from 0) instead of this model's next step: data-parallel workers whose replicas do not
     * count steps give each step, and each worker, noise of its own.
     *
     * @throws IllegalArgumentException if the batch does not fit the net or {@code step} is negative
     */
    public Gradients gradients(Dataset batch, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("gradients: step " + step + " must be 0 or more");
        }
        return trainer.gradients(Objects.requireNonNull(batch, "batch"), step);
    }

    /**
     * One optimizer step with {@code gradients} in place of the model's own (PyTorch's {@code optimizer.step()} after
     * setting each {@code p.grad}), with the optimizer's rules, learning rate and state; counts as a step.
     *
     * @throws IllegalArgumentException naming every missing, unknown, mis-shaped or non-finite gradient; nothing changes
     */
    public void applyGradients(List<Parameter> gradients) {
        trainer.applyGradients(Objects.requireNonNull(gradients, "gradients"), List.of());
    }

    /**
     * One optimizer step with {@code gradients.values()}, as {@link #applyGradients(List)}, then the buffers set to
     * {@code gradients.buffers()} (batch norm's running statistics as the batch's training pass left them; for a mean
     * of workers' gradients, the first worker's, as PyTorch's DistributedDataParallel keeps rank 0's): with
     * {@link #gradients(Dataset)} of one batch, the step {@link #step(Dataset)} takes.
     *
     * @throws IllegalArgumentException naming every missing, unknown, mis-shaped or non-finite value; nothing changes
     */
    public void applyGradients(Gradients gradients) {
        Objects.requireNonNull(gradients, "gradients");
        trainer.applyGradients(gradients.values(), gradients.buffers());
    }

    /**
     * Snapshots of every trainable parameter in layer order: {@code 0.weight [20, 1]},
     * {@code 0.bias [20]}, ... (PyTorch's {@code named_parameters()}, PyTorch's layouts).
     */
    public List<Parameter> parameters() {
        return g.rt.shared("read parameters", () -> g.read(g.parameters));
    }

    /** Snapshots of the non-trainable state (running statistics), PyTorch's buffers; empty for most nets. */
    public List<Parameter> buffers() {
        return g.rt.shared("read buffers", () -> g.read(g.buffers));
    }

    /**
     * Layer {@code index} as the spec lists it, with its current weights (PyTorch's {@code seq_net[0]}).
     *
     * @throws IllegalArgumentException if there is no such layer
     */
    public LayerView layer(int index) {
        return LayerView.of(net, LayerView.checkIndex(net, index), parameters());
    }

    /**
     * The layer named {@code name} with its current weights (PyTorch's {@code mo_net.layer1}).
     *
     * @throws IllegalArgumentException listing the names there are if none matches
     */
    public LayerView layer(String name) {
        return LayerView.of(net, LayerView.indexOf(net, name), parameters());
    }

    /**
     * Overwrites the parameters with {@code values} (PyTorch's {@code load_state_dict}): every
     * parameter of this model must appear once, with its name and shape; buffers may be given too.
     *
     * @throws IllegalArgumentException listing every missing, unexpected or mis-shaped parameter
     */
    public void setParameters(List<Parameter> values) {
        Objects.requireNonNull(values, "values");
        StatePlan.set(g, values);
    }

    /**
     * Saves the parameters and buffers (PyTorch's {@code torch.save(model.state_dict(), path)}) by their
     * PyTorch names and layouts: as safetensors if the name ends in {@code .safetensors} (PyTorch reads it
     * with {@code safetensors.torch.load_file}), else in NetDSL's format. Load them with {@link #load(Path)}.
     * Written beside {@code path} and moved into place, so an interrupted save leaves any old file intact.
     */
    public void save(Path path) {
        Objects.requireNonNull(path, "path");
        TensorFiles.write(path, Exports.state(this));
    }

    /**
     * Loads parameters and buffers by name from a NetDSL weights file, a PyTorch {@code state_dict} saved
     * with {@code torch.save} (PyTorch 1.6 or later; float32, float64, float16 or bfloat16; no pickled code
     * is run) or a safetensors file, told apart by content. Strict, like {@code load_state_dict}: every
     * parameter and buffer, nothing else, each with this model's shape.
     *
     * @throws IllegalArgumentException if the file is missing, foreign, truncated or corrupt, or does not fit
     *     this model (the message lists each mismatch); the model keeps its weights then
     */
    public void load(Path path) {
        load(path, LoadOptions.strict());
    }

    /**
     * {@link #load(Path)} with {@code options}: {@code LoadOptions.nonStrict()} loads what matches and
     * reports the rest; {@code stripPrefix("module.")} drops a prefix from the file's names.
     *
     * @throws IllegalArgumentException as {@link #load(Path)} (for a strict load)
     */
    public LoadResult load(Path path, LoadOptions options) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        StatePlan plan = StatePlan.load(g, path, TensorFiles.read(path), options.prefix(), options.isStrict());
        return new LoadResult(plan.loaded(), plan.missing(), plan.unexpected(), plan.mismatched());
    }

    /**
     * Saves the whole model (PyTorch's {@code torch.save(model, path)}): the spec (a module's forward
     * pass as the expression it built), the loss, optimizer, seed, steps trained, the weights, the
     * optimizer's state and the shuffler's position. {@link #open(Path)} rebuilds it without the code
     * that defined it (register your own layer, loss or optimizer types first), and training goes on
     * exactly as if it had not stopped. Written atomically.
     */
    public void saveAll(Path path) {
        saveAll(path, null);
    }

    /** {@link #saveAll(Path)} with the state of a fit in progress (a checkpoint), or none. */
    void saveAll(Path path, FitState fit) {
        Objects.requireNonNull(path, "path");
        ModelFile.save(this, path, fit);
    }

    /**
     * Opens a model written by {@link #saveAll(Path)}: the same spec, weights, seed, step count and
     * optimizer state, predicting exactly what the saved model predicted. The caller closes it.
     *
     * @throws IllegalArgumentException if the file is missing, foreign, truncated, corrupt, of another
     *     format version, or names a layer, loss or optimizer type that is not registered
     */
    public static Model open(Path path) {
        Objects.requireNonNull(path, "path");
        return ModelFile.open(path);
    }

    /**
     * Exports the model's forward pass (inference mode) as a TensorFlow SavedModel with tag
     * {@code serve} and signature {@code serving_default}: input {@code x} {@code [-1, ...inputShape]}
     * float32, output {@code y} {@code [-1, ...outputShape]} float32. The export is written beside
     * {@code dir} and renamed into place, so a failed export never leaves a half-written directory.
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
        Exports.savedModel(this, dir, overwrite);
    }

    /**
     * Exports the model's forward pass (inference mode: dropout off, batch norm with its running
     * statistics) as an ONNX model, opset 17 and IR version 8, for ONNX Runtime and other ONNX runners:
     * input {@code input} and output {@code output} with a dynamic batch dimension, the parameters as
     * initializers under their PyTorch names and shapes. Each layer's forward pass is exported op by op,
     * so a layer written in {@link Expr} needs no export code. The file is written beside {@code file}
     * and renamed into place.
     *
     * @throws IllegalArgumentException naming the layer and op if a forward pass uses an op with no ONNX
     *     form, or if {@code file} is a directory
     */
    public void exportOnnx(Path file) {
        Objects.requireNonNull(file, "file");
        Exports.onnx(this, file);
    }

    /**
     * The loss on {@code data} with the current parameters, in inference mode, without training.
     *
     * @throws IllegalArgumentException if the data does not fit the net
     * @throws IllegalStateException if the spec has no loss
     */
    public float loss(Dataset data) {
        return Evaluations.loss(g, data);
    }

    /**
     * The model's numbers on {@code data} with the current parameters, in inference mode, in chunks of
     * 1000 examples: the mean per-example loss, and for a classifier its accuracy (the label is the highest
     * output, or for 0/1 targets the logit is on the right side of 0), top-k accuracy, confusion matrix and
     * per-class precision, recall and F1; for a regression its MAE and R².
     *
     * @throws IllegalArgumentException if the data does not fit the net
     */
    public Evaluation evaluate(Dataset data) {
        return Evaluations.evaluate(g, data);
    }

    /**
     * A table of the layers with their output shapes and parameter counts, like Keras's
     * {@code model.summary()}.
     */
    public String summary() {
        g.rt.shared("summarise", () -> null);
        return Evaluations.summary(net, g.precision);
    }

    /** The precision the products run in: the net's {@link Net#precision()}, or float32 on a CPU without bfloat16. */
    public Precision precision() {
        return g.precision;
    }

    /** Frees the native graph and session; safe to call more than once. */
    @Override
    public void close() {
        g.close();
    }

    @Override
    public String toString() {
        return "Model[" + net + (g.rt.isClosed() ? ", closed" : "") + "]";
    }
}
