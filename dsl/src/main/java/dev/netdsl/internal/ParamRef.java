package dev.netdsl.internal;

import dev.netdsl.layers.Layer;

/** Which tensor a {@link OpCode#PARAM} node stands for: a parameter or buffer of one layer, by name. */
public record ParamRef(Layer layer, String name) {
    @Override
    public boolean equals(Object o) {
        // Layers are told apart by identity: two equal Linear(2, 4) are two layers with their own weights.
        return o instanceof ParamRef p && p.layer == layer && p.name.equals(name);
    }

    @Override
    public int hashCode() {
        return 31 * System.identityHashCode(layer) + name.hashCode();
    }
}
