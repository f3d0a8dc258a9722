package dev.netdsl.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.netdsl.io.SafeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Writes an example's files: every file lands whole (temp file in the same folder, then a move). */
public final class Outputs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Outputs() {
    }

    /** Creates {@code dir} (and parents) or explains why it can't. */
    public static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("can't create output directory " + dir + ": " + SafeFiles.describe(e)
                    + "; pick a writable --out directory", e);
        }
    }

    /**
     * {@code console}, or a stream that prints nothing when {@code quiet} (for the lines --quiet leaves out); on a terminal,
     * lines that never share a line with a progress bar ({@link Bar#above}).
     */
    public static java.io.PrintStream unlessQuiet(java.io.PrintStream console, boolean quiet) {
        return quiet ? new java.io.PrintStream(java.io.OutputStream.nullOutputStream()) : Bar.above(console);
    }

    /** Writes {@code bytes} to {@code target} atomically (temp file beside it, then a move). */
    public static void write(Path target, byte[] bytes) {
        SafeFiles.write(target, bytes);
    }

    /** A record for metrics.json with its fields in the order given (a value may be null): {@code record("a", 1, "b", 2)}. */
    static Map<String, Object> record(Object... keysAndValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Writes {@code metrics} as indented JSON. */
    public static void json(Path target, Map<String, ?> metrics) {
        try {
            write(target, JSON.writeValueAsBytes(metrics));
        } catch (IOException e) {
            throw new UncheckedIOException("can't encode " + target + ": " + e.getMessage(), e);
        }
    }

    /** Renders {@code chart} to a PNG file, first given round ticks and a white background ({@link Charts#prepare}). */
    public static void png(Path target, Chart<?, ?> chart) {
        try {
            write(target, BitmapEncoder.getBitmapBytes(Charts.prepare(chart), BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("can't render " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The epochs of the MNIST and CNN examples as metrics.json rows, numbered from 1 and named as the printed lines and
     * the report name them: {@code train_loss}, {@code train_accuracy} (left out where not counted), {@code test_loss},
     * {@code test_accuracy}.
     */
    static java.util.List<Map<String, Object>> epochRows(java.util.List<Epoch> epochs) {
        return epochs.stream().map(ep -> {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("epoch", ep.epoch());
            row.put("train_loss", ep.trainLoss());
            if (!Double.isNaN(ep.trainAccuracy())) {
                row.put("train_accuracy", ep.trainAccuracy());
            }
            row.put("test_loss", ep.testLoss());
            row.put("test_accuracy", ep.testAccuracy());
            row.put("lr", ep.lr());
            row.put("seconds", ep.seconds());
            return row;
        }).toList();
    }
}
