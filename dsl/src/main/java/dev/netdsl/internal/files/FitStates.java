package dev.netdsl.internal.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netdsl.Parameter;
import dev.netdsl.internal.engine.FitState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link FitState} as the JSON of a model file, and back. Callback state values are numbers,
 * booleans, strings, lists and maps of those, or weights ({@code List<Parameter>}), which go to the file's
 * tensors as {@code fit.<callback>.<key>.<name>}.
 */
public final class FitStates {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FitStates() {
    }

    static ObjectNode toJson(FitState fit, List<Parameter> tensors) {
        ObjectNode n = NODES.objectNode();
        n.put("epochs_done", fit.epochsDone());
        n.put("stopped", fit.stopped());
        n.put("lr", fit.learningRate());
        ArrayNode history = n.putArray("history");
        for (Map<String, Double> epoch : fit.history()) {
            ObjectNode e = history.addObject();
            epoch.forEach(e::put);
        }
        ArrayNode callbacks = n.putArray("callbacks");
        for (int i = 0; i < fit.callbacks().size(); i++) {
            FitState.CallbackState c = fit.callbacks().get(i);
            ObjectNode cn = callbacks.addObject();
            cn.put("type", c.type());
            if (c.state() == null) {
                continue;
            }
            ObjectNode state = cn.putObject("state");
            for (Map.Entry<String, Object> e : c.state().entrySet()) {
                Object v = e.getValue();
                if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Parameter) {
                    String prefix = "fit." + i + "." + e.getKey() + ".";
                    ArrayNode names = state.putObject(e.getKey()).putArray("tensors");
                    for (Object o : list) {
                        Parameter p = (Parameter) o;
                        tensors.add(new Parameter(prefix + p.name(), p.shape(), p.values()));
                        names.add(p.name());
                    }
                } else {
                    state.set(e.getKey(), value(v));
                }
            }
        }
        return n;
    }

    private static JsonNode value(Object v) {
        if (v == null) {
            return NODES.nullNode();
        } else if (v instanceof Integer i) {
            return NODES.numberNode(i);
        } else if (v instanceof Long l) {
            return NODES.numberNode(l);
        } else if (v instanceof Number d) {
            double x = d.doubleValue();
            // JSON has no NaN or infinities: they go as the strings Java prints and parses.
            return Double.isFinite(x) ? NODES.numberNode(x) : NODES.textNode(Double.toString(x));
        } else if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (v instanceof String s) {
            return NODES.textNode(s);
        } else if (v instanceof double[] a) {
            ArrayNode arr = NODES.arrayNode();
            for (double x : a) {
                arr.add(x);
            }
            return arr;
        } else if (v instanceof List<?> list) {
            ArrayNode arr = NODES.arrayNode();
            list.forEach(x -> arr.add(value(x)));
            return arr;
        } else if (v instanceof Map<?, ?> map) {
            ObjectNode obj = NODES.objectNode();
            map.forEach((k, x) -> obj.set(String.valueOf(k), value(x)));
            return obj;
        }
        throw new IllegalArgumentException("a callback's state holds " + v.getClass().getSimpleName() + ", which a checkpoint"
                + " can't save; use numbers, booleans, strings, lists and maps of them, or List<Parameter>");
    }

    static FitState fromJson(JsonNode n, Map<String, Parameter> tensors) {
        List<Map<String, Double>> history = new ArrayList<>();
        for (JsonNode e : n.path("history")) {
            Map<String, Double> epoch = new LinkedHashMap<>();
            e.fields().forEachRemaining(f -> epoch.put(f.getKey(), f.getValue().asDouble()));
            history.add(epoch);
        }
        List<FitState.CallbackState> callbacks = new ArrayList<>();
        int i = 0;
        for (JsonNode c : n.path("callbacks")) {
            Map<String, Object> state = null;
            if (c.has("state")) {
                state = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = c.get("state").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().has("tensors")) {
                        List<Parameter> weights = new ArrayList<>();
                        for (JsonNode name : e.getValue().get("tensors")) {
                            Parameter p = tensors.get("fit." + i + "." + e.getKey() + "." + name.asText());
                            if (p == null) {
                                throw new IllegalArgumentException("the saved fit lacks the tensor " + name.asText() + " of callback " + i);
                            }
                            weights.add(new Parameter(name.asText(), p.shape(), p.values()));
                        }
                        state.put(e.getKey(), weights);
                    } else {
                        state.put(e.getKey(), plain(e.getValue()));
                    }
                }
            }
            callbacks.add(new FitState.CallbackState(c.path("type").asText(), state));
            i++;
        }
        JsonNode done = n.path("epochs_done");
        if (!done.isIntegralNumber() || !done.canConvertToInt() || done.intValue() < history.size()) {
            throw new IllegalArgumentException("the saved fit has done " + done + " epochs with " + history.size()
                    + " in its history; it must be a whole number, at least the history's length");
        }
        JsonNode lr = n.path("lr");
        if (!lr.isNumber() || !(lr.doubleValue() >= 0) || Double.isInfinite(lr.doubleValue())) {
            throw new IllegalArgumentException("the saved fit's learning rate " + lr + " is not a finite number of 0 or more");
        }
        JsonNode stopped = n.path("stopped");
        if (!stopped.isMissingNode() && !stopped.isBoolean()) {
            throw new IllegalArgumentException("the saved fit's 'stopped' is " + stopped + ", not true or false");
        }
        return new FitState(done.intValue(), stopped.asBoolean(false), history, lr.doubleValue(), callbacks);
    }

    private static Object plain(JsonNode v) {
        if (v.isNull()) {
            return null;
        } else if (v.isIntegralNumber()) {
            return v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue();
        } else if (v.isNumber()) {
            return v.doubleValue();
        } else if (v.isBoolean()) {
            return v.booleanValue();
        } else if (v.isArray()) {
            List<Object> out = new ArrayList<>();
            v.forEach(x -> out.add(plain(x)));
            return out;
        } else if (v.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            v.fields().forEachRemaining(f -> out.put(f.getKey(), plain(f.getValue())));
            return out;
        }
        String text = v.asText();
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity") ? (Object) Double.parseDouble(text) : text;
    }
}
