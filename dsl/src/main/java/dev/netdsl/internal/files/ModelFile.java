package dev.netdsl.internal.files;

import static dev.netdsl.internal.engine.Access.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.Precision;
import dev.netdsl.internal.engine.FitState;
import dev.netdsl.internal.engine.NetGraph;
import dev.netdsl.internal.engine.OptimizerState;
import dev.netdsl.internal.engine.Trainer;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole-model file of {@link Model#saveAll} / {@link Model#open}: magic {@code NETDSLM}, a format
 * version, a JSON description, the tensors, and a CRC32. The JSON names everything by type name and
 * settings (never by enum ordinal): the spec (layers, names, shared layers, a module's forward pass
 * as an expression graph, loss, optimizer, seed), how far it was trained (steps, the shuffler's
 * state), and the name, shape and kind of each tensor that follows (parameters, then the optimizer's
 * state). No user code is needed to open it. Version 1 files ({@link ModelFileV1}) still open.
 */
public final class ModelFile {
    private static final byte[] MAGIC = {'N', 'E', 'T', 'D', 'S', 'L', 'M', 0};
    private static final int VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFile() {
    }

    /**
     * {@code model.saveAll(path)}: its spec, seed, steps, parameters and buffers, optimizer state and shuffler,
     * with {@code fit}'s state (a checkpoint) or none, read and written under the model's exclusive lock.
     */
    public static void save(Model model, Path path, FitState fit) {
        NetGraph g = access().graph(model);
        Trainer trainer = access().trainer(model);
        g.rt.exclusive("save", () -> {
            List<Parameter> state = new ArrayList<>(g.read(g.parameters));
            state.addAll(g.read(g.buffers));
            write(path, model.spec(), model.seed(), trainer.steps.stepsTaken, state, OptimizerState.read(g), trainer.steps.shuffler.state(),
                    fit);
            return null;
        });
    }

    /**
     * What a file holds. {@code optimizerState} is empty and {@code shuffler} null for files that did
     * not store them (version 1).
     */
    record Contents(Net net, long stepsTaken, List<Parameter> parameters, List<Parameter> optimizerState, long[] shuffler,
                    FitState fit) {
        Contents(Net net, long stepsTaken, List<Parameter> parameters, List<Parameter> optimizerState, long[] shuffler) {
            this(net, stepsTaken, parameters, optimizerState, shuffler, null);
        }
    }

    static void write(Path target, Net net, long seed, long stepsTaken, List<Parameter> params, List<Parameter> optimizerState,
                      long[] shuffler) {
        write(target, net, seed, stepsTaken, params, optimizerState, shuffler, null);
    }

    /** {@code fit} (or null) is the state of a fit in progress, written by a checkpoint. */
    static void write(Path target, Net net, long seed, long stepsTaken, List<Parameter> params, List<Parameter> optimizerState,
                      long[] shuffler, FitState fit) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "netdsl-model");
        root.put("spec", net.toString());
        root.set("net", SpecCodec.net(net));
        net.loss().ifPresent(l -> root.set("loss", SpecCodec.loss(l)));
        net.optimizer().ifPresent(o -> root.set("optimizer", SpecCodec.optimizer(o)));
        root.put("seed", seed);
        if (net.precision() != Precision.FLOAT32) {
            root.put("precision", net.precision().fileName());
        }
        root.put("steps", stepsTaken);
        root.putArray("shuffler").add(shuffler[0]).add(shuffler[1]);
        ArrayNode tensors = root.putArray("tensors");
        List<Parameter> all = new ArrayList<>(params);
        all.addAll(optimizerState);
        List<Parameter> fitTensors = new ArrayList<>();
        if (fit != null) {
            root.set("fit", FitStates.toJson(fit, fitTensors));
        }
        all.addAll(fitTensors);
        for (int i = 0; i < all.size(); i++) {
            Parameter p = all.get(i);
            ObjectNode t = tensors.addObject();
            t.put("name", p.name());
            ArrayNode shape = t.putArray("shape");
            p.shape().forEach(shape::add);
            t.put("kind", i < params.size() ? "parameter" : i < params.size() + optimizerState.size() ? "optimizer" : "fit");
        }
        byte[] header;
        try {
            header = JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("can't describe " + net + " as JSON: " + e.getMessage(), e);
        }
        CheckedFile.write(target, MAGIC, VERSION, out -> {
            out.writeInt(header.length);
            out.write(header);
            for (Parameter p : all) {
                for (float v : p.values()) {
                    out.writeFloat(v);
                }
            }
        });
    }

    static Contents read(Path source) {
        return CheckedFile.read(source, MAGIC, 1, VERSION, "model", "not a NetDSL model file (no NETDSLM header); pass a file"
                + " written by Model.saveAll (weights-only files from Model.save load with Model.load)",
                (version, in) -> version == 1 ? ModelFileV1.read(in) : readV2(in));
    }

    private static Contents readV2(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 2 || length > in.available()) {
            throw new IOException("the description is " + length + " bytes long, more than the file holds");
        }
        byte[] header = in.readNBytes(length);
        JsonNode root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        Net net = SpecCodec.net(root.path("net"));
        if (root.hasNonNull("loss")) {
            net = net.loss(SpecCodec.loss(root.get("loss")));
        }
        if (root.hasNonNull("optimizer")) {
            net = net.optimizer(SpecCodec.optimizer(root.get("optimizer")));
        }
        net = net.seed(root.path("seed").asLong());
        if (root.hasNonNull("precision")) {
            net = net.precision(Precision.fromName(root.get("precision").asText()));
        }
        List<Parameter> params = new ArrayList<>();
        List<Parameter> state = new ArrayList<>();
        Map<String, Parameter> fitTensors = new java.util.LinkedHashMap<>();
        for (JsonNode t : root.path("tensors")) {
            if (!t.path("name").isTextual() || !t.path("shape").isArray()) {
                throw new IllegalArgumentException("a tensor's entry " + t + " lacks its name or shape");
            }
            List<Integer> shape = new ArrayList<>();
            long size = 1;
            for (JsonNode d : t.path("shape")) {
                if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
                    throw new IllegalArgumentException("tensor " + t.path("name").asText() + " has the shape " + t.path("shape")
                            + "; dimensions are whole numbers from 0 to 2^31 - 1");
                }
                shape.add(d.intValue());
                size = Math.min(Long.MAX_VALUE / Integer.MAX_VALUE, size * d.intValue()); // saturates: no overflow
            }
            if (size > in.available() / 4) {
                throw new IllegalArgumentException("tensor " + t.path("name").asText() + " " + shape + " needs more bytes than the"
                        + " file holds");
            }
            float[] values = new float[(int) size];
            for (int v = 0; v < values.length; v++) {
                values[v] = in.readFloat();
            }
            Parameter p = new Parameter(t.path("name").asText(), shape, values);
            switch (t.path("kind").asText()) {
                case "optimizer" -> state.add(p);
                case "fit" -> fitTensors.put(p.name(), p);
                case "parameter" -> params.add(p);
                default -> throw new IllegalArgumentException("tensor " + p.name() + " is of kind '" + t.path("kind").asText()
                        + "'; a model file holds parameter, optimizer and fit tensors");
            }
        }
        if (in.available() != 0) {
            throw new IllegalArgumentException("the file holds " + in.available() + " bytes more than its tensors take");
        }
        JsonNode sh = root.path("shuffler");
        long[] shuffler = null;
        if (!sh.isMissingNode()) {
            if (sh.size() != 2 || !sh.get(0).canConvertToLong() || !sh.get(1).canConvertToLong()) {
                throw new IllegalArgumentException("the shuffler's state " + sh + " is not two whole numbers");
            }
            shuffler = new long[] {sh.get(0).longValue(), sh.get(1).longValue()};
        }
        JsonNode steps = root.path("steps");
        if (!steps.canConvertToLong() || !steps.isIntegralNumber() || steps.longValue() < 0) {
            throw new IllegalArgumentException("the step count " + steps + " is not a whole number of 0 or more");
        }
        FitState fit = root.has("fit") ? FitStates.fromJson(root.get("fit"), fitTensors) : null;
        return new Contents(net, steps.longValue(), params, state, shuffler, fit);
    }

    /** {@link Model#open}: the model {@code path} holds, with its weights, steps, optimizer state, shuffler and fit state. */
    public static Model open(Path path) {
        Contents c = read(path);
        Model model;
        try {
            model = c.net().build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("can't open " + path + ": " + e.getMessage(), e);
        }
        try {
            access().trainer(model).steps.stepsTaken = c.stepsTaken();
            model.setParameters(c.parameters());
            // Files written before 2026-11-24 (format 1) hold no optimizer state: it starts from zero then.
            if (!c.optimizerState().isEmpty()) {
                NetGraph g = access().graph(model);
                g.rt.exclusive("set the optimizer state", () -> {
                    OptimizerState.write(g, c.optimizerState());
                    return null;
                });
            }
            if (c.shuffler() != null) {
                access().trainer(model).steps.shuffler = dev.netdsl.internal.engine.Shuffler.restore(c.shuffler());
            }
            access().trainer(model).steps.pending = c.fit();
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
