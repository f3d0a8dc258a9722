package dev.netdsl.autograd;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Values for an {@link Autograd}'s inputs, checked against each input's shape:
 * {@code Feeds.of(x, xValues, 200, 784).and(y, yValues, 200, 10)}.
 */
public final class Feeds {
    record Value(float[] data, long[] shape) {
    }

    private final Map<Input, Value> values;

    private Feeds(Map<Input, Value> values) {
        this.values = values;
    }

    /** No inputs. */
    public static Feeds none() {
        return new Feeds(Map.of());
    }

    /** Values for {@code input}, row-major, with the concrete {@code shape}. */
    public static Feeds of(Input input, float[] data, long... shape) {
        return none().and(input, data, shape);
    }

    /**
     * A copy with values for {@code input} added.
     *
     * @throws IllegalArgumentException if the shape does not fit the input or the data's length
     */
    public Feeds and(Input input, float[] data, long... shape) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(data, "data");
        long[] want = input.shape();
        boolean fits = want.length == shape.length;
        for (int i = 0; fits && i < want.length; i++) {
            fits = shape[i] >= 0 && (want[i] == -1 || want[i] == shape[i]);
        }
        if (!fits) {
            throw new IllegalArgumentException("feed for input '" + input.name() + "': shape " + Arrays.toString(shape)
                    + " does not fit the input's " + Arrays.toString(want));
        }
        if (Autograd.size(shape) != data.length) {
            throw new IllegalArgumentException("feed for input '" + input.name() + "': shape " + Arrays.toString(shape)
                    + " holds " + Autograd.size(shape) + " values but " + data.length + " were given");
        }
        Map<Input, Value> copy = new LinkedHashMap<>(values);
        copy.put(input, new Value(data.clone(), shape.clone()));
        return new Feeds(copy);
    }

    Map<Input, Value> values() {
        return values;
    }
}
