package dev.netdsl;

import dev.netdsl.internal.LayerNodes;
import dev.netdsl.internal.Node;
import dev.netdsl.internal.Nodes;
import dev.netdsl.internal.OpCode;
import dev.netdsl.internal.engine.NetGraph;
import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Layers;
import dev.netdsl.training.Targets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What a {@link Net} is made of, worked out: its forward pass, shape checks, shared layers, names and code. */
final class NetStructure {
    private NetStructure() {
    }

    static void validate(Net net) {
        if (net.layers().isEmpty()) {
            throw new IllegalStateException("Net.sequential() has no layers; add some with .add(\"name\", linear(in, out))");
        }
        net.resolvedLayers(); // first: an unknown input is then explained by the lazy layer that needs it
        net.inputShape();
        int[] out = net.outputShape();
        DType type = forward(net, inputExpr(net)).dtype();
        if (type != DType.FLOAT32) {
            throw new IllegalArgumentException(net + ": gives " + type.fileName() + " outputs; losses and predictions take float32,"
                    + " so end with a layer that gives floats (an embedding, a cast)");
        }
        var loss = net.loss().orElse(null);
        // Classes per example ([classes]) or per position of a sequence ([T, classes], a language model's).
        if (loss != null && loss.targets() == Targets.CLASSES && out.length != 1 && out.length != 2) {
            throw new IllegalArgumentException(net + ": " + loss + " needs [batch, classes] logits but the net gives examples"
                    + " of shape " + Arrays.toString(out) + "; end it with flatten() and linear(features, classes)");
        }
        // Initial values are drawn in Java, laid out for TensorFlow and kept for the variable and its two checkpoint
        // copies, which share one array; optimizer slots are arrays of their own: about 24 bytes a weight at the peak.
        long needed = net.parameterCount() * 24;
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap) {
            throw new IllegalArgumentException(net + " has " + net.parameterCount() + " parameters; initialising them needs about "
                    + needed / (1 << 20) + " MB of Java heap but the limit is " + heap / (1 << 20)
                    + " MB; raise it (java -Xmx...) or make the layers smaller");
        }
    }

    static int[] firstUses(List<Layer> layers) {
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

    /** The model input of a forward pass over a batch: {@code [-1, ...inputShape()]} of the net's input type. */
    static Expr inputExpr(Net net) {
        return Nodes.expr(new Node(OpCode.MODEL_INPUT, NetGraph.batchShape(net.inputShape()), new Expr[0], null, 0, null,
                net.inputType()));
    }

    /** The forward pass over {@code x}: the module's own, or the layers applied in order. */
    static Expr forward(Net net, Expr x) {
        if (net.module().isPresent()) {
            Expr out = net.module().get().forward(x);
            if (out == null || out.rank() < 2) {
                throw new IllegalArgumentException("Net.module(" + net.module().get().displayName() + "): forward() must return a"
                        + " [batch, outputs] tensor but returned " + (out == null ? "null" : Arrays.toString(out.shape())));
            }
            return out;
        }
        Expr h = x;
        int changed = -1;
        long[] changedFrom = null;
        List<Layer> layers = net.layers();
        for (int i = 0; i < layers.size(); i++) {
            long[] before = h.shape();
            try {
                h = layers.get(i).apply(h);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(misfit(net, i, changed, changedFrom, before, e), e);
            }
            if (!Arrays.equals(before, h.shape())) {
                changed = i;
                changedFrom = before;
            }
        }
        return h;
    }

    /** Why layer {@code i} can't take {@code shape}, the output of layer {@code from} (-1: the input). */
    private static String misfit(Net net, int i, int from, long[] fromShape, long[] shape, IllegalArgumentException e) {
        Layer layer = net.layers().get(i);
        List<String> names = net.layerNames();
        String who = "layer " + i + " '" + names.get(i) + "' " + layer;
        String source = from < 0 ? "the input" : "layer " + from + " '" + names.get(from) + "'";
        if (e instanceof LayerNodes.TypeMismatch) {
            return "layer " + i + " '" + names.get(i) + "': " + e.getMessage();
        }
        int[] got = LayerNodes.example(shape);
        Optional<int[]> wants = layer.inputShape();
        if (wants.isPresent() && wants.get().length == 1 && got.length == 1) {
            int[] before = fromShape == null ? new int[0] : LayerNodes.example(fromShape);
            String flattened = before.length > 1 ? " (flattened from " + String.join(" x ", Arrays.stream(before)
                    .mapToObj(Integer::toString).toList()) + ")" : "";
            return who + " expects " + wants.get()[0] + " inputs but " + source + " gives " + got[0] + flattened
                    + "; make its first size " + got[0];
        }
        if (wants.isPresent() && wants.get().length == 1) {
            int n = Arrays.stream(got).reduce(1, (a, b) -> a * b);
            return who + " expects " + wants.get()[0] + " features but " + source + " gives " + n + " ("
                    + String.join(" x ", Arrays.stream(got).mapToObj(Integer::toString).toList()) + ")"
                    + (got.length > 1 ? "; flatten() it first, and make the layer's input size " + n : "");
        }
        return who + " can't take the output of " + source + ", examples of shape " + Arrays.toString(got) + ": " + e.getMessage();
    }

    /**
     * The layers with each {@link Layer#lazy() lazy} one resolved for the input it gets in the forward pass over
     * shapes (its first application; a shared one is resolved once, so each of its uses holds the same layer);
     * every other layer itself. Without lazy layers, the layers as they are.
     *
     * @throws IllegalStateException if a lazy layer's input is unknown: the net's input shape is, or a module
     *     never applies it
     * @throws IllegalArgumentException if a lazy layer is applied to inputs it resolves differently for
     */
    static List<Layer> resolve(Net net) {
        List<Layer> layers = net.layers();
        int lazy = 0;
        while (lazy < layers.size() && !layers.get(lazy).lazy()) {
            lazy++;
        }
        if (lazy == layers.size()) {
            return layers;
        }
        int[] input = net.knownInput();
        if (input == null) {
            throw new IllegalStateException(net + ": " + who(net, lazy) + " takes its input size from "
                    + (net.module().isPresent() ? "what forward() applies it to, which needs the net's input shape"
                    : lazy == 0 ? "the net's input, whose shape is unknown" : "the layers before it, which need the net's input shape")
                    + "; state the example shape with .input(...), e.g. .input(1, 28, 28), or give the layer its input size"
                    + " (the first argument of its explicit form: linear(in, out), conv2d(in, out, kernel), batchNorm2d(channels))");
        }
        Map<Layer, Layer> made = new IdentityHashMap<>();
        Map<Layer, int[]> from = new IdentityHashMap<>();
        for (Expr e : applications(forward(net, Nodes.expr(Node.of(OpCode.MODEL_INPUT, NetGraph.batchShape(input)))))) {
            Layer layer = (Layer) Nodes.of(e).ref();
            if (!layer.lazy()) {
                continue;
            }
            int[] example = LayerNodes.example(Nodes.of(Nodes.of(e).args()[0]).shape());
            Layer concrete = layer.resolve(example);
            if (concrete == null || concrete.lazy()) {
                throw new IllegalStateException(layer + ".resolve(" + Arrays.toString(example) + ") gave " + concrete
                        + "; a lazy layer must resolve to a layer that is not lazy");
            }
            Layer before = made.putIfAbsent(layer, concrete);
            if (before != null && !before.equals(concrete)) {
                int i = indexOf(layers, layer);
                throw new IllegalArgumentException(net + ": " + (i < 0 ? layer.toString() : who(net, i)) + " took its input"
                        + " size from its first input, examples of shape " + Arrays.toString(from.get(layer)) + " (it is "
                        + before + "), but is applied again to examples of shape " + Arrays.toString(example)
                        + "; a layer keeps one set of weights, so give each input its own layer or make the inputs the same size");
            }
            from.putIfAbsent(layer, example);
        }
        List<Layer> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            Layer concrete = layer.lazy() ? made.get(layer) : layer;
            if (concrete == null) {
                throw new IllegalStateException(net + ": " + who(net, i) + " takes its input size from its input, but forward()"
                        + " never applies it; apply it, remove it, or give it its input size (the first argument of its"
                        + " explicit form, e.g. linear(in, out))");
            }
            out.add(concrete);
        }
        return List.copyOf(out);
    }

    /** {@code layer 3 'fc' linear(128)} for a sequential net, {@code layer 'fc' linear(128)} for a module. */
    private static String who(Net net, int i) {
        return "layer " + (net.module().isPresent() ? "" : i + " ") + "'" + net.layerNames().get(i) + "' " + net.layers().get(i);
    }

    private static int indexOf(List<Layer> layers, Layer layer) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) == layer) {
                return i;
            }
        }
        return -1;
    }

    /** The layer applications under {@code root}, each after those its input depends on. */
    private static List<Expr> applications(Expr root) {
        List<Expr> out = new ArrayList<>();
        Set<Expr> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.add(root);
        while (!stack.isEmpty()) {
            // Iterative post-order: a deep module (hundreds of layers) must not overflow the Java stack.
            Object[] top = stack.peek();
            Expr e = (Expr) top[0];
            Expr[] args = Nodes.of(e).args();
            int next = (int) top[1];
            if (next < args.length) {
                top[1] = next + 1;
                if (seen.add(args[next])) {
                    stack.push(new Object[] {args[next], 0});
                }
            } else {
                stack.pop();
                if (Nodes.of(e).op() == OpCode.APPLY) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** The layers of {@code Net.of(sizes)}: Linear layers with {@code hidden} between them. */
    static List<Layer> mlpLayers(int[] sizes, Activation hidden) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (i > 0) {
                layers.add(hidden);
            }
            layers.add(Layers.linear(sizes[i], sizes[i + 1]));
        }
        return layers;
    }

    /** The names {@code "0"}, {@code "1"}, ... of {@code count} layers. */
    static List<String> indexNames(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** {@link Net#parameterCount()}: a layer used more than once counts once, a lazy one as resolved. */
    static long parameterCount(Net net) {
        long n = 0;
        int[] first = firstUses(net.layers());
        List<Layer> concrete = net.resolvedLayers();
        List<Layer> layers = net.layers();
        for (int i = 0; i < layers.size(); i++) {
            try {
                n += first[i] == i ? concrete.get(i).parameterCount() : 0;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer '" + net.layerNames().get(i) + "' " + layers.get(i) + ": " + e.getMessage(), e);
            }
        }
        return n;
    }

    /** The spec as the code that makes it. */
    static String code(Net net) {
        StringBuilder s = new StringBuilder();
        if (net.sizes().isPresent()) {
            s.append("Net.of(").append(join(net.sizes().get())).append(").").append(net.hiddenActivation().get().callName())
                    .append("()");
        } else if (net.module().isPresent()) {
            s.append("Net.module(").append(net.module().get().displayName()).append(')');
        } else {
            s.append("Net.sequential()");
            for (int i = 0; i < net.layers().size(); i++) {
                s.append(".add(\"").append(net.layerNames().get(i)).append("\", ").append(net.layers().get(i)).append(')');
            }
        }
        net.givenInput().ifPresent(in -> s.append(".input(").append(net.inputType() == dev.netdsl.DType.FLOAT32 ? ""
                : "DType." + net.inputType() + ", ").append(join(in)).append(')'));
        net.loss().ifPresent(l -> s.append('.').append(l.netCall()));
        net.optimizer().ifPresent(o -> s.append('.').append(o.netCall()));
        net.seed().ifPresent(seed -> s.append(".seed(").append(seed).append(')'));
        if (net.precision() != Precision.FLOAT32) {
            s.append(".precision(Precision.").append(net.precision()).append(')');
        }
        return s.toString();
    }

    /** {@code values} separated by commas, for code and messages. */
    static String join(int[] values) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return s.toString();
    }

    /** The example shape the layers fix: the first layer's, or for a module its first layer that fixes one. */
    static int[] knownInput(Net net) {
        for (Layer l : net.layers()) {
            Optional<int[]> shape = l.inputShape();
            if (shape.isPresent()) {
                return shape.get();
            }
            if (net.module().isEmpty()) {
                return null; // a sequential net's first layer decides
            }
        }
        return null;
    }

    /** {@code Net.equals}: the same layers (shared the same way), names, loss, optimizer, seed, input and precision. */
    static boolean sameSpec(Net a, Net b) {
        return Arrays.equals(a.sizes().orElse(null), b.sizes().orElse(null)) && a.hiddenActivation().equals(b.hiddenActivation())
                && a.module().orElse(null) == b.module().orElse(null) && a.layerNames().equals(b.layerNames())
                && a.layers().equals(b.layers()) && Arrays.equals(firstUses(a.layers()), firstUses(b.layers()))
                && a.loss().equals(b.loss()) && a.optimizer().equals(b.optimizer()) && a.seed().equals(b.seed())
                && Arrays.equals(a.givenInput().orElse(null), b.givenInput().orElse(null)) && a.inputType() == b.inputType()
                && a.precision() == b.precision();
    }

    /** {@code Net.hashCode}, consistent with {@link #sameSpec}. */
    static int specHash(Net n) {
        return java.util.Objects.hash(Arrays.hashCode(n.sizes().orElse(null)), n.layerNames(), n.layers(),
                Arrays.hashCode(firstUses(n.layers())), n.loss(), n.optimizer(), n.seed(), Arrays.hashCode(n.givenInput().orElse(null)));
    }
}
