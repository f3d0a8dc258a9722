package dev.netdsl.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Model files on the driver: a content hash that names them (so a model file overwritten between
 * two jobs is a new model, and two models with the same file name don't clash in
 * {@code SparkContext.addFile}), and a staged copy for Spark's file distribution: the file itself,
 * or a zip of a SavedModel directory that executors get unpacked.
 */
final class ModelFiles {
    private ModelFiles() {
    }

    /** The first 16 hex digits of the SHA-256 of the file, or of a directory's relative names and contents. */
    static String hash(Path model) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files(model)) {
                if (Files.isDirectory(model)) {
                    sha.update(model.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                }
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        } catch (IOException e) {
            throw new UncheckedIOException("can't read model " + model + ": " + e.getMessage(), e);
        }
    }

    /** The name a staged copy of {@code model} gets: unique per content, ending like the original. */
    static String stagedName(Path model, String hash) {
        String name = model.toAbsolutePath().normalize().getFileName().toString();
        return "netdsl-" + hash + "-" + name + (Files.isDirectory(model) ? ".zip" : "");
    }

    /**
     * A copy of {@code model} under {@code dir} named {@link #stagedName}: the file, or a zip of the
     * directory's files (relative names). Written once per content; an existing copy is reused.
     */
    static Path stage(Path model, String hash, Path dir) {
        Path target = dir.resolve(stagedName(model, hash));
        if (Files.exists(target)) {
            return target;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".staging-", ".tmp");
            try {
                if (Files.isDirectory(model)) {
                    try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
                        for (Path file : files(model)) {
                            zip.putNextEntry(new ZipEntry(model.relativize(file).toString().replace('\\', '/')));
                            Files.copy(file, zip);
                            zip.closeEntry();
                        }
                    }
                } else {
                    Files.copy(model, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("can't stage model " + model + " in " + dir + " for Spark: " + e.getMessage(), e);
        }
    }

    private static List<Path> files(Path model) throws IOException {
        if (!Files.isDirectory(model)) {
            return List.of(model);
        }
        try (Stream<Path> all = Files.walk(model)) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
