package dev.netdsl.internal.files;

import static dev.netdsl.internal.engine.Access.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netdsl.DType;
import dev.netdsl.Expr;
import dev.netdsl.Net;
import dev.netdsl.internal.Node;
import dev.netdsl.internal.Nodes;
import dev.netdsl.internal.OpCode;
import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Layers;
import dev.netdsl.layers.Settings;
import dev.netdsl.training.Loss;
import dev.netdsl.training.Losses;
import dev.netdsl.training.Optimizer;
import dev.netdsl.training.Optimizers;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A {@link Net} as JSON and back, by type names and settings (PyTorch's names: {@code Linear} with
 * {@code in_features}, {@code Hardtanh} with {@code min_val}, {@code Adam} with {@code betas}, ...).
 * Types are rebuilt through {@link Layers#fromSettings}, {@link Losses#fromSettings} and
 * {@link Optimizers#fromSettings}: what the reader does not know fails naming it and how to register it.
 */
public final class SpecCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SpecCodec() {
    }

    static ObjectNode net(Net net) {
        ObjectNode n = NODES.objectNode();
        if (net.sizes().isPresent()) {
            n.put("kind", "mlp");
            ArrayNode sizes = n.putArray("sizes");
            for (int s : net.sizes().get()) {
                sizes.add(s);
            }
            n.set("hidden", typed(net.hiddenActivation().get().typeName(), Settings.empty()));
            return n;
        }
        n.put("kind", net.module().isPresent() ? "module" : "sequential");
        ArrayNode layers = n.putArray("layers");
        int[] first = access().firstUses(net);
        for (int i = 0; i < net.layers().size(); i++) {
            ObjectNode l = layers.addObject();
            l.put("name", net.layerNames().get(i));
            if (first[i] != i) {
                l.put("same_as", first[i]);
            } else {
                Layer layer = access().resolvedLayers(net).get(i); // a lazy layer is stored as the layer it resolved to
                l.set("layer", typed(layer.typeName(), layer.settings()));
            }
        }
        net.givenInput().ifPresent(in -> {
            ArrayNode shape = n.putArray("input");
            for (int d : in) {
                shape.add(d);
            }
        });
        if (net.inputType() != DType.FLOAT32) {
            n.put("input_dtype", net.inputType().fileName());
        }
        if (net.module().isPresent()) {
            n.put("class", net.module().get().displayName());
            n.set("forward", expr(access().forward(net, access().inputExpr(net)),
                    net.layers()));
        }
        return n;
    }

    static Net net(JsonNode n) {
        String kind = n.path("kind").asText();
        Net net;
        switch (kind) {
            case "mlp" -> {
                net = Net.of(ints(n.path("sizes")));
                String hidden = n.path("hidden").path("type").asText();
                if (hidden.equals(Activation.TANH.typeName())) {
                    net = net.tanh();
                } else if (hidden.equals(Activation.SIGMOID.typeName())) {
                    net = net.sigmoid();
                } else if (!hidden.equals(Activation.RELU.typeName())) {
                    throw new IllegalArgumentException("a Net.of(...) net's hidden activation must be ReLU, Tanh or Sigmoid, not "
                            + hidden);
                }
            }
            case "sequential", "module" -> {
                List<String> names = new ArrayList<>();
                List<Layer> layers = new ArrayList<>();
                for (JsonNode l : n.path("layers")) {
                    names.add(l.path("name").asText());
                    if (l.has("same_as")) {
                        int j = l.get("same_as").asInt();
                        if (j < 0 || j >= layers.size()) {
                            throw new IllegalArgumentException("layer '" + names.get(names.size() - 1) + "' is the same as layer "
                                    + j + ", which does not come before it");
                        }
                        layers.add(layers.get(j));
                    } else {
                        JsonNode spec = l.path("layer");
                        layers.add(Layers.fromSettings(spec.path("type").asText(), settings(spec)));
                    }
                }
                if (kind.equals("module")) {
                    SavedModule module = new SavedModule(n.path("class").asText(null), names, layers, expr(n.path("forward"), layers));
                    // With its saved input shape, checked with that input only (not one guessed from a later layer).
                    net = n.has("input") ? access().module(module, n.has("input_dtype") ? DType.fromFileName(n.get("input_dtype").asText())
                            : DType.FLOAT32, ints(n.get("input"))) : Net.module(module);
                } else {
                    net = Net.sequential();
                    for (int i = 0; i < layers.size(); i++) {
                        net = net.add(names.get(i), layers.get(i));
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown kind of net '" + kind + "'; this NetDSL reads mlp,"
                    + " sequential and module nets");
        }
        if (n.has("input_dtype")) {
            return net.input(DType.fromFileName(n.get("input_dtype").asText()), ints(n.path("input")));
        }
        return n.has("input") ? net.input(ints(n.get("input"))) : net;
    }

    static ObjectNode loss(Loss loss) {
        return typed(loss.typeName(), loss.settings());
    }

    static Loss loss(JsonNode n) {
        return Losses.fromSettings(n.path("type").asText(), settings(n));
    }

    static ObjectNode optimizer(Optimizer o) {
        return typed(o.typeName(), o.settings());
    }

    static Optimizer optimizer(JsonNode n) {
        return Optimizers.fromSettings(n.path("type").asText(), settings(n));
    }

    /** {@code {"type": name, setting: value, ...}}. */
    private static ObjectNode typed(String type, Settings settings) {
        ObjectNode n = NODES.objectNode();
        n.put("type", type);
        for (String key : settings.names()) {
            Object v = settings.get(key);
            if (v instanceof Integer i) {
                n.put(key, i);
            } else if (v instanceof Long l) {
                n.put(key, l);
            } else if (v instanceof Number d) {
                n.put(key, d.doubleValue());
            } else if (v instanceof Boolean b) {
                n.put(key, b);
            } else if (v instanceof String s) {
                n.put(key, s);
            } else if (v instanceof int[] a) {
                ArrayNode arr = n.putArray(key);
                for (int x : a) {
                    arr.add(x);
                }
            } else {
                ArrayNode arr = n.putArray(key);
                for (double x : (double[]) v) {
                    arr.add(x);
                }
            }
        }
        return n;
    }

    /** The settings of a typed object: every field but {@code type}. */
    private static Settings settings(JsonNode n) {
        Settings s = Settings.empty();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (e.getKey().equals("type")) {
                continue;
            }
            if (v.isIntegralNumber()) {
                s = s.with(e.getKey(), v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue());
            } else if (v.isNumber()) {
                s = s.with(e.getKey(), v.doubleValue());
            } else if (v.isBoolean()) {
                s = s.with(e.getKey(), v.booleanValue());
            } else if (v.isArray()) {
                boolean whole = true;
                for (JsonNode x : v) {
                    whole &= x.isIntegralNumber() && x.canConvertToInt();
                }
                if (whole) {
                    s = s.with(e.getKey(), ints(v));
                } else {
                    double[] d = new double[v.size()];
                    for (int i = 0; i < d.length; i++) {
                        if (!v.get(i).isNumber()) {
                            throw new IllegalArgumentException("setting " + e.getKey() + " = " + v + " holds something other"
                                    + " than numbers");
                        }
                        d[i] = v.get(i).asDouble();
                    }
                    s = s.with(e.getKey(), d);
                }
            } else {
                s = s.with(e.getKey(), v.asText());
            }
        }
        return s;
    }

    /** The expression DAG as a list of nodes, each after its arguments; the last is the result. */
    static ArrayNode expr(Expr root, List<Layer> layers) {
        List<Expr> order = new ArrayList<>();
        Map<Expr, Integer> ids = new IdentityHashMap<>();
        visit(root, order, ids);
        ArrayNode nodes = NODES.arrayNode();
        for (Expr e : order) {
            Node node = Nodes.of(e);
            if (node.op() == OpCode.LEAF || node.op() == OpCode.PARAM || node.op() == OpCode.BOUND
                    || node.op() == OpCode.RANDOM_UNIFORM) {
                throw new IllegalArgumentException("saveAll: the module's forward() uses " + e + ", which is not its input, a"
                        + " constant or one of its layers; a saved model can only use those");
            }
            ObjectNode n = nodes.addObject();
            n.put("op", node.op().fileName());
            ArrayNode shape = n.putArray("shape");
            for (long d : node.shape()) {
                shape.add(d);
            }
            if (node.args().length > 0) {
                ArrayNode args = n.putArray("args");
                for (Expr a : node.args()) {
                    args.add(ids.get(a));
                }
            }
            if (node.values() != null) {
                ArrayNode values = n.putArray("values");
                for (float v : node.values()) {
                    values.add(v);
                }
            }
            if (node.index() != 0) {
                n.put("index", node.index());
            }
            if (node.dtype() != DType.FLOAT32) {
                n.put("dtype", node.dtype().fileName());
            }
            if (node.ref() instanceof int[] ints) {
                ArrayNode values = n.putArray("ints");
                for (int v : ints) {
                    values.add(v);
                }
            }
            if (node.op() == OpCode.APPLY) {
                int index = -1;
                for (int i = 0; i < layers.size() && index < 0; i++) {
                    index = layers.get(i) == node.ref() ? i : -1;
                }
                n.put("layer", index);
            }
        }
        return nodes;
    }

    private static void visit(Expr e, List<Expr> order, Map<Expr, Integer> ids) {
        if (ids.containsKey(e)) {
            return;
        }
        for (Expr a : Nodes.of(e).args()) {
            visit(a, order, ids);
        }
        ids.put(e, order.size());
        order.add(e);
    }

    static Expr expr(JsonNode nodes, List<Layer> layers) {
        List<Expr> built = new ArrayList<>();
        for (JsonNode n : nodes) {
            String name = n.path("op").asText();
            OpCode op = OpCode.fromFileName(name);
            if (op == null || op == OpCode.LEAF || op == OpCode.PARAM || op == OpCode.BOUND) {
                throw new IllegalArgumentException("unknown operation '" + name + "' in the saved forward pass; it was written"
                        + " by a newer NetDSL");
            }
            long[] shape = new long[n.path("shape").size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = n.path("shape").get(d).asLong();
            }
            Expr[] args = new Expr[n.path("args").size()];
            for (int a = 0; a < args.length; a++) {
                int id = n.path("args").get(a).asInt();
                if (id < 0 || id >= built.size()) {
                    throw new IllegalArgumentException("the saved forward pass refers to node " + id + " before it exists");
                }
                args[a] = built.get(id);
            }
            float[] values = null;
            if (n.has("values")) {
                values = new float[n.get("values").size()];
                for (int v = 0; v < values.length; v++) {
                    // The text Jackson wrote is Float.toString's, which parses back to exactly the same float.
                    values[v] = Float.parseFloat(n.get("values").get(v).asText());
                }
            }
            Object ref = n.has("ints") ? ints(n.get("ints")) : null;
            if (op == OpCode.APPLY) {
                int index = n.path("layer").asInt(-1);
                if (index < 0 || index >= layers.size() || args.length != 1) {
                    throw new IllegalArgumentException("the saved forward pass applies layer " + index + ", which it does not have");
                }
                ref = layers.get(index);
            }
            DType type = n.has("dtype") ? DType.fromFileName(n.get("dtype").asText()) : DType.FLOAT32;
            built.add(Nodes.expr(new Node(op, shape, args, values, n.path("index").asInt(0), ref, type)));
        }
        if (built.isEmpty()) {
            throw new IllegalArgumentException("the saved module has no forward pass");
        }
        return built.get(built.size() - 1);
    }

    /** @throws IllegalArgumentException unless {@code array} is an array of whole numbers that fit an int */
    static int[] ints(JsonNode array) {
        if (!array.isArray()) {
            throw new IllegalArgumentException(array + " is not a list of whole numbers");
        }
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            if (!array.get(i).isIntegralNumber() || !array.get(i).canConvertToInt()) {
                throw new IllegalArgumentException(array + " is not a list of whole numbers from -2^31 to 2^31 - 1");
            }
            out[i] = array.get(i).intValue();
        }
        return out;
    }
}
