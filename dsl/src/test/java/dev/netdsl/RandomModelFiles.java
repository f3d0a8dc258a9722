package dev.netdsl;

import static dev.netdsl.layers.Layers.batchNorm2d;
import static dev.netdsl.layers.Layers.conv2d;
import static dev.netdsl.layers.Layers.dropout;
import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.maxPool2d;
import static dev.netdsl.layers.Layers.relu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netdsl.layers.Linear;
import dev.netdsl.layers.Module;
import dev.netdsl.training.Checkpoint;
import dev.netdsl.training.EarlyStopping;
import dev.netdsl.training.Fit;
import dev.netdsl.training.LrSchedule;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Opens model files whose JSON description was edited at random (a number made negative, huge or
 * fractional, a name changed, a key or array element removed, a shape forged), or whose bytes were changed
 * anywhere (a length, the JSON text, the values), each with a valid checksum, and
 * uses what opens: predict, a training step, a resumed fit. Every outcome must be a model that works or a
 * documented exception ({@link IllegalArgumentException}, {@link IllegalStateException},
 * {@link NetDslException}) with a message; anything else is printed as {@code UNDOCUMENTED}, and a predict
 * whose values do not fill its shape as {@code WRONG}. Run in a forked JVM by {@link HostileModelFilesTest},
 * so a native crash fails the test instead of the build.
 *
 * <p>Usage: {@code RandomModelFiles CASES SEED}
 */
public final class RandomModelFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final double[] NUMBERS = {0, -1, 1, 2, 3, -1000, 1.5, 0.5, 65536, 46341, Integer.MAX_VALUE,
        Integer.MAX_VALUE + 1.0, Integer.MIN_VALUE, 4611686018427387904.0, 1e308, -1e308};
    private static final String[] OPS = {"add", "matmul", "conv2d", "max_pool2d", "reshape", "apply", "at", "sum_axis",
        "permute", "batch_norm", "const", "model_input", "softmax_cross_entropy", "random_uniform", "leaf", "bogus"};

    private final SplittableRandom r;
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final Map<String, java.util.Set<String>> examples = new TreeMap<>();
    private final List<String> bad = new ArrayList<>();

    private RandomModelFiles(long seed) {
        this.r = new SplittableRandom(seed);
    }

    /** A module with its own forward pass, saved as an expression graph. */
    static final class Block extends Module {
        final Linear a = add("a", linear(3, 4));
        final Linear b = add("b", linear(4, 1));

        @Override
        public Expr forward(Expr x) {
            Expr h = a.apply(x).tanh();
            return b.apply(h.plus(h.square().times(0.5))).plus(Expr.constant(0.25f));
        }
    }

    public static void main(String[] args) throws Exception {
        int cases = Integer.parseInt(args[0]);
        RandomModelFiles run = new RandomModelFiles(Long.parseLong(args[1]));
        Path dir = Files.createTempDirectory("netdsl-random-files");
        List<byte[]> bases = run.bases(dir);
        for (int i = 0; i < cases; i++) {
            byte[] base = bases.get(i % bases.size());
            run.oneCase(i, base, dir.resolve("case" + i + ".netdsl"));
        }
        run.outcomes.forEach((k, v) -> {
            System.out.println("OUTCOME " + v + " " + k);
            run.examples.getOrDefault(k, java.util.Set.of()).forEach(m -> System.out.println("    e.g. " + m));
        });
        run.bad.forEach(System.out::println);
        System.out.println("CASES " + cases);
    }

    /**
     * Valid files: a module, a CNN with batch norm and dropout checkpointed mid-fit, an MLP with Adam's state, and
     * three files of format version 1.
     */
    private List<byte[]> bases(Path dir) throws Exception {
        List<byte[]> out = new ArrayList<>();
        Dataset rows = rows(12, 3, 2);
        try (Model m = Net.module(new Block()).mse().sgd(0.1).seed(1).build()) {
            m.fit(rows, 3);
            m.saveAll(dir.resolve("module.netdsl"));
        }
        float[] images = new float[12 * 36];
        int[] labels = new int[12];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        Dataset pictures = Dataset.of(images, labels, 1, 6, 6);
        try (Model m = Net.sequential(conv2d(1, 2, 3), batchNorm2d(2), relu(), maxPool2d(2), flatten(), dropout(0.2), linear(8, 3))
                .input(1, 6, 6).crossEntropy().adam(1e-3).seed(2).build()) {
            m.fit(pictures, Fit.epochs(2).batchSize(4).validationSplit(0.25).quiet().callbacks(
                    EarlyStopping.on("val_loss").patience(3).restoreBest(), LrSchedule.warmup(2, LrSchedule.cosine(3)),
                    Checkpoint.every(dir.resolve("cnn.netdsl"))));
        }
        try (Model m = Net.of(3, 5, 1).relu().mse().adam(1e-2).seed(3).build()) {
            m.fit(rows, 2, 4);
            m.saveAll(dir.resolve("mlp.netdsl"));
        }
        for (String name : List.of("module.netdsl", "cnn.netdsl", "mlp.netdsl")) {
            out.add(Files.readAllBytes(dir.resolve(name)));
        }
        // Files of format version 1 (binary, no JSON): their bytes are changed.
        for (String name : List.of("mlp.netdsl", "sequential.netdsl", "module.netdsl")) {
            try (java.io.InputStream in = RandomModelFiles.class.getResourceAsStream("/format-v1/" + name)) {
                out.add(in.readAllBytes());
            }
        }
        return out;
    }

    static Dataset rows(int n, int features, long seed) {
        SplittableRandom g = new SplittableRandom(seed);
        float[][] x = new float[n][features];
        float[][] y = new float[n][1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < features; j++) {
                x[i][j] = (float) g.nextGaussian();
            }
            y[i][0] = x[i][0];
        }
        return Dataset.of(x, y);
    }

    /** The JSON description of a model file. */
    static JsonNode description(byte[] file) throws java.io.IOException {
        // The frame: magic (8), version (4), description length (4), description, tensors, CRC32 (8).
        int length = ByteBuffer.wrap(file, 12, 4).getInt();
        return JSON.readTree(new String(file, 16, length, StandardCharsets.UTF_8));
    }

    /** {@code base} with the description {@code root} and a checksum that fits. */
    static byte[] withDescription(byte[] base, JsonNode root) throws java.io.IOException {
        int length = ByteBuffer.wrap(base, 12, 4).getInt();
        byte[] header = JSON.writeValueAsBytes(root);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(base, 0, 12);
        out.writeInt(header.length);
        out.write(header);
        out.write(base, 16 + length, base.length - 8 - 16 - length);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        return bytes.toByteArray();
    }

    private void oneCase(int i, byte[] base, Path file) throws Exception {
        String what;
        if (i % 4 == 3 || ByteBuffer.wrap(base, 8, 4).getInt() == 1) {
            // Bytes changed anywhere between the frame's version and its checksum, which is then made to fit.
            byte[] bytes = base.clone();
            int n = 1 + r.nextInt(4);
            StringBuilder where = new StringBuilder("bytes");
            for (int k = 0; k < n; k++) {
                int at = 12 + r.nextInt(bytes.length - 20);
                bytes[at] = (byte) r.nextInt(256);
                where.append(' ').append(at);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - 8);
            ByteBuffer.wrap(bytes, bytes.length - 8, 8).putLong(crc.getValue());
            Files.write(file, bytes);
            what = where.toString();
        } else {
            JsonNode root = description(base);
            what = mutate(root);
            Files.write(file, withDescription(base, root));
        }
        String stage = "open";
        try (Model m = Model.open(file)) {
            stage = "predict";
            int[] in = m.spec().inputShape();
            int size = Arrays.stream(in).reduce(1, (a, b) -> a * b);
            float[] x = new float[2 * size];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) r.nextGaussian();
            }
            int[] shape = new int[in.length + 1];
            shape[0] = 2;
            System.arraycopy(in, 0, shape, 1, in.length);
            Tensor y = m.predict(Tensor.of(x, shape));
            long filled = 1;
            for (int d : y.shape()) {
                filled *= d;
            }
            if (filled != y.values().length || y.shape()[0] != 2) {
                record("WRONG predict", what + ": shape " + Arrays.toString(y.shape()) + " holds " + y.values().length + " values");
                return;
            }
            if (m.spec().loss().isPresent() && m.spec().optimizer().isPresent()) {
                stage = "step";
                Dataset batch = m.spec().loss().get().targets() == dev.netdsl.training.Targets.CLASSES
                        ? Dataset.of(x, new int[] {0, 1}, in)
                        : Dataset.of(x, in, new float[2 * m.spec().outputSize()], m.spec().outputShape());
                m.step(batch);
                if (m.trainer().steps.pending != null) {
                    stage = "resume";
                    Dataset data = Dataset.of(new float[8 * size], new int[] {0, 1, 2, 0, 1, 2, 0, 1}, in);
                    History h = m.fit(data, Fit.epochs(3).batchSize(4).validationSplit(0.25).quiet().resume().callbacks(
                            EarlyStopping.on("val_loss").patience(3).restoreBest(), LrSchedule.warmup(2, LrSchedule.cosine(3)),
                            Checkpoint.every(file.resolveSibling("resumed.netdsl"))));
                    if (h.epochs().size() > 3) {
                        record("WRONG resume", what + ": a fit of 3 epochs ran " + h.epochs().size());
                        return;
                    }
                }
            }
            record("ok " + stage, what);
        } catch (IllegalArgumentException | IllegalStateException | NetDslException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                record("UNDOCUMENTED " + stage + " " + e.getClass().getSimpleName() + " without a message", what);
            } else {
                String message = e.getMessage().length() > 160 ? e.getMessage().substring(0, 160) : e.getMessage();
                record(stage + " " + e.getClass().getSimpleName(), what + " -> " + message);
            }
        } catch (Throwable e) {
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            record("UNDOCUMENTED " + stage + " " + e.getClass().getName(), what);
            bad.add("UNDOCUMENTED case " + i + " (" + what + "):\n" + trace.toString().lines().limit(12)
                    .reduce((a, b) -> a + "\n" + b).orElse(""));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void record(String outcome, String example) {
        outcomes.merge(outcome, 1, Integer::sum);
        java.util.Set<String> seen = examples.computeIfAbsent(outcome, k -> new java.util.LinkedHashSet<>());
        if (seen.size() < 3 || outcome.startsWith("WRONG")) {
            seen.add(example);
        }
    }

    /** Changes one value somewhere in {@code root}; says what. */
    private String mutate(JsonNode root) {
        List<String> paths = new ArrayList<>();
        List<JsonNode> parents = new ArrayList<>();
        collect(root, "", paths, parents);
        int k = r.nextInt(paths.size());
        JsonNode parent = parents.get(k);
        String path = paths.get(k);
        String key = path.substring(path.lastIndexOf('/') + 1);
        JsonNode value = NODES.nullNode();
        String change;
        int kind = r.nextInt(10);
        if (kind < 5) {
            double d = NUMBERS[r.nextInt(NUMBERS.length)];
            value = d == Math.rint(d) && Math.abs(d) < 9.2e18 ? NODES.numberNode((long) d) : NODES.numberNode(d);
            change = "= " + value;
        } else if (kind == 5) {
            value = NODES.textNode(OPS[r.nextInt(OPS.length)]);
            change = "= " + value;
        } else if (kind == 6) {
            change = "removed";
            value = null;
        } else if (kind == 7) {
            ArrayNode a = NODES.arrayNode();
            int n = r.nextInt(4);
            for (int j = 0; j < n; j++) {
                a.add(NUMBERS[r.nextInt(NUMBERS.length)]);
            }
            value = a;
            change = "= " + a;
        } else if (kind == 8) {
            value = NODES.booleanNode(r.nextBoolean());
            change = "= " + value;
        } else {
            change = "= null";
        }
        if (parent instanceof ObjectNode o) {
            if (value == null) {
                o.remove(key);
            } else {
                o.set(key, value);
            }
        } else if (parent instanceof ArrayNode a) {
            int index = Integer.parseInt(key);
            if (value == null) {
                a.remove(index);
            } else {
                a.set(index, value);
            }
        }
        return path + " " + change;
    }

    private static void collect(JsonNode node, String path, List<String> paths, List<JsonNode> parents) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                paths.add(path + "/" + e.getKey());
                parents.add(node);
                collect(e.getValue(), path + "/" + e.getKey(), paths, parents);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                paths.add(path + "/" + i);
                parents.add(node);
                collect(node.get(i), path + "/" + i, paths, parents);
            }
        }
    }
}
