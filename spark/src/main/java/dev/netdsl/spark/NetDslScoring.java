package dev.netdsl.spark;

import dev.netdsl.Model;
import dev.netdsl.Tensor;
import dev.netdsl.training.CrossEntropyLoss;
import java.nio.file.Path;
import java.util.Arrays;

/** A NetDSL model file ({@code Model.saveAll}) opened with {@code Model.open}; predicts with {@code Model.predict}. */
final class NetDslScoring implements ScoringModel {
    private final Model model;
    private final Path path;
    private final int[] inputShape;
    private final int outputSize;

    private NetDslScoring(Model model, Path path) {
        this.model = model;
        this.path = path;
        this.inputShape = model.spec().inputShape();
        this.outputSize = model.spec().outputSize();
    }

    static NetDslScoring open(Path path) {
        try {
            return new NetDslScoring(Model.open(path), path);
        } catch (IllegalArgumentException e) {
            // Model.open names the file and what is wrong with it.
            throw new IllegalArgumentException("model " + path + " does not open as a NetDSL model file: " + e.getMessage()
                    + " (give a file written by Model.saveAll, or a SavedModel directory)", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("model " + path + " does not open as a NetDSL model file: " + e, e);
        }
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
        return model.spec().loss().filter(l -> l instanceof CrossEntropyLoss).isPresent();
    }

    @Override
    public float[][] predict(float[][] rows) {
        if (inputShape.length == 1) {
            return model.predict(rows);
        }
        // Images and other shaped examples: one [n, ...inputShape] tensor, outputs flattened per row.
        int size = inputSize();
        float[] flat = new float[rows.length * size];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * size, size);
        }
        int[] shape = new int[inputShape.length + 1];
        shape[0] = rows.length;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        float[] out = model.predict(Tensor.of(flat, shape)).values();
        float[][] result = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            result[r] = Arrays.copyOfRange(out, r * outputSize, (r + 1) * outputSize);
        }
        return result;
    }

    @Override
    public String describe() {
        return "NetDSL model file " + path + " (" + model.spec() + ")";
    }

    @Override
    public void close() {
        model.close();
    }
}
