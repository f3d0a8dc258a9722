package dev.netdsl.layers;

import dev.netdsl.internal.TypeRegistry;
import java.util.function.Function;

/**
 * Static factories for layers, meant for static import ({@code linear(2, 4), tanh()}), and the registry
 * that rebuilds layers from model files.
 */
public final class Layers {
    private static final TypeRegistry<Layer> TYPES = new TypeRegistry<>(Layer.class, "dev.netdsl.layers", "Layers.register");

    private Layers() {
    }

    /**
     * A fully connected layer with {@code in} inputs and {@code out} outputs (PyTorch's
     * {@code nn.Linear(in, out)}).
     *
     * @throws IllegalArgumentException if a size is below 1
     */
    public static Linear linear(int in, int out) {
        return new Linear(in, out);
    }

    /**
     * A fully connected layer with {@code out} outputs that takes its input size from the layer before it
     * when the net is built (PyTorch's {@code nn.LazyLinear(out)}, Keras's {@code Dense(out)}): after a
     * flatten of {@code [64, 5, 5]}, {@code linear(128)} is {@code linear(64 * 5 * 5, 128)}.
     *
     * @throws IllegalArgumentException if {@code out} is below 1
     */
    public static LazyLinear linear(int out) {
        return new LazyLinear(out);
    }

    /**
     * A 2-D convolution with {@code out} channels and a square {@code kernel} that takes its input channels
     * from the layer before it when the net is built (PyTorch's {@code nn.LazyConv2d(out, kernel)}); stride 1
     * and no padding unless set with {@link LazyConv2d#withStride} and {@link LazyConv2d#withPadding}.
     *
     * @throws IllegalArgumentException if a size is below 1
     */
    public static LazyConv2d conv2d(int out, int kernel) {
        return new LazyConv2d(out, kernel, 1, 0);
    }

    /**
     * A 2-D convolution with stride 1 and no padding ({@code nn.Conv2d(in, out, kernel)}), a square
     * {@code kernel}.
     *
     * @throws IllegalArgumentException if a size is below 1
     */
    public static Conv2d conv2d(int in, int out, int kernel) {
        return conv2d(in, out, kernel, 1, 0);
    }

    /** {@code nn.Conv2d(in, out, kernel, stride, padding)}: square kernel, equal stride and padding both ways. */
    public static Conv2d conv2d(int in, int out, int kernel, int stride, int padding) {
        return new Conv2d(in, out, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    /** {@code nn.MaxPool2d(kernel)}: the largest value of each kernel x kernel window, stride = kernel. */
    public static MaxPool2d maxPool2d(int kernel) {
        return maxPool2d(kernel, kernel);
    }

    /** {@code nn.MaxPool2d(kernel, stride)}. */
    public static MaxPool2d maxPool2d(int kernel, int stride) {
        return new MaxPool2d(new int[] {kernel, kernel}, new int[] {stride, stride});
    }

    /** {@code nn.AvgPool2d(kernel)}: the mean of each kernel x kernel window, stride = kernel. */
    public static AvgPool2d avgPool2d(int kernel) {
        return avgPool2d(kernel, kernel);
    }

    /** {@code nn.AvgPool2d(kernel, stride)}. */
    public static AvgPool2d avgPool2d(int kernel, int stride) {
        return new AvgPool2d(new int[] {kernel, kernel}, new int[] {stride, stride});
    }

    /** {@code nn.Dropout(p)}: in training, zeroes elements with probability {@code p} and scales the rest by 1/(1-p). */
    public static Dropout dropout(double p) {
        return new Dropout(p);
    }

    /** {@code nn.BatchNorm1d(features)}: eps 1e-5, momentum 0.1, over [N, features] batches. */
    public static BatchNorm1d batchNorm1d(int features) {
        return new BatchNorm1d(features, BatchNorm.EPS, BatchNorm.MOMENTUM);
    }

    /** {@code nn.BatchNorm2d(channels)}: eps 1e-5, momentum 0.1, per channel of [N, C, H, W] batches. */
    public static BatchNorm2d batchNorm2d(int channels) {
        return new BatchNorm2d(channels, BatchNorm.EPS, BatchNorm.MOMENTUM);
    }

    /** {@code nn.LazyBatchNorm1d()}: {@link #batchNorm1d(int)} over the features its input has, found when the net is built. */
    public static LazyBatchNorm1d batchNorm1d() {
        return new LazyBatchNorm1d();
    }

    /** {@code nn.LazyBatchNorm2d()}: {@link #batchNorm2d(int)} over the channels its input has, found when the net is built. */
    public static LazyBatchNorm2d batchNorm2d() {
        return new LazyBatchNorm2d();
    }

    /** {@code nn.Flatten()}: each example to one vector, in PyTorch's order. */
    public static Flatten flatten() {
        return Flatten.INSTANCE;
    }

    /** ReLU, {@code max(0, x)}. */
    public static Activation relu() {
        return Activation.RELU;
    }

    /** Hyperbolic tangent. */
    public static Activation tanh() {
        return Activation.TANH;
    }

    /** Logistic sigmoid. */
    public static Activation sigmoid() {
        return Activation.SIGMOID;
    }

    /** Identity: passes its input through. */
    public static Activation identity() {
        return Activation.IDENTITY;
    }

    /** PyTorch's {@code nn.Hardtanh()}: {@code x} clipped to [-1, 1]. */
    public static Activation hardtanh() {
        return hardtanh(-1, 1);
    }

    /**
     * {@code x} clipped to [{@code min}, {@code max}] ({@code nn.Hardtanh(min_val, max_val)}).
     *
     * @throws IllegalArgumentException unless {@code min < max}, both finite
     */
    public static Activation hardtanh(double min, double max) {
        return Activation.hardtanh(min, max);
    }

    /** {@code nn.LeakyReLU()}: slope 0.01 below zero. */
    public static Activation leakyRelu() {
        return leakyRelu(0.01);
    }

    /** {@code nn.LeakyReLU(negative_slope)}. */
    public static Activation leakyRelu(double slope) {
        return Activation.leakyRelu(slope);
    }

    /** {@code nn.ELU()}: alpha 1. */
    public static Activation elu() {
        return elu(1);
    }

    /** {@code nn.ELU(alpha)}: {@code x} above zero, {@code alpha * (exp(x) - 1)} below. */
    public static Activation elu(double alpha) {
        return Activation.elu(alpha);
    }

    /** {@code nn.GELU()}: the exact form {@code x * Phi(x)} with the normal CDF Phi. */
    public static Activation gelu() {
        return Activation.GELU;
    }

    /** {@code nn.Embedding(count, dim)}: int token ids looked up in a table of {@code dim}-long vectors; {@code .paddingIdx(i)}. */
    public static Embedding embedding(int count, int dim) {
        return new Embedding(count, dim, -1);
    }

    /**
     * {@code nn.LSTM(input, hidden, batch_first=True)} over {@code [T, input]} sequences, giving {@code [T, hidden]};
     * {@code .numLayers(n)}, {@code .bidirectional()}, {@code .dropout(p)}, {@code .finalState()}.
     */
    public static LSTM lstm(int input, int hidden) {
        return new LSTM(input, hidden, 1, false, 0, false);
    }

    /**
     * {@code nn.GRU(input, hidden, batch_first=True)} over {@code [T, input]} sequences, giving {@code [T, hidden]};
     * {@code .numLayers(n)}, {@code .bidirectional()}, {@code .dropout(p)}, {@code .finalState()}.
     */
    public static GRU gru(int input, int hidden) {
        return new GRU(input, hidden, 1, false, 0, false);
    }

    /**
     * {@code nn.MultiheadAttention(dim, heads, batch_first=True)} as self-attention over {@code [T, dim]}
     * sequences; {@code .paddingMask(id)}, {@code .causal()}, {@code .dropout(p)}.
     */
    public static MultiheadAttention multiheadAttention(int dim, int heads) {
        return new MultiheadAttention(dim, heads, 0, -1, false);
    }

    /**
     * {@code nn.TransformerEncoderLayer(dModel, nhead, batch_first=True)}: dim_feedforward 2048, dropout 0.1, ReLU,
     * post-norm; {@code .dimFeedforward(n)}, {@code .dropout(p)}, {@code .gelu()}, {@code .normFirst()},
     * {@code .paddingMask(id)}, {@code .causal()}.
     */
    public static TransformerEncoderLayer transformerEncoderLayer(int dModel, int nhead) {
        return new TransformerEncoderLayer(dModel, nhead, 2048, 0.1, false, false, -1, false);
    }

    /** Learned positions added to {@code [T, dim]} sequences of up to {@code maxLen} steps. */
    public static PositionalEncoding positionalEmbedding(int maxLen, int dim) {
        return new PositionalEncoding(maxLen, dim, true);
    }

    /** The fixed sine and cosine positions of PyTorch's Transformer tutorial, added to {@code [T, dim]} sequences. */
    public static PositionalEncoding sinusoidalEncoding(int dim) {
        return new PositionalEncoding(0, dim, false);
    }

    /**
     * The mean over the time axis, {@code [T, features]} to {@code [features]} per example ({@code x.mean(dim=1)});
     * {@code .paddingMask(id)} leaves out the padding positions.
     */
    public static SequenceMean sequenceMean() {
        return new SequenceMean(-1);
    }

    /** {@code nn.LayerNorm(normalizedShape)}: each example normalised over its last axes, eps 1e-5. */
    public static LayerNorm layerNorm(int... normalizedShape) {
        return new LayerNorm(normalizedShape, 1e-5);
    }

    /** {@code nn.Softplus()}: {@code log(1 + exp(x))}. */
    public static Activation softplus() {
        return Activation.SOFTPLUS;
    }

    /**
     * Makes your own layer type readable from model files: {@code Model.open} rebuilds a layer of type
     * {@code typeName} (its {@link Layer#typeName()}) with {@code factory} from its saved
     * {@link Layer#settings()}. Register before opening; a later registration of the same name wins.
     */
    public static void register(String typeName, Function<Settings, ? extends Layer> factory) {
        TYPES.register(typeName, factory);
    }

    /**
     * The layer of type {@code typeName} with {@code settings}: a registered type, or one of NetDSL's.
     *
     * @throws IllegalArgumentException naming the type and how to register it if it is unknown
     */
    public static Layer fromSettings(String typeName, Settings settings) {
        Activation a = Activation.fromSettings(typeName, settings);
        return a != null ? a : TYPES.create(typeName, settings);
    }
}
