package dev.netdsl.layers;

import dev.netdsl.DType;

/** What the layers that compute in float32 (all of NetDSL's but {@link Flatten}) say of integer inputs. */
final class FloatLayers {
    private FloatLayers() {
    }

    /** Float32, or an error naming {@code layer} when its input is an integer type. */
    static DType check(Layer layer, DType input) {
        if (input != DType.FLOAT32) {
            throw new IllegalArgumentException(layer + " takes float32 values but gets " + input.fileName() + " (token ids need an"
                    + " embedding first, or .cast(DType.FLOAT32) in a module's forward pass)");
        }
        return DType.FLOAT32;
    }
}
