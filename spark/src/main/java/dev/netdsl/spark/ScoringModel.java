package dev.netdsl.spark;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model opened for scoring in one JVM: a NetDSL model file or a TensorFlow SavedModel. Never
 * serialised; executors open their own through {@link ModelCache}. {@link #predict} may be called
 * from several task threads at once.
 */
interface ScoringModel extends AutoCloseable {
    /** The shape of one example, e.g. {@code [784]} or {@code [1, 28, 28]}. */
    int[] inputShape();

    /** The number of floats in one example. */
    default int inputSize() {
        int n = 1;
        for (int d : inputShape()) {
            n *= d;
        }
        return n;
    }

    /** The number of floats the model gives for one example. */
    int outputSize();

    /** True if the model is known to be a classifier (a NetDSL model trained with cross-entropy). */
    boolean classifier();

    /** {@code rows.length} rows of {@link #outputSize()} outputs for {@code rows.length} flat examples. */
    float[][] predict(float[][] rows);

    /** What the model is, for messages: "NetDSL model file mnist.netdsl: Net.of(784, ...)". */
    String describe();

    @Override
    void close();

    /**
     * Opens {@code path}: a directory is read as a SavedModel, a file as a NetDSL model file.
     *
     * @throws IllegalArgumentException naming the file if it is missing or does not open as a model
     */
    static ScoringModel open(Path path) {
        if (Files.isDirectory(path)) {
            return SavedModelScoring.open(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("model " + path + " does not exist; give a file written by Model.saveAll or a "
                    + "SavedModel directory written by Model.exportSavedModel");
        }
        return NetDslScoring.open(path);
    }
}
