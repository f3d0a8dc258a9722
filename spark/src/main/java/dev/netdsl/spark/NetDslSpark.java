package dev.netdsl.spark;

import dev.netdsl.Net;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Scores NetDSL models over Apache Spark DataFrames. From {@code NetDslSparkTest}:
 *
 * <pre>{@code
 * Dataset<Row> scored = NetDslSpark.model(modelPath)    // a saveAll file or an exported SavedModel
 *         .inputColumns("pixels")                     // one array<float> column, or several numeric columns
 *         .outputColumn("logits")
 *         .classColumn("class")                       // the arg-max of the outputs, for classifiers
 *         .batchSize(1024)
 *         .transform(images);
 * }</pre>
 *
 * <p>Each executor JVM opens the model once (it is cached by content and closed when the JVM
 * exits), feeds rows to {@code predict} in batches, and gets the file through
 * {@code SparkContext.addFile} (or from a path every executor can read, {@link Scorer#sharedPath()}).
 * Spark is a {@code provided} dependency: the application brings its own Spark 4.0 (Scala 2.13).
 */
public final class NetDslSpark {
    private NetDslSpark() {
    }

    /**
     * A scorer for the model at {@code path}: a file written by {@code Model.saveAll} or a TensorFlow
     * SavedModel directory (tag {@code serve}, signature {@code serving_default}, one float input and
     * one float output, as {@code Model.exportSavedModel} writes). Nothing is opened until
     * {@link Scorer#transform}; the defaults are input column {@code features}, output column
     * {@code prediction}, no class column and batches of 1024 rows.
     */
    public static Scorer model(Path path) {
        Objects.requireNonNull(path, "path");
        return Scorer.of(path);
    }

    /**
     * A trainer of {@code net} (built with its seed when {@link SparkTrainer#fit} starts) over a DataFrame on the
     * cluster: synchronous data-parallel training in Spark's barrier mode; see {@link SparkTrainer}.
     */
    public static SparkTrainer trainer(Net net) {
        return SparkTrainer.of(Objects.requireNonNull(net, "net"), null);
    }

    /**
     * A trainer that continues the model {@code Model.saveAll} (or a {@code Checkpoint}) wrote at {@code model}: its
     * weights, optimizer state and step count; with {@code Fit.resume()} a checkpointed fit goes on where it stopped.
     */
    public static SparkTrainer trainer(Path model) {
        return SparkTrainer.of(null, Objects.requireNonNull(model, "model"));
    }

    /**
     * The JVM options a Java 17 driver or executor needs for Spark (the {@code --add-opens} list that
     * {@code spark-submit} adds by itself), one per element; give them to a JVM that starts Spark
     * without {@code spark-submit}, e.g. a test or a {@code local[*]} application. The same list is the
     * jar resource {@code dev/netdsl/spark/java17.options}, a {@code java @file} argument file.
     */
    public static List<String> java17Options() {
        try (InputStream in = NetDslSpark.class.getResourceAsStream("java17.options")) {
            if (in == null) {
                throw new IllegalStateException("java17.options is missing from the netdsl-spark jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("can't read java17.options from the netdsl-spark jar", e);
        }
    }
}
