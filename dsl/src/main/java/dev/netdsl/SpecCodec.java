package dev.netdsl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Net} as JSON and back, by type names and settings (PyTorch's names: {@code Linear} with
 * {@code in_features}, {@code Hardtanh} with {@code min_val}, {@code Adam} with {@code betas}, ...).
 * What the reader does not know fails with an {@link IllegalArgumentException} naming it.
 */
final class SpecCodec {
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
            n.set("hidden", layer(net.hiddenActivation().get()));
            return n;
        }
        n.put("kind", net.isModule() ? "module" : "sequential");
        ArrayNode layers = n.putArray("layers");
        int[] first = net.firstUses();
        for (int i = 0; i < net.layers().size(); i++) {
            ObjectNode l = layers.addObject();
            l.put("name", net.layerNames().get(i));
            if (first[i] != i) {
                l.put("same_as", first[i]);
            } else {
                l.set("layer", layer(net.layers().get(i)));
            }
        }
        if (net.isModule()) {
            n.put("class", net.module().displayName());
            n.set("forward", expr(net.forward(Expr.modelInput(-1, net.inputSize())), net.layers()));
        }
        return n;
    }

    static Net net(JsonNode n) {
        String kind = n.path("kind").asText();
        switch (kind) {
            case "mlp" -> {
                int[] sizes = ints(n.path("sizes"));
                Net net = Net.of(sizes);
                Layer hidden = layer(n.path("hidden"));
                if (hidden.equals(Activation.TANH)) {
                    return net.tanh();
                } else if (hidden.equals(Activation.SIGMOID)) {
                    return net.sigmoid();
                } else if (hidden.equals(Activation.RELU)) {
                    return net;
                }
                throw new IllegalArgumentException("a Net.of(...) net's hidden activation must be ReLU, Tanh or Sigmoid, not "
                        + hidden);
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
                        layers.add(layer(l.path("layer")));
                    }
                }
                if (kind.equals("module")) {
                    return Net.module(new SavedModule(n.path("class").asText(null), names, layers, expr(n.path("forward"), layers)));
                }
                Net net = Net.sequential();
                for (int i = 0; i < layers.size(); i++) {
                    net = net.add(names.get(i), layers.get(i));
                }
                return net;
            }
            default -> throw new IllegalArgumentException("unknown kind of net '" + kind + "'; this NetDSL reads mlp,"
                    + " sequential and module nets");
        }
    }

    static ObjectNode layer(Layer layer) {
        ObjectNode l = NODES.objectNode();
        l.put("type", layer.typeName());
        if (layer instanceof Linear lin) {
            l.put("in_features", lin.in());
            l.put("out_features", lin.out());
        } else {
            Activation a = (Activation) layer;
            switch (a.kind) {
                case HARDTANH -> {
                    l.put("min_val", a.a);
                    l.put("max_val", a.b);
                }
                case LEAKY_RELU -> l.put("negative_slope", a.a);
                case ELU -> l.put("alpha", a.a);
                default -> {
                    // no settings
                }
            }
        }
        return l;
    }

    static Layer layer(JsonNode l) {
        String type = l.path("type").asText();
        if (type.equals("Linear")) {
            return Layers.linear(l.path("in_features").asInt(), l.path("out_features").asInt());
        }
        for (Activation.Kind kind : Activation.Kind.values()) {
            if (kind.typeName.equals(type)) {
                return switch (kind) {
                    case HARDTANH -> Layers.hardtanh(l.path("min_val").asDouble(), l.path("max_val").asDouble());
                    case LEAKY_RELU -> Layers.leakyRelu(l.path("negative_slope").asDouble());
                    case ELU -> Layers.elu(l.path("alpha").asDouble());
                    default -> new Activation(kind, 0, 0);
                };
            }
        }
        List<String> known = new ArrayList<>(List.of("Linear"));
        for (Activation.Kind kind : Activation.Kind.values()) {
            known.add(kind.typeName);
        }
        throw new IllegalArgumentException("unknown layer type '" + type + "'; this NetDSL knows " + known);
    }

    static ObjectNode loss(Loss loss) {
        return NODES.objectNode().put("type", loss.typeName());
    }

    static Loss loss(JsonNode n) {
        String type = n.path("type").asText();
        for (Loss l : Loss.values()) {
            if (l.typeName().equals(type)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + type + "'; this NetDSL knows MSELoss, CrossEntropyLoss and"
                + " BCEWithLogitsLoss");
    }

    static ObjectNode optimizer(Optimizer o) {
        ObjectNode n = NODES.objectNode();
        if (o instanceof Optimizer.Sgd s) {
            n.put("type", "SGD").put("lr", s.learningRate()).put("momentum", s.momentum());
        } else if (o instanceof Optimizer.Adam a) {
            n.put("type", "Adam").put("lr", a.learningRate());
            n.putArray("betas").add(a.beta1()).add(a.beta2());
            n.put("eps", a.epsilon());
        } else if (o instanceof Optimizer.RmsProp r) {
            n.put("type", "RMSprop").put("lr", r.learningRate()).put("alpha", r.alpha()).put("eps", r.epsilon());
        } else if (o instanceof Optimizer.AdaGrad g) {
            n.put("type", "Adagrad").put("lr", g.learningRate()).put("eps", g.epsilon());
        } else if (o instanceof Optimizer.AdaDelta d) {
            n.put("type", "Adadelta").put("lr", d.learningRate()).put("rho", d.rho()).put("eps", d.epsilon());
        } else {
            throw new IllegalArgumentException("no file form for the optimizer " + o);
        }
        return n;
    }

    static Optimizer optimizer(JsonNode n) {
        String type = n.path("type").asText();
        double lr = n.path("lr").asDouble();
        return switch (type) {
            case "SGD" -> Optimizers.sgd(lr, n.path("momentum").asDouble());
            case "Adam" -> Optimizers.adam(lr, n.path("betas").path(0).asDouble(), n.path("betas").path(1).asDouble(),
                    n.path("eps").asDouble());
            case "RMSprop" -> Optimizers.rmsprop(lr, n.path("alpha").asDouble(), n.path("eps").asDouble());
            case "Adagrad" -> Optimizers.adagrad(lr, n.path("eps").asDouble());
            case "Adadelta" -> Optimizers.adadelta(lr, n.path("rho").asDouble(), n.path("eps").asDouble());
            default -> throw new IllegalArgumentException("unknown optimizer '" + type + "'; this NetDSL knows SGD, Adam,"
                    + " RMSprop, Adagrad and Adadelta");
        };
    }

    /** The expression DAG as a list of nodes, each after its arguments; the last is the result. */
    static ArrayNode expr(Expr root, List<Layer> layers) {
        List<Expr> order = new ArrayList<>();
        Map<Expr, Integer> ids = new IdentityHashMap<>();
        visit(root, order, ids);
        ArrayNode nodes = NODES.arrayNode();
        for (Expr e : order) {
            if (e.op == Expr.Op.VAR || e.op == Expr.Op.INPUT) {
                throw new IllegalArgumentException("saveAll: the module's forward() uses an Autograd variable or input ("
                        + e + "); a saved model can only use its own layers");
            }
            ObjectNode n = nodes.addObject();
            n.put("op", e.op.name().toLowerCase(Locale.ROOT));
            ArrayNode shape = n.putArray("shape");
            for (long d : e.shape) {
                shape.add(d);
            }
            if (e.args.length > 0) {
                ArrayNode args = n.putArray("args");
                for (Expr a : e.args) {
                    args.add(ids.get(a));
                }
            }
            if (e.values != null) {
                ArrayNode values = n.putArray("values");
                for (float v : e.values) {
                    values.add(v);
                }
            }
            if (e.index != 0) {
                n.put("index", e.index);
            }
            if (e instanceof Expr.LinearExpr l) {
                int index = -1;
                for (int i = 0; i < layers.size(); i++) {
                    if (layers.get(i) == l.layer) {
                        index = i;
                        break;
                    }
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
        for (Expr a : e.args) {
            visit(a, order, ids);
        }
        ids.put(e, order.size());
        order.add(e);
    }

    static Expr expr(JsonNode nodes, List<Layer> layers) {
        List<Expr> built = new ArrayList<>();
        for (JsonNode n : nodes) {
            String name = n.path("op").asText();
            Expr.Op op;
            try {
                op = Expr.Op.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
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
            if (op == Expr.Op.LINEAR) {
                int index = n.path("layer").asInt(-1);
                if (index < 0 || index >= layers.size() || !(layers.get(index) instanceof Linear linear)) {
                    throw new IllegalArgumentException("the saved forward pass applies layer " + index + ", which is not a Linear");
                }
                built.add(new Expr.LinearExpr(linear, args[0]));
            } else {
                built.add(new Expr(op, shape, args, values, n.path("index").asInt(0)));
            }
        }
        if (built.isEmpty()) {
            throw new IllegalArgumentException("the saved module has no forward pass");
        }
        return built.get(built.size() - 1);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
