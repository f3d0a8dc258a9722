package dev.netdsl.apps;

import dev.netdsl.Device;
import dev.netdsl.Expr;
import dev.netdsl.Model;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Feeds;
import dev.netdsl.autograd.Input;
import dev.netdsl.io.SafeFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code netdsl export EXAMPLE --out DIR}: trains an example (its defaults, or fewer steps/epochs),
 * exports the chosen trained model as a TensorFlow SavedModel to {@code DIR}, and stores sample
 * inputs with the outputs NetDSL computed for them in {@code DIR/assets.extra/netdsl-check.json}
 * (TensorFlow's loaders ignore {@code assets.extra}), so any runtime that loads the export can check
 * that it predicts the same.
 */
public final class ExportExample {
    /** Examples with a model, and the model exported when {@code --model} is not given. */
    static final Map<String, String> DEFAULT_MODEL = defaults();
    /** Rows of sample input stored with the export. */
    static final int SAMPLE_ROWS = 8;

    /** What to export. */
    public record Options(String example, String model, Integer steps, Integer epochs, long seed, boolean overwrite,
                          Path out, Path dataDir, boolean offline, String command, boolean quiet, Device device, Format format) {
    }

    /** What an export writes, and the names its input, output and check file go by. */
    public enum Format {
        /** A TensorFlow SavedModel directory; its check file in assets.extra/, which TensorFlow's loaders ignore. */
        SAVED_MODEL("x", "y", "signature", "serving_default", "SavedModel", "assets.extra"),
        /** {@code --out}/model.onnx, its check file beside it. */
        ONNX("input", "output", "file", "model.onnx", "ONNX model", "");

        final String input;
        final String output;
        final String key;
        final String value;
        final String kind;
        final String checkDir;

        Format(String input, String output, String key, String value, String kind, String checkDir) {
            this.input = input;
            this.output = output;
            this.key = key;
            this.value = value;
            this.kind = kind;
            this.checkDir = checkDir;
        }

        /** {@code --format}'s value: savedmodel or onnx. */
        static Format of(String option) {
            return Checks.oneOf("--format", option, List.of("savedmodel", "onnx")).equals("onnx") ? ONNX : SAVED_MODEL;
        }

        /** For messages: {@code signature serving_default}, {@code ONNX model model.onnx}. */
        String what() {
            return this == ONNX ? kind + " " + value : key + " " + value;
        }

        void write(Model model, Path target, boolean overwrite) {
            if (this == ONNX) {
                model.exportOnnx(target.resolve(value));
            } else {
                model.exportSavedModel(target, overwrite);
            }
        }
    }

    private ExportExample() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sine", "sine");
        m.put("mnist", "mnist");
        m.put("mnist-raw", "mnist-raw");
        m.put("cnn", "cnn");
        m.put("planar", "sequential");
        m.put("poly", "poly");
        m.put("thermometer", "net");
        return m;
    }

    /**
     * Exports the model in {@code file} (written by {@code Model.saveAll}) as a SavedModel to {@code o.out()}, with
     * sample inputs and the model's outputs for them in {@code assets.extra/netdsl-check.json}.
     */
    public static Path exportFile(Path file, Options o, PrintStream console) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("export " + file + ": no such file");
        }
        if (o.model() != null || o.steps() != null || o.epochs() != null || o.dataDir() != null || o.offline()) {
            throw new IllegalArgumentException("export " + file + ": --only, --steps, --epochs, --data-dir and --offline choose"
                    + " and train a built-in example; a model file is exported as it is");
        }
        Path target = o.out().toAbsolutePath();
        SafeFiles.checkDirectoryTarget(target, o.overwrite(), "export --out " + target, " or pass --overwrite");
        Exporter exporter = new Exporter(o, "file", target);
        try (Model model = Model.open(file)) {
            exporter.model("file", model);
            console.printf("exported %s (%s, %,d parameters) to %s: %s, input %s -> output %s%n", file,
                    model.spec(), model.spec().parameterCount(), target, o.format().what(), exporter.input, exporter.output);
        }
        return target;
    }

    /** Trains, exports, and returns the export directory. */
    public static Path run(Options o, PrintStream console) {
        if (o.example().equals("himmelblau") || o.example().equals("activations")) {
            throw new IllegalArgumentException("export " + o.example() + ": this example has no model to export ("
                    + (o.example().equals("himmelblau") ? "it minimises over two raw numbers" : "it only plots functions")
                    + "); pick one of " + String.join(", ", DEFAULT_MODEL.keySet()));
        }
        if (!DEFAULT_MODEL.containsKey(o.example())) {
            throw new IllegalArgumentException("export " + o.example() + ": no such example; pick one of "
                    + String.join(", ", DEFAULT_MODEL.keySet()));
        }
        String model = o.model() != null ? o.model() : DEFAULT_MODEL.get(o.example());
        if (o.format() == Format.ONNX && (o.example().equals("mnist-raw") || List.of("logistic", "two-layer").contains(model))) {
            throw new IllegalArgumentException("export " + o.example() + " " + model + " --format onnx: this model is a raw Autograd"
                    + " graph, not a Net; ONNX export takes Nets (export it as a SavedModel, the default format, or pick a Net: "
                    + (o.example().equals("planar") ? "--only sequential, module or deep" : "mnist") + ")");
        }
        List<String> models = switch (o.example()) {
            case "planar" -> PlanarExample.NAMES;
            case "thermometer" -> List.of("linear", "net");
            default -> List.of(DEFAULT_MODEL.get(o.example()));
        };
        if (!models.contains(model)) {
            throw new IllegalArgumentException("export " + o.example() + " --only " + model + ": pick one of " + models);
        }
        checkPositive("--steps", o.steps());
        checkPositive("--epochs", o.epochs());
        Path target = o.out().toAbsolutePath();
        // Fail before training, not after, when the export could not be written anyway.
        SafeFiles.checkDirectoryTarget(target, o.overwrite(), "export --out " + target, " or pass --overwrite");
        Path work;
        try {
            work = Files.createTempDirectory("netdsl-export");
        } catch (IOException e) {
            throw new UncheckedIOException("export: can't create a work directory: " + e.getMessage(), e);
        }
        Exporter exporter = new Exporter(o, model, target);
        try {
            train(o, model, work, console, exporter);
        } finally {
            SafeFiles.deleteTree(work);
        }
        if (!exporter.done) {
            throw new IllegalStateException("export " + o.example() + ": the example finished without handing over model '"
                    + model + "'");
        }
        console.printf("exported %s (%s) to %s: %s, input %s -> output %s%n", o.example(), model,
                target, o.format().what(), exporter.input, exporter.output);
        console.println("(the example's plots went to a temporary directory, now deleted; run ./netdsl " + o.example()
                + " for them)");
        return target;
    }

    private static void checkPositive(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + " " + value + " must be at least 1");
        }
    }

    private static void train(Options o, String model, Path work, PrintStream console, Trained exporter) {
        switch (o.example()) {
            case "sine" -> {
                Sine.Options d = Sine.Options.defaults();
                Sine.run(new Sine.Options(d.cfg(), o.steps() != null ? o.steps() : d.steps(), d.lr(), o.seed(), work, o.quiet(),
                        o.device(), 0, d.printEvery()), console, exporter);
            }
            case "mnist", "mnist-raw" -> MnistExample.run(new MnistExample.Options(o.example().equals("mnist-raw"),
                    o.epochs() != null ? o.epochs() : 10, 200, 0.01, o.seed(), o.dataDir(), false, o.device(), work,
                    true, o.offline(), o.quiet()), console, exporter);
            case "cnn" -> CnnExample.run(new CnnExample.Options(o.epochs() != null ? o.epochs() : 10, 128, 1e-3, o.seed(),
                    o.dataDir(), false, o.device(), work, o.offline(), o.quiet()), console, exporter);
            case "planar" -> PlanarExample.run(List.of(model), o.seed(), o.epochs() != null ? o.epochs() : 0, work, o.quiet(),
                    o.device(), console, exporter);
            case "poly" -> {
                PolyExample.Options d = PolyExample.Options.defaults();
                PolyExample.run(new PolyExample.Options(o.steps() != null ? o.steps() : d.maxSteps(), d.batchSize(), d.lr(),
                        d.threshold(), o.seed(), work, o.quiet(), o.device()), console, exporter);
            }
            default -> {
                ThermometerExample.Options d = ThermometerExample.Options.defaults();
                int epochs = o.epochs() != null ? o.epochs() : d.netEpochs();
                ThermometerExample.run(new ThermometerExample.Options(Math.min(epochs, d.linearEpochs()), d.linearLr(), epochs,
                        d.netLr(), d.hidden(), o.seed(), work, o.quiet(), o.device()), console, exporter);
            }
        }
    }

    /** Exports the wanted model when the example hands it over. */
    private static final class Exporter implements Trained {
        private final Options o;
        private final String wanted;
        private final Path target;
        private boolean done;
        private String input;
        private String output;

        Exporter(Options o, String wanted, Path target) {
            this.o = o;
            this.wanted = wanted;
            this.target = target;
        }

        @Override
        public void model(String name, Model model) {
            if (!name.equals(wanted)) {
                return;
            }
            o.format().write(model, target, o.overwrite());
            int[] shape = model.spec().inputShape();
            int width = model.spec().inputSize();
            float[][] x = sample(width);
            int[] batch = new int[shape.length + 1];
            batch[0] = SAMPLE_ROWS;
            System.arraycopy(shape, 0, batch, 1, shape.length);
            float[][] y = model.predict(dev.netdsl.Tensor.of(dev.netdsl.Tensor.of(x).values(), batch)).rows();
            String in = o.format().input;
            String out = o.format().output;
            input = in + " " + Arrays.toString(batch).replaceFirst("^\\[" + SAMPLE_ROWS, "[-1");
            output = out + " [-1, " + model.spec().outputSize() + "]";
            writeCheck(name, in, x, out, y, shape);
            done = true;
        }

        @Override
        public void graph(String name, Autograd ag, Map<String, Input> inputs, Map<String, Expr> outputs) {
            if (!name.equals(wanted)) {
                return;
            }
            ag.exportSavedModel(target, inputs, outputs, o.overwrite());
            // The examples' graphs have one input [-1, width] and one output.
            Map.Entry<String, Input> in = inputs.entrySet().iterator().next();
            Map.Entry<String, Expr> out = outputs.entrySet().iterator().next();
            int width = (int) in.getValue().shape()[1];
            float[][] x = sample(width);
            float[] flat = new float[SAMPLE_ROWS * width];
            for (int r = 0; r < SAMPLE_ROWS; r++) {
                System.arraycopy(x[r], 0, flat, r * width, width);
            }
            float[] values = ag.eval(out.getValue(), Feeds.of(in.getValue(), flat, SAMPLE_ROWS, width));
            int outWidth = values.length / SAMPLE_ROWS;
            float[][] y = new float[SAMPLE_ROWS][];
            for (int r = 0; r < SAMPLE_ROWS; r++) {
                y[r] = Arrays.copyOfRange(values, r * outWidth, (r + 1) * outWidth);
            }
            input = in.getKey() + " " + Arrays.toString(in.getValue().shape());
            output = out.getKey() + " [-1, " + outWidth + "]";
            writeCheck(name, in.getKey(), x, out.getKey(), y, new int[] {width});
            done = true;
        }

        /** Sample rows: standard normal values, the same for every export of a given width. */
        private static float[][] sample(int width) {
            SplittableRandom r = new SplittableRandom(width);
            float[][] x = new float[SAMPLE_ROWS][width];
            for (float[] row : x) {
                for (int c = 0; c < width; c++) {
                    row[c] = (float) r.nextGaussian();
                }
            }
            return x;
        }

        private void writeCheck(String model, String inName, float[][] x, String outName, float[][] y, int[] exampleShape) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("example", o.example());
            check.put("model", model);
            check.put("command", o.command());
            check.put(o.format().key, o.format().value);
            check.put("inputs", Map.of(inName, x));
            check.put("input_shape", exampleShape);
            check.put("outputs", Map.of(outName, y));
            check.put("note", "outputs are what NetDSL computed for inputs before exporting; a runtime that loads this"
                    + " " + o.format().kind + " should reproduce them to about 1e-6");
            Outputs.json(target.resolve(o.format().checkDir).resolve("netdsl-check.json"), check);
        }
    }
}
