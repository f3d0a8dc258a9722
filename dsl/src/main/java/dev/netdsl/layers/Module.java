package dev.netdsl.layers;

import dev.netdsl.Expr;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A network with its own forward pass, like PyTorch's {@code nn.Module}: register layers with
 * {@link #add} (or lists and maps of layers with {@link #addList} / {@link #addDict}, PyTorch's
 * {@code ModuleList} / {@code ModuleDict}) and write {@link #forward(Expr)} with them. Only
 * registered layers get weights; a layer kept in a plain Java list is not registered, and using it
 * in {@code forward} fails when the model is built. A layer may be registered under several names:
 * it is the same layer, so one with weights shares them, like a PyTorch module registered twice.
 *
 * <pre>{@code
 * class TwoLayer extends Module {
 *     final Linear layer1 = add("layer1", linear(2, 4));
 *     final Linear layer3 = add("layer3", linear(4, 1));
 *     @Override public Expr forward(Expr x) { return layer3.apply(layer1.apply(x).tanh()); }
 * }
 * Net mod = Net.module(new TwoLayer()).bceWithLogits().sgd(1.0);
 * }</pre>
 */
public abstract class Module {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    private final List<String> names = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();

    /** A module with no layers yet; subclasses register theirs with {@link #add}. */
    protected Module() {
    }

    /**
     * Registers {@code layer} under {@code name} (its parameters become {@code name.weight},
     * {@code name.bias}) and returns it.
     *
     * @throws IllegalArgumentException if the name is taken or not made of letters, digits and '_'
     */
    protected final <L extends Layer> L add(String name, L layer) {
        check(name);
        return register(name, layer);
    }

    /**
     * Registers every layer of {@code items} as {@code name.0}, {@code name.1}, ... (PyTorch's
     * {@code nn.ModuleList}) and returns an unmodifiable copy of the list.
     */
    protected final <L extends Layer> List<L> addList(String name, List<L> items) {
        check(name);
        Objects.requireNonNull(items, "items");
        List<L> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(register(name + "." + i, items.get(i)));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Registers every layer of {@code items} as {@code name.key} (PyTorch's {@code nn.ModuleDict}) and
     * returns an unmodifiable copy of the map, in the given order.
     */
    protected final <L extends Layer> Map<String, L> addDict(String name, Map<String, L> items) {
        check(name);
        Objects.requireNonNull(items, "items");
        Map<String, L> out = new LinkedHashMap<>();
        for (Map.Entry<String, L> e : items.entrySet()) {
            if (!NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("addDict(\"" + name + "\"): key '" + e.getKey()
                        + "' may hold only letters, digits and '_'");
            }
            out.put(e.getKey(), register(name + "." + e.getKey(), e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    private void check(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("layer name '" + name + "' may hold only letters, digits and '_'"
                    + " (it becomes part of parameter names like \"" + name + ".weight\")");
        }
    }

    private <L extends Layer> L register(String name, L layer) {
        Objects.requireNonNull(layer, "layer");
        if (names.contains(name)) {
            throw new IllegalArgumentException("layer name '" + name + "' is already registered in " + getClass().getSimpleName());
        }
        // The same layer under several names is allowed, as in PyTorch: a stateless one (relu() is one shared
        // instance) costs nothing, and one with weights shares them (listed once, under its first name).
        names.add(name);
        layers.add(layer);
        return layer;
    }

    /**
     * Registers {@code layer} under a name read back from a saved model, which may hold dots
     * ({@code hidden.0}, written by {@link #addList}); for modules rebuilt from files.
     */
    protected final void restore(String name, Layer layer) {
        Objects.requireNonNull(name, "name");
        register(name, layer);
    }

    /**
     * The forward pass over a batch {@code x} ({@code [batch, ...example]}), with the registered layers'
     * {@link Layer#apply}; return {@code [batch, ...]}.
     */
    public abstract Expr forward(Expr x);

    /** The name {@code Net.toString()} shows: the class's simple name. */
    public String displayName() {
        return getClass().getSimpleName();
    }

    /** Registered layer names, in registration order. */
    public final List<String> layerNames() {
        return List.copyOf(names);
    }

    /** Registered layers, in registration order (a layer registered under two names appears twice). */
    public final List<Layer> layers() {
        return List.copyOf(layers);
    }
}
