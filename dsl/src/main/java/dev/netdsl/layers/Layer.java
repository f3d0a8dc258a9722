package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import dev.netdsl.internal.LayerNodes;
import java.util.List;
import java.util.Optional;

/**
 * One step of a network's forward pass, as PyTorch's {@code nn.Module} subclasses are: a layer declares
 * its trainable parameters and non-trainable buffers (name, shape, initializer), the output shape it
 * gives for an input shape (checked in Java when a net is built), and its forward pass as an
 * {@link Expr}. A new layer is one class implementing this interface; {@code Net}, {@code Model} and the
 * file formats never name a concrete layer type.
 *
 * <p>Shapes here are the shapes of one example, without the batch dimension ({@code [784]},
 * {@code [1, 28, 28]}). Parameters are named as PyTorch names them ({@code weight}, {@code bias},
 * {@code running_mean}) and declared in PyTorch's layout; {@link ParameterSpec#storedAs} lets the forward
 * pass see another layout.
 *
 * <p>To save a net that uses your own layer with {@code Model.saveAll} and open it again, give it a
 * {@link #typeName()} and {@link #settings()} that rebuild it, and register a factory before
 * {@code Model.open}: {@code Layers.register("MyLayer", MyLayer::fromSettings)}.
 */
public interface Layer {

    /** PyTorch-style type name, e.g. {@code Linear}, {@code ReLU}; model files store it. */
    String typeName();

    /** The settings that rebuild this layer with its type's factory, e.g. {@code in_features=2, out_features=4}. */
    default Settings settings() {
        return Settings.empty();
    }

    /** The trainable tensors, in the order they are created and listed. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /** Non-trainable state saved with the model (running statistics), like PyTorch's buffers. */
    default List<ParameterSpec> buffers() {
        return List.of();
    }

    /** The example shape this layer requires, if it fixes one ({@code [in]} for a Linear). */
    default Optional<int[]> inputShape() {
        return Optional.empty();
    }

    /**
     * The example shape this layer gives for an input example of {@code input}.
     *
     * @throws IllegalArgumentException saying what it expected, if it cannot take {@code input}
     */
    int[] outputShape(int[] input);

    /**
     * The element type this layer gives for input of {@code input}: the same by default (a reshape keeps
     * int token ids int; float math fails on ints when the model is built, naming the op); an embedding
     * takes int32 ids and gives float32 vectors.
     */
    default DType outputType(DType input) {
        return input;
    }

    /**
     * The forward pass over a batch {@code x} ({@code [batch, ...input]}), written with {@link Expr}
     * operations and {@code context}'s parameters. Called when a model is compiled, once for training
     * and once for inference ({@link LayerContext#training()}).
     */
    Expr forward(Expr x, LayerContext context);

    /**
     * This layer applied to {@code x}, for a {@link Module}'s forward pass: the weights are the built
     * model's. Checks the shapes now.
     *
     * @throws IllegalArgumentException if the layer cannot take {@code x}'s shape
     */
    default Expr apply(Expr x) {
        return LayerNodes.apply(this, x);
    }

    /**
     * True for a layer that takes a size from its input ({@code linear(128)}, PyTorch's lazy modules): it has
     * no parameters of its own until a net resolves it with {@link #resolve}. False for every other layer.
     */
    default boolean lazy() {
        return false;
    }

    /**
     * The concrete layer this one is for input examples of shape {@code input}: a {@link #lazy()} layer returns
     * a new layer with the size it takes from {@code input} filled in ({@code linear(128)} on {@code [3200]}
     * gives {@code Linear(in_features=3200, out_features=128)}), which is not lazy; any other layer returns
     * itself. Nothing changes this layer: a net resolves each lazy layer once, when it is built, and keeps
     * the result beside it. A lazy layer's {@link #outputShape} and {@link #forward} are those of the layer it
     * resolves to (the model compiles its forward pass over that layer's parameters).
     *
     * @throws IllegalArgumentException if a lazy layer cannot take {@code input}
     */
    default Layer resolve(int[] input) {
        return this;
    }

    /** How many trainable numbers this layer holds. */
    default long parameterCount() {
        long n = 0;
        for (ParameterSpec p : parameters()) {
            n += p.size();
        }
        return n;
    }
}
