package dev.netdsl;

import java.util.Optional;

/**
 * One layer of a built {@link Model} with a snapshot of its parameters: what PyTorch shows for
 * {@code seq_net[0]} or {@code mo_net.layer1}, and {@code .weight} / {@code .bias}.
 *
 * @param index position in the spec
 * @param name the layer's name ({@code "0"}, {@code "layer1"}, ...)
 * @param layer the layer spec
 * @param weightOrNull the weight, [out, in], for a Linear layer
 * @param biasOrNull the bias, [out], for a Linear layer
 */
public record LayerView(int index, String name, Layer layer, Parameter weightOrNull, Parameter biasOrNull) {
    /**
     * The weight ({@code [out, in]}, PyTorch's layout).
     *
     * @throws IllegalStateException for a layer without weights
     */
    public Parameter weight() {
        return Optional.ofNullable(weightOrNull).orElseThrow(() -> new IllegalStateException(
                "layer " + index + " '" + name + "' " + layer + " has no weight"));
    }

    /**
     * The bias ({@code [out]}).
     *
     * @throws IllegalStateException for a layer without weights
     */
    public Parameter bias() {
        return Optional.ofNullable(biasOrNull).orElseThrow(() -> new IllegalStateException(
                "layer " + index + " '" + name + "' " + layer + " has no bias"));
    }

    /** PyTorch's repr of the layer, e.g. {@code Linear(in_features=2, out_features=4)}. */
    @Override
    public String toString() {
        return layer.toString();
    }
}
