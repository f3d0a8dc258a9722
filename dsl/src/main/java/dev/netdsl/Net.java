package dev.netdsl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

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
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    /** Layer sizes for {@link #of(int...)} nets; null for sequential nets. */
    private final int[] sizes;
    private final Activation hidden;
    private final List<String> names;
    private final List<Layer> layers;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Long seed;
    /** The module of {@link #module(Module)} nets, else null. */
    private final Module module;
    private final int moduleOutputs;

    private Net(int[] sizes, Activation hidden, List<String> names, List<Layer> layers, Loss loss,
                Optimizer optimizer, Long seed) {
        this(sizes, hidden, names, layers, loss, optimizer, seed, null, 0);
    }

    private Net(int[] sizes, Activation hidden, List<String> names, List<Layer> layers, Loss loss,
                Optimizer optimizer, Long seed, Module module, int moduleOutputs) {
        this.module = module;
        this.moduleOutputs = moduleOutputs;
        this.sizes = sizes;
        this.hidden = hidden;
        this.names = List.copyOf(names);
        this.layers = List.copyOf(layers);
        this.loss = loss;
        this.optimizer = optimizer;
        this.seed = seed;
    }

    /**
     * A multi-layer perceptron with the given layer sizes, input first and output last, like the
     * seed's {@code make_layers(cfg)}: {@code Linear} layers with the hidden activation (ReLU unless
     * {@link #tanh()} or {@link #sigmoid()} is chosen) between them and none after the last.
     * Layers are named by index, {@code "0"}, {@code "1"}, ... as in PyTorch's {@code nn.Sequential}.
     *
     * @throws IllegalArgumentException if fewer than two sizes are given or a size is below 1
     */
    public static Net of(int... sizes) {
        Objects.requireNonNull(sizes, "sizes");
        String call = "Net.of(" + join(sizes) + ")";
        if (sizes.length < 2) {
            throw new IllegalArgumentException(call + ": a net needs at least an input and an output size, e.g. Net.of("
                    + (sizes.length == 1 ? sizes[0] : 1) + ", 20, 1)");
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException(call + ": size " + sizes[i] + " at position " + i
                        + " must be at least 1; every layer needs one or more units");
            }
        }
        return mlp(sizes.clone(), Activation.RELU, null, null, null);
    }

    private static Net mlp(int[] sizes, Activation hidden, Loss loss, Optimizer optimizer, Long seed) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (i > 0) {
                layers.add(hidden);
            }
            layers.add(new Linear(sizes[i], sizes[i + 1]));
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            names.add(Integer.toString(i));
        }
        return new Net(sizes, hidden, names, layers, loss, optimizer, seed);
    }

    /**
     * A net of explicit layers in order, like {@code nn.Sequential(...)}; layers are named by index.
     * With no arguments it starts an empty net to fill with {@link #add(String, Layer)}.
     *
     * @throws IllegalArgumentException if consecutive layers' sizes do not match
     */
    public static Net sequential(Layer... layers) {
        Objects.requireNonNull(layers, "layers");
        Net net = new Net(null, null, List.of(), List.of(), null, null, null);
        for (Layer layer : layers) {
            net = net.add(Integer.toString(net.layers.size()), layer);
        }
        return net;
    }

    /**
     * A net whose forward pass is {@code module}'s own ({@code nn.Module}); its layers are the ones
     * the module registered. The input size is the first registered {@code Linear}'s; the output size
     * comes from running {@code forward} on the shapes.
     *
     * @throws IllegalArgumentException if the module registers no Linear layer or its forward pass
     *     does not return a {@code [batch, outputs]} tensor
     */
    public static Net module(Module module) {
        Objects.requireNonNull(module, "module");
        List<Layer> layers = module.layers();
        int in = -1;
        for (Layer l : layers) {
            if (l instanceof Linear linear) {
                in = linear.in();
                break;
            }
        }
        String name = module.getClass().getSimpleName();
        if (in < 0) {
            throw new IllegalArgumentException("Net.module(" + name + "): the module registers no Linear layer; register"
                    + " layers with add(\"name\", linear(in, out)) so they get weights");
        }
        Expr out = module.forward(Expr.modelInput(-1, in));
        if (out == null || out.rank() != 2 || out.shape()[1] < 1) {
            throw new IllegalArgumentException("Net.module(" + name + "): forward() must return a [batch, outputs] tensor but"
                    + " returned " + (out == null ? "null" : java.util.Arrays.toString(out.shape())));
        }
        return new Net(null, null, module.layerNames(), layers, null, null, null, module, (int) out.shape()[1]);
    }

    /**
     * A copy with {@code layer} appended under {@code name}, like an entry of
     * {@code nn.Sequential(OrderedDict(...))}. Parameters are then named {@code name.weight},
     * {@code name.bias}.
     *
     * @throws IllegalArgumentException if the name is taken or not made of letters, digits and
     *     {@code _}, or the layer's input size does not match the previous layer's output size
     * @throws IllegalStateException on a {@link #of(int...)} net, whose layers come from its sizes
     */
    public Net add(String name, Layer layer) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(layer, "layer");
        if (sizes != null || module != null) {
            throw new IllegalStateException("add(\"" + name + "\", " + layer + "): " + this
                    + " takes its layers from its " + (module != null ? "module" : "sizes")
                    + "; use Net.sequential(...) to list layers yourself");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("add(\"" + name + "\", ...): a layer name may hold only letters, digits and '_'"
                    + " (it becomes part of parameter names like \"" + name + ".weight\")");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("add(\"" + name + "\", ...): the name \"" + name
                    + "\" is already taken by layer " + names.indexOf(name) + "; give each layer its own name");
        }
        OptionalInt previous = lastWidth();
        if (layer instanceof Linear linear && previous.isPresent() && previous.getAsInt() != linear.in()) {
            throw new IllegalArgumentException("layer " + layers.size() + " '" + name + "' " + linear + " expects "
                    + linear.in() + " inputs but layer " + lastLinearIndex() + " '" + names.get(lastLinearIndex())
                    + "' gives " + previous.getAsInt() + "; make its first size " + previous.getAsInt());
        }
        List<String> n = new ArrayList<>(names);
        n.add(name);
        List<Layer> l = new ArrayList<>(layers);
        l.add(layer);
        return new Net(null, null, n, l, loss, optimizer, seed);
    }

    private OptionalInt lastWidth() {
        int i = lastLinearIndex();
        return i < 0 ? OptionalInt.empty() : OptionalInt.of(((Linear) layers.get(i)).out());
    }

    private int lastLinearIndex() {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i) instanceof Linear) {
                return i;
            }
        }
        return -1;
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
            throw new IllegalStateException(activation.callName() + "() picks the hidden activation of a Net.of(...)"
                    + " net; a sequential net lists its activations as layers, e.g. Net.sequential(linear(2, 4), "
                    + activation.callName() + "(), linear(4, 1))");
        }
        return mlp(sizes, activation, loss, optimizer, seed);
    }

    /** A copy that minimises mean squared error. */
    public Net mse() {
        return loss(Loss.MSE);
    }

    /** A copy that minimises softmax cross-entropy on integer labels ({@code nn.CrossEntropyLoss}). */
    public Net crossEntropy() {
        return loss(Loss.CROSS_ENTROPY);
    }

    /** A copy that minimises binary cross-entropy on logits ({@code nn.BCEWithLogitsLoss}). */
    public Net bceWithLogits() {
        return loss(Loss.BCE_WITH_LOGITS);
    }

    /** A copy that minimises {@code loss}. */
    public Net loss(Loss loss) {
        return new Net(sizes, hidden, names, layers, Objects.requireNonNull(loss, "loss"), optimizer, seed, module, moduleOutputs);
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
        return new Net(sizes, hidden, names, layers, loss, Objects.requireNonNull(optimizer, "optimizer"), seed, module,
                moduleOutputs);
    }

    /**
     * A copy whose weights start from a generator seeded with {@code seed}, so that two builds give
     * identical models. Without a seed every build starts from fresh random weights, as in PyTorch.
     */
    public Net seed(long seed) {
        return new Net(sizes, hidden, names, layers, loss, optimizer, seed, module, moduleOutputs);
    }

    /**
     * Compiles this spec into a TensorFlow graph and session with freshly initialised weights, on
     * the GPU if TensorFlow sees one ({@link Device#AUTO}). The caller must close the returned model.
     *
     * @throws IllegalStateException if the net has no layers or no {@code Linear} layer
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
        validateBuildable();
        return new Model(this, Objects.requireNonNull(device, "device"));
    }

    /** This net without loss and optimizer: the forward pass only, for a serving export. */
    Net forwardOnly() {
        return new Net(sizes, hidden, names, layers, null, null, seed, module, moduleOutputs);
    }

    void validateBuildable() {
        if (layers.isEmpty()) {
            throw new IllegalStateException("Net.sequential() has no layers; add some with .add(\"name\", linear(in, out))");
        }
        if (lastLinearIndex() < 0) {
            throw new IllegalStateException(this + " has no Linear layer, so its input size is unknown; add linear(in, out)");
        }
        // Initial values are drawn in Java (and copied once on their way to TensorFlow): about 12 bytes a weight.
        long needed = parameterCount() * 12;
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap) {
            throw new IllegalArgumentException(this + " has " + parameterCount() + " parameters; initialising them needs about "
                    + needed / (1 << 20) + " MB of Java heap but the limit is " + heap / (1 << 20)
                    + " MB; raise it (java -Xmx...) or make the layers smaller");
        }
    }

    /** The layers in order. */
    public List<Layer> layers() {
        return layers;
    }

    /** The layer names in order ({@code "0"}, {@code "1"}, ... unless named). */
    public List<String> layerNames() {
        return names;
    }

    /** Input features: the first {@code Linear} layer's input size. */
    public int inputSize() {
        for (Layer layer : layers) {
            if (layer instanceof Linear linear) {
                return linear.in();
            }
        }
        throw new IllegalStateException(this + " has no Linear layer, so its input size is unknown");
    }

    /** Output features: the last {@code Linear} layer's output size (a module's: its forward's). */
    public int outputSize() {
        if (module != null) {
            return moduleOutputs;
        }
        return lastWidth().orElseThrow(() -> new IllegalStateException(this + " has no Linear layer"));
    }

    /** The hidden activation of a {@link #of(int...)} net; empty for sequential nets. */
    public Optional<Activation> hiddenActivation() {
        return Optional.ofNullable(hidden);
    }

    /** The sizes given to {@link #of(int...)}; empty for sequential nets. */
    public Optional<int[]> sizes() {
        return Optional.ofNullable(sizes).map(int[]::clone);
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

    /** Trainable numbers across all layers; a layer used more than once counts once. */
    public long parameterCount() {
        long n = 0;
        int[] first = firstUses();
        for (int i = 0; i < layers.size(); i++) {
            n += first[i] == i ? layers.get(i).parameterCount() : 0;
        }
        return n;
    }

    /**
     * For each layer, the index of its first use: {@code i} for a layer used once, the earlier
     * index for a layer instance that appears again (its weights are shared, as in PyTorch).
     */
    int[] firstUses() {
        int[] first = new int[layers.size()];
        for (int i = 0; i < first.length; i++) {
            first[i] = i;
            for (int j = 0; j < i; j++) {
                if (layers.get(j) == layers.get(i)) {
                    first[i] = j;
                    break;
                }
            }
        }
        return first;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Net n && Arrays.equals(sizes, n.sizes) && Objects.equals(hidden, n.hidden) && module == n.module
                && names.equals(n.names)
                && layers.equals(n.layers) && Arrays.equals(firstUses(), n.firstUses()) && loss == n.loss
                && Objects.equals(optimizer, n.optimizer) && Objects.equals(seed, n.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(sizes), names, layers, Arrays.hashCode(firstUses()), loss, optimizer, seed);
    }

    /** The spec as the code that makes it, e.g. {@code Net.of(1, 20, 1).relu().mse().sgd(0.05)}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (sizes != null) {
            s.append("Net.of(").append(join(sizes)).append(").").append(hidden.callName()).append("()");
        } else if (module != null) {
            s.append("Net.module(").append(module.displayName()).append(')');
        } else {
            s.append("Net.sequential()");
            for (int i = 0; i < layers.size(); i++) {
                s.append(".add(\"").append(names.get(i)).append("\", ").append(layers.get(i)).append(')');
            }
        }
        if (loss != null) {
            s.append('.').append(loss.call());
        }
        if (optimizer != null) {
            s.append('.').append(call(optimizer));
        }
        if (seed != null) {
            s.append(".seed(").append(seed).append(')');
        }
        return s.toString();
    }

    private static String call(Optimizer optimizer) {
        if (optimizer instanceof Optimizer.Sgd sgd) {
            return sgd.momentum() == 0 ? "sgd(" + sgd.learningRate() + ")"
                    : "sgd(" + sgd.learningRate() + ", " + sgd.momentum() + ")";
        }
        if (optimizer instanceof Optimizer.Adam adam && adam.equals(Optimizers.adam(adam.learningRate()))) {
            return "adam(" + adam.learningRate() + ")";
        }
        return "optimizer(" + optimizer + ")";
    }

    private static String join(int[] values) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return s.toString();
    }

    /** The forward pass over {@code x}: the module's own, or the layers applied in order. */
    Expr forward(Expr x) {
        if (module != null) {
            return module.forward(x);
        }
        Expr h = x;
        for (Layer layer : layers) {
            h = layer instanceof Linear linear ? linear.apply(h) : ((Activation) layer).apply(h);
        }
        return h;
    }

    /** The module of a {@link #module(Module)} net, else null. */
    Module module() {
        return module;
    }

    /** True for {@link #module(Module)} nets. */
    boolean isModule() {
        return module != null;
    }

    /**
     * Names of the layers' parameters in order, e.g. {@code 0.weight, 0.bias, 2.weight, ...}; a layer
     * used again under another name keeps its first name (PyTorch's {@code named_parameters()}).
     */
    List<String> parameterNames() {
        List<String> out = new ArrayList<>();
        int[] first = firstUses();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Linear && first[i] == i) {
                out.add(names.get(i) + ".weight");
                out.add(names.get(i) + ".bias");
            }
        }
        return Collections.unmodifiableList(out);
    }
}
