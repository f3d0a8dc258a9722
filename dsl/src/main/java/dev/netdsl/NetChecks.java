package dev.netdsl;

import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Layer;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** The checks of {@link Net}'s fluent calls, each failing with a message that names the call and says what to do. */
final class NetChecks {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    private NetChecks() {
    }

    /** {@code Net.of(sizes)}: an input and an output size at least, each at least 1. */
    static void sizes(int[] sizes) {
        String call = "Net.of(" + NetStructure.join(sizes) + ")";
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
    }

    /** {@code net.add(name, layer)}: a sequential net, and a new name of letters, digits and {@code _}. */
    static void add(Net net, String name, Layer layer) {
        if (net.sizes().isPresent() || net.module().isPresent()) {
            throw new IllegalStateException("add(\"" + name + "\", " + layer + "): " + net
                    + " takes its layers from its " + (net.module().isPresent() ? "module" : "sizes")
                    + "; use Net.sequential(...) to list layers yourself");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("add(\"" + name + "\", ...): a layer name may hold only letters, digits and '_'"
                    + " (it becomes part of parameter names like \"" + name + ".weight\")");
        }
        List<String> names = net.layerNames();
        if (names.contains(name)) {
            throw new IllegalArgumentException("add(\"" + name + "\", ...): the name \"" + name
                    + "\" is already taken by layer " + names.indexOf(name) + "; give each layer its own name");
        }
    }

    /** {@code net.input(exampleShape)}: one or more dimensions, each at least 1, that a Java array holds. */
    static void exampleShape(int[] exampleShape) {
        if (exampleShape.length == 0 || Arrays.stream(exampleShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("input" + Arrays.toString(exampleShape).replace('[', '(').replace(']', ')')
                    + ": an example shape needs one or more dimensions, each at least 1");
        }
        if (Arrays.stream(exampleShape).asDoubleStream().reduce(1, (a, b) -> a * b) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input" + Arrays.toString(exampleShape).replace('[', '(').replace(']', ')')
                    + ": one example would hold more values than a Java array (2^31 - 1)");
        }
    }

    /** The error of {@code relu()}, {@code tanh()} or {@code sigmoid()} on a net that is not a {@code Net.of(...)} one. */
    static IllegalStateException notAnMlp(Activation activation) {
        return new IllegalStateException(activation.callName() + "() picks the hidden activation of a Net.of(...)"
                + " net; a sequential net lists its activations as layers, e.g. Net.sequential(linear(2, 4), "
                + activation.callName() + "(), linear(4, 1))");
    }

    /** The error of {@code net.inputShape()} when neither {@code input(...)} nor the first layer fixes it. */
    static IllegalStateException unknownInput(Net net) {
        return new IllegalStateException(net + ": the input shape is unknown, because the first layer does not fix it;"
                + " state the example shape, e.g. .input(1, 28, 28)");
    }
}
