package dev.netdsl;

import dev.netdsl.internal.LayerNodes;
import dev.netdsl.internal.files.OnnxImport;
import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Module;
import dev.netdsl.training.Loss;
import dev.netdsl.training.Losses;
import dev.netdsl.training.Optimizer;
import dev.netdsl.training.Optimizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An immutable description of a network, its loss and its optimizer. Every fluent call returns a
 * new {@code Net}; nothing touches TensorFlow until {@link #build()}, which returns the closeable
 * {@link Model}.
 *
 * <pre>{@code
 * try (Model net = Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05).build()) {
 *     net.fit(SineWave.of(1000, -10, 10), 10_000);
 * }
 * }</pre>
 */
public final class Net {
    /** Layer sizes for {@link #of(int...)} nets; null otherwise. */
    private final int[] sizes;
    private final Activation hidden;
    private final List<String> names;
    private final List<Layer> layers;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Long seed;
    /** The module of {@link #module(Module)} nets, else null. */
    private final Module module;
    /** The example shape given with {@link #input(int...)}, else null (then the first layer's). */
    private final int[] input;
    /** The inputs' element type: float32 unless {@link #input(DType, int...)} said otherwise. */
    private DType inputType = DType.FLOAT32;
    /** The precision {@link #precision(Precision)} asked for: float32 unless it said otherwise. */
    private Precision precision = Precision.FLOAT32;
    /** {@link #resolvedLayers()}, once worked out (derived from the fields above, so not part of equality). */
    private volatile List<Layer> resolved;

    private Net(int[] sizes, Activation hidden, List<String> names, List<Layer> layers, Loss loss, Optimizer optimizer,
                Long seed, Module module, int[] input) {
        this.sizes = sizes;
        this.hidden = hidden;
        this.names = List.copyOf(names);
        this.layers = List.copyOf(layers);
        this.loss = loss;
        this.optimizer = optimizer;
        this.seed = seed;
        this.module = module;
        this.input = input;
    }

    private Net with(Loss loss, Optimizer optimizer, Long seed, int[] input) {
        return typed(new Net(sizes, hidden, names, layers, loss, optimizer, seed, module, input), inputType);
    }

    /** {@code net} (just made, not yet shared) with inputs of {@code type} and this net's precision. */
    private Net typed(Net net, DType type) {
        net.inputType = type;
        net.precision = precision;
        return net;
    }

    /**
     * A multi-layer perceptron with the given layer sizes, input first and output last, like the
     * tutorial's {@code make_layers(cfg)}: {@code Linear} layers with the hidden activation (ReLU unless
     * {@link #tanh()} or {@link #sigmoid()} is chosen) between them and none after the last.
     * Layers are named by index, {@code "0"}, {@code "1"}, ... as in PyTorch's {@code nn.Sequential}.
     *
     * @throws IllegalArgumentException if fewer than two sizes are given or a size is below 1
     */
    public static Net of(int... sizes) {
        Objects.requireNonNull(sizes, "sizes");
        NetChecks.sizes(sizes);
        return mlp(sizes.clone(), Activation.RELU, null, null, null);
    }

    private static Net mlp(int[] sizes, Activation hidden, Loss loss, Optimizer optimizer, Long seed) {
        List<Layer> layers = NetStructure.mlpLayers(sizes, hidden);
        return new Net(sizes, hidden, NetStructure.indexNames(layers.size()), layers, loss, optimizer, seed, null, null);
    }

    /**
     * A net of explicit layers in order, like {@code nn.Sequential(...)}; layers are named by index.
     * With no arguments it starts an empty net to fill with {@link #add(String, Layer)}.
     *
     * @throws IllegalArgumentException if a layer cannot take the previous one's output
     */
    public static Net sequential(Layer... layers) {
        Objects.requireNonNull(layers, "layers");
        Net net = new Net(null, null, List.of(), List.of(), null, null, null, null, null);
        for (Layer layer : layers) {
            net = net.add(Integer.toString(net.layers.size()), layer);
        }
        return net;
    }

    /**
     * A net whose forward pass is {@code module}'s own ({@code nn.Module}); its layers are the ones
     * the module registered. The input shape is the first registered layer's that fixes one (a
     * {@code Linear}'s), or the one given with {@link #input(int...)}.
     *
     * @throws IllegalArgumentException if the forward pass fails on that input or does not return a batch
     */
    public static Net module(Module module) {
        Objects.requireNonNull(module, "module");
        Net net = new Net(null, null, module.layerNames(), module.layers(), null, null, null, module, null);
        if (net.knownInput() != null) {
            net.outputShape(); // checks the forward pass now, as the spec is written
            net.resolvedLayers();
        }
        return net;
    }

    /**
     * The net in an ONNX file as {@code torch.onnx.export} writes it (opsets 7 to 17): nodes with weights become
     * NetDSL's layers under PyTorch's names with the file's values (Gemm: {@code Linear}, Conv: {@code Conv2d},
     * LSTM: {@code LSTM}, ...; the README lists them), the rest the forward pass of a module. Train it after adding a
     * loss and an optimizer: {@code Net.fromOnnx(p).crossEntropy().adam(1e-3).build()}. Nothing the file names is run or
     * opened.
     *
     * @throws IllegalArgumentException naming the file, node, op and opset, for anything NetDSL does not read: a truncated
     *     or non-ONNX file, an opset or IR version from the future, external data, a node reading a value nothing gives,
     *     an unsupported op or attribute
     */
    public static Net fromOnnx(java.nio.file.Path file) {
        Objects.requireNonNull(file, "file");
        return OnnxImport.read(file);
    }

    /** A module net taking examples of {@code exampleShape} and {@code type}, checked with that input only. */
    static Net module(Module module, DType type, int... exampleShape) {
        return new Net(null, null, module.layerNames(), module.layers(), null, null, null, module, null).input(type, exampleShape);
    }

    /**
     * A copy with {@code layer} appended under {@code name}, like an entry of
     * {@code nn.Sequential(OrderedDict(...))}. Parameters are then named {@code name.weight},
     * {@code name.bias}.
     *
     * @throws IllegalArgumentException if the name is taken or not made of letters, digits and
     *     {@code _}, or the layer cannot take the previous layer's output
     * @throws IllegalStateException on a {@link #of(int...)} or {@link #module(Module)} net
     */
    public Net add(String name, Layer layer) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(layer, "layer");
        NetChecks.add(this, name, layer);
        List<String> n = new ArrayList<>(names);
        n.add(name);
        List<Layer> l = new ArrayList<>(layers);
        l.add(layer);
        Net next = typed(new Net(null, null, n, l, loss, optimizer, seed, null, input), inputType);
        if (next.knownInput() != null) {
            next.outputShape(); // checks the chain now, naming the layer that does not fit
            next.resolvedLayers();
        }
        return next;
    }

    /**
     * A copy whose examples have {@code exampleShape} (without the batch dimension), e.g.
     * {@code .input(1, 28, 28)} for images; needed when the first layer does not fix its input (a
     * convolution does, a Linear does not need it).
     *
     * @throws IllegalArgumentException if a dimension is below 1 or the layers cannot take it
     */
    public Net input(int... exampleShape) {
        Objects.requireNonNull(exampleShape, "exampleShape");
        NetChecks.exampleShape(exampleShape);
        Net next = with(loss, optimizer, seed, exampleShape.clone());
        next.outputShape();
        next.resolvedLayers();
        return next;
    }

    /**
     * A copy whose examples have {@code exampleShape} and element type {@code type}, e.g.
     * {@code .input(DType.INT32, 20)} for sequences of 20 token ids that an embedding layer looks up.
     *
     * @throws IllegalArgumentException if a dimension is below 1 or the layers cannot take it
     */
    public Net input(DType type, int... exampleShape) {
        Objects.requireNonNull(type, "type");
        return typed(with(loss, optimizer, seed, input), type).input(exampleShape);
    }

    /** The element type of the examples the net takes: float32, or int32 (token ids) as {@link #input(DType, int...)} gave. */
    public DType inputType() {
        return inputType;
    }

    /** A copy with ReLU between the layers of a {@link #of(int...)} net (the default). */
    public Net relu() {
        return hidden(Activation.RELU);
    }

    /** A copy with Tanh between the layers of a {@link #of(int...)} net. */
    public Net tanh() {
        return hidden(Activation.TANH);
    }

    /** A copy with Sigmoid between the layers of a {@link #of(int...)} net. */
    public Net sigmoid() {
        return hidden(Activation.SIGMOID);
    }

    private Net hidden(Activation activation) {
        if (sizes == null) {
            throw NetChecks.notAnMlp(activation);
        }
        return typed(mlp(sizes, activation, loss, optimizer, seed), inputType);
    }

    /** A copy that minimises mean squared error. */
    public Net mse() {
        return loss(Losses.mse());
    }

    /** A copy that minimises softmax cross-entropy on integer labels ({@code nn.CrossEntropyLoss}). */
    public Net crossEntropy() {
        return loss(Losses.crossEntropy());
    }

    /** A copy that minimises binary cross-entropy on logits ({@code nn.BCEWithLogitsLoss}). */
    public Net bceWithLogits() {
        return loss(Losses.bceWithLogits());
    }

    /** A copy that minimises {@code loss}. */
    public Net loss(Loss loss) {
        return with(Objects.requireNonNull(loss, "loss"), optimizer, seed, input);
    }

    /** A copy trained with plain SGD; see {@link Optimizers#sgd(double)}. */
    public Net sgd(double learningRate) {
        return optimizer(Optimizers.sgd(learningRate));
    }

    /** A copy trained with SGD and momentum; see {@link Optimizers#sgd(double, double)}. */
    public Net sgd(double learningRate, double momentum) {
        return optimizer(Optimizers.sgd(learningRate, momentum));
    }

    /** A copy trained with Adam (PyTorch defaults); see {@link Optimizers#adam(double)}. */
    public Net adam(double learningRate) {
        return optimizer(Optimizers.adam(learningRate));
    }

    /** A copy trained with {@code optimizer}. */
    public Net optimizer(Optimizer optimizer) {
        return with(loss, Objects.requireNonNull(optimizer, "optimizer"), seed, input);
    }

    /**
     * A copy whose weights start from a generator seeded with {@code seed}, so that two builds give
     * identical models. Without a seed every build starts from fresh random weights, as in PyTorch.
     */
    public Net seed(long seed) {
        return with(loss, optimizer, seed, input);
    }

    /**
     * A copy that computes its matrix multiplies and convolutions in {@code precision}, e.g.
     * {@code .precision(Precision.BF16)} for bfloat16 mixed precision (float32 weights, optimizer state, losses
     * and files); see {@link Precision}.
     */
    public Net precision(Precision precision) {
        Net next = with(loss, optimizer, seed, input);
        next.precision = Objects.requireNonNull(precision, "precision");
        return next;
    }

    /** The precision asked for: {@link Precision#FLOAT32} unless {@link #precision(Precision)} said otherwise. */
    public Precision precision() {
        return precision;
    }

    /**
     * Compiles this spec into a TensorFlow graph and session with fresh weights, on the GPU if TensorFlow sees one
     * ({@link Device#AUTO}). The caller closes the model.
     *
     * @throws IllegalStateException if the net has no layers or no known input shape
     * @throws IllegalArgumentException if the layers' shapes do not chain or do not fit the loss
     */
    public Model build() {
        return build(Device.AUTO);
    }

    /**
     * {@link #build()} on a chosen device.
     *
     * @throws IllegalStateException for {@link Device#GPU} when TensorFlow sees no GPU
     */
    public Model build(Device device) {
        NetStructure.validate(this);
        return OnnxImport.withFileValues(new Model(this, Objects.requireNonNull(device, "device")));
    }

    /** This net without loss and optimizer: the forward pass only, for a serving export. */
    Net forwardOnly() {
        return with(null, null, seed, input).precision(Precision.FLOAT32);
    }

    /** The layers in order, as written (a layer used twice appears twice; a lazy one as written, e.g. {@code linear(128)}). */
    public List<Layer> layers() {
        return layers;
    }

    /** {@link #layers()} with each lazy layer resolved for its input, worked out once (NetStructure.resolve's errors). */
    List<Layer> resolvedLayers() {
        List<Layer> r = resolved;
        if (r == null) {
            r = NetStructure.resolve(this);
            resolved = r;
        }
        return r;
    }

    /** The layer names in order ({@code "0"}, {@code "1"}, ... unless named). */
    public List<String> layerNames() {
        return names;
    }

    /** The input example shape if it is known yet (given, or fixed by the first layer), else null. */
    int[] knownInput() {
        return input != null ? input : NetStructure.knownInput(this);
    }

    /**
     * The shape of one example the net takes: the one given with {@link #input(int...)}, else the
     * first layer's (a Linear's {@code [in]}).
     *
     * @throws IllegalStateException if neither fixes it
     */
    public int[] inputShape() {
        int[] in = knownInput();
        if (in == null) {
            throw NetChecks.unknownInput(this);
        }
        return in.clone();
    }

    /** The shape of one output example, from running the forward pass on the shapes. */
    public int[] outputShape() {
        return LayerNodes.example(NetStructure.forward(this, NetStructure.inputExpr(this)).shape());
    }

    /** Input features per example: the product of {@link #inputShape()} ({@code 784} for {@code [1, 28, 28]}). */
    public int inputSize() {
        return Arrays.stream(inputShape()).reduce(1, (a, b) -> a * b);
    }

    /** Output features per example: the product of {@link #outputShape()} (the classes of a classifier). */
    public int outputSize() {
        return Arrays.stream(outputShape()).reduce(1, (a, b) -> a * b);
    }

    /** The hidden activation of a {@link #of(int...)} net; empty for sequential nets. */
    public Optional<Activation> hiddenActivation() {
        return Optional.ofNullable(hidden);
    }

    /** The sizes given to {@link #of(int...)}; empty for sequential nets. */
    public Optional<int[]> sizes() {
        return Optional.ofNullable(sizes).map(int[]::clone);
    }

    /** The example shape given with {@link #input(int...)}, if one was. */
    public Optional<int[]> givenInput() {
        return Optional.ofNullable(input).map(int[]::clone);
    }

    /** The loss, if one was chosen. */
    public Optional<Loss> loss() {
        return Optional.ofNullable(loss);
    }

    /** The optimizer, if one was chosen. */
    public Optional<Optimizer> optimizer() {
        return Optional.ofNullable(optimizer);
    }

    /** The initialisation seed, if one was set. */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    /** The module of a {@link #module(Module)} net, if this is one. */
    public Optional<Module> module() {
        return Optional.ofNullable(module);
    }

    /**
     * Trainable numbers across all layers; a layer used more than once counts once, a lazy one as resolved.
     *
     * @throws IllegalStateException if a lazy layer's input size is unknown (state the input shape with {@link #input(int...)})
     */
    public long parameterCount() {
        return NetStructure.parameterCount(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Net other && NetStructure.sameSpec(this, other);
    }

    @Override
    public int hashCode() {
        return NetStructure.specHash(this);
    }

    /** The spec as the code that makes it, e.g. {@code Net.of(1, 20, 1).relu().mse().sgd(0.05)}. */
    @Override
    public String toString() {
        return NetStructure.code(this);
    }
}
