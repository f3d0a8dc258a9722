package dev.netdsl.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * A TensorFlow SavedModel (tag {@code serve}) scored through its {@code serving_default} signature,
 * which must take one float32 input {@code [-1, ...]} and give one float32 output {@code [-1, ...]}
 * with fixed example shapes (what {@code Model.exportSavedModel} writes: {@code x} to {@code y}).
 */
final class SavedModelScoring implements ScoringModel {
    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final Path dir;
    private final String input;
    private final String output;
    private final int[] inputShape;
    private final int outputSize;

    private SavedModelScoring(SavedModelBundle bundle, SessionFunction function, Path dir, String input, int[] inputShape,
                              String output, int outputSize) {
        this.bundle = bundle;
        this.function = function;
        this.dir = dir;
        this.input = input;
        this.inputShape = inputShape;
        this.output = output;
        this.outputSize = outputSize;
    }

    static SavedModelScoring open(Path dir) {
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException("model " + dir + " is a directory without saved_model.pb, so not a TensorFlow "
                    + "SavedModel; give a SavedModel directory (Model.exportSavedModel) or a file written by Model.saveAll");
        }
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.load(dir.toString(), "serve");
        } catch (RuntimeException e) {
            // TensorFlow's own message (e.g. a truncated variables file) with the directory it was about.
            throw new IllegalArgumentException("model " + dir + " does not open as a TensorFlow SavedModel with tag 'serve': "
                    + firstLine(e.getMessage()), e);
        }
        try {
            SessionFunction function = bundle.functions().stream()
                    .filter(f -> f.signature().key().equals(Signature.DEFAULT_KEY)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("model " + dir + " has no '" + Signature.DEFAULT_KEY
                            + "' signature (it has " + bundle.functions().stream().map(f -> f.signature().key()).toList()
                            + "); export it with Model.exportSavedModel or give it a serving_default signature"));
            Signature signature = function.signature();
            Map.Entry<String, Signature.TensorDescription> in = single(dir, "input", signature.getInputs());
            Map.Entry<String, Signature.TensorDescription> out = single(dir, "output", signature.getOutputs());
            int[] inShape = exampleShape(dir, "input", in);
            int[] outShape = exampleShape(dir, "output", out);
            int outSize = Arrays.stream(outShape).reduce(1, (a, b) -> a * b);
            return new SavedModelScoring(bundle, function, dir, in.getKey(), inShape, out.getKey(), outSize);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    private static Map.Entry<String, Signature.TensorDescription> single(Path dir, String what,
                                                                          Map<String, Signature.TensorDescription> all) {
        if (all.size() != 1) {
            throw new IllegalArgumentException("model " + dir + ": serving_default has " + all.size() + " " + what + "s "
                    + all.keySet() + "; scoring takes exactly one float32 " + what);
        }
        return all.entrySet().iterator().next();
    }

    /** The example shape: the signature's shape without its batch dimension, every dimension known. */
    private static int[] exampleShape(Path dir, String what, Map.Entry<String, Signature.TensorDescription> e) {
        Signature.TensorDescription d = e.getValue();
        String where = "model " + dir + ": serving_default " + what + " '" + e.getKey() + "' ";
        if (d.dataType != DataType.DT_FLOAT) {
            throw new IllegalArgumentException(where + "is " + d.dataType + "; scoring feeds and reads float32 only");
        }
        Shape shape = d.shape;
        if (shape.isUnknown() || shape.numDimensions() < 2) {
            throw new IllegalArgumentException(where + "has shape " + shape + "; scoring needs [batch, ...] with a known "
                    + "example shape, e.g. [-1, 784]");
        }
        int[] example = new int[shape.numDimensions() - 1];
        for (int i = 0; i < example.length; i++) {
            long size = shape.size(i + 1);
            if (size < 1) {
                throw new IllegalArgumentException(where + "has shape " + shape + " with an unknown dimension " + (i + 1)
                        + "; scoring needs every dimension but the batch known");
            }
            example[i] = (int) size;
        }
        return example;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message.strip() : message.substring(0, nl).strip();
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    @Override
    public boolean classifier() {
        return false;
    }

    @Override
    public float[][] predict(float[][] rows) {
        int size = inputSize();
        int n = rows.length;
        float[] flat = new float[n * size];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows[r], 0, flat, r * size, size);
        }
        long[] dims = new long[inputShape.length + 1];
        dims[0] = n;
        for (int i = 0; i < inputShape.length; i++) {
            dims[i + 1] = inputShape[i];
        }
        float[] out = new float[n * outputSize];
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(flat, true, false));
             Result result = function.call(Map.of(input, x))) {
            TFloat32 y = (TFloat32) result.get(output).orElseThrow(
                    () -> new IllegalStateException("model " + dir + " gave no output '" + output + "'"));
            if (y.shape().size() != out.length) {
                throw new IllegalStateException("model " + dir + " gave output '" + output + "' of shape " + y.shape()
                        + " for " + n + " rows; expected " + n + " x " + outputSize + " values");
            }
            y.copyTo(DataBuffers.of(out, false, false));
        } catch (org.tensorflow.exceptions.TensorFlowException e) {
            throw new dev.netdsl.NetDslException("model " + dir + ": TensorFlow failed to score a batch of " + n + " rows: "
                    + firstLine(e.getMessage()), e);
        }
        float[][] result = new float[n][];
        for (int r = 0; r < n; r++) {
            result[r] = Arrays.copyOfRange(out, r * outputSize, (r + 1) * outputSize);
        }
        return result;
    }

    @Override
    public String describe() {
        return "TensorFlow SavedModel " + dir + " (serving_default: " + input + " " + Arrays.toString(inputShape) + " -> "
                + output + " [" + outputSize + "])";
    }

    @Override
    public void close() {
        bundle.close();
    }
}
