package dev.netdsl;

import dev.netdsl.layers.Layer;
import java.util.List;

/**
 * One layer of a built {@link Model} with a snapshot of its parameters: what PyTorch shows for
 * {@code seq_net[0]} or {@code mo_net.layer1}, and {@code .weight} / {@code .bias}.
 *
 * @param index position in the spec
 * @param name the layer's name ({@code "0"}, {@code "layer1"}, ...)
 * @param layer the layer spec; a lazy one as it resolved ({@code Linear(in_features=1600, out_features=128)} for
 *     {@code linear(128)})
 * @param parameters its parameters, named {@code name.weight} ... (a shared layer's carry its first name)
 */
public record LayerView(int index, String name, Layer layer, List<Parameter> parameters) {
    /** @throws NullPointerException if a value is null */
    public LayerView {
        parameters = List.copyOf(parameters);
    }

    /** {@code index} if {@code net} has such a layer. */
    static int checkIndex(Net net, int index) {
        if (index < 0 || index >= net.layers().size()) {
            throw new IllegalArgumentException("layer(" + index + "): " + net + " has layers 0.." + (net.layers().size() - 1));
        }
        return index;
    }

    /** The index of the layer named {@code name}. */
    static int indexOf(Net net, String name) {
        int index = net.layerNames().indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("layer(\"" + name + "\"): no such layer; the layers are " + net.layerNames());
        }
        return index;
    }

    /**
     * Layer {@code index} of {@code net} with its own tensors among {@code parameters} (all of a model's, by their
     * PyTorch names).
     */
    static LayerView of(Net net, int index, List<Parameter> parameters) {
        // A shared layer's tensors are named after its first use.
        String owner = net.layerNames().get(NetStructure.firstUses(net.layers())[index]) + ".";
        java.util.Set<String> names = new java.util.HashSet<>();
        net.resolvedLayers().get(index).parameters().forEach(s -> names.add(owner + s.name()));
        List<Parameter> own = new java.util.ArrayList<>();
        for (Parameter p : parameters) {
            if (names.contains(p.name())) { // a layer's own names may be dotted (self_attn.in_proj_weight)
                own.add(p);
            }
        }
        return new LayerView(index, net.layerNames().get(index), net.resolvedLayers().get(index), own);
    }

    /**
     * The parameter called {@code tensor} ({@code weight}, {@code bias}, ...), in PyTorch's layout.
     *
     * @throws IllegalStateException if the layer has no such parameter
     */
    public Parameter parameter(String tensor) {
        // The layer's own name for it; of the parameters ending so, the shortest (weight, not self_attn.out_proj.weight).
        Parameter found = null;
        if (layer.parameters().stream().anyMatch(s -> s.name().equals(tensor))) {
            for (Parameter p : parameters) {
                if (p.name().endsWith("." + tensor) && (found == null || p.name().length() < found.name().length())) {
                    found = p;
                }
            }
        }
        if (found == null) {
            throw new IllegalStateException("layer " + index + " '" + name + "' " + layer + " has no " + tensor + "; it has "
                    + layer.parameters().stream().map(dev.netdsl.layers.ParameterSpec::name).toList());
        }
        return found;
    }

    /**
     * The weight ({@code [out, in]} for a Linear, PyTorch's layout).
     *
     * @throws IllegalStateException for a layer without weights
     */
    public Parameter weight() {
        return parameter("weight");
    }

    /**
     * The bias.
     *
     * @throws IllegalStateException for a layer without a bias
     */
    public Parameter bias() {
        return parameter("bias");
    }

    /** PyTorch's repr of the layer, e.g. {@code Linear(in_features=2, out_features=4)}. */
    @Override
    public String toString() {
        return layer.toString();
    }
}
