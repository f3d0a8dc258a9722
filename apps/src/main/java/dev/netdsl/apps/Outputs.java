package dev.netdsl.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;
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
            throw new UncheckedIOException("can't create output directory " + dir + ": " + e.getMessage()
                    + "; pick a writable --out directory", e);
        }
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void write(Path target, byte[] bytes) {
        Path dir = directory(target.toAbsolutePath().getParent());
        Path tmp = null;
        try {
            // A fresh name beside the target (not createTempFile, whose 0600 mode would stick to the result).
            tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("can't write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the move succeeded or the write already failed with a better message
                }
            }
        }
    }

    /** Writes {@code metrics} as indented JSON. */
    public static void json(Path target, Map<String, ?> metrics) {
        try {
            write(target, JSON.writeValueAsBytes(metrics));
        } catch (IOException e) {
            throw new UncheckedIOException("can't encode " + target + ": " + e.getMessage(), e);
        }
    }

    /** Renders {@code chart} to a PNG file. */
    public static void png(Path target, Chart<?, ?> chart) {
        try {
            write(target, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("can't render " + target + ": " + e.getMessage(), e);
        }
    }
}
