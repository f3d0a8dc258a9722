package dev.netdsl.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Whole-file writes: the bytes go to a fresh temp file beside the target, which is then moved over
 * it, so a crash mid-write leaves the old file (or none), never half a file. Not API; shared by the
 * project's modules.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    private static final int CHUNK = 1 << 20;

    /** Writes {@code bytes} to {@code target} atomically, creating parent directories. */
    public static void write(Path target, byte[] bytes) {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException("can't write " + target + ": it is a directory; pass a file path such as "
                    + target.resolve("model.bin"));
        }
        // A fresh name beside the target, not Files.createTempFile, whose 0600 mode would stick to the result.
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(abs.getParent());
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int at = 0; at < bytes.length; at += CHUNK) {
                    ByteBuffer slice = ByteBuffer.wrap(bytes, at, Math.min(CHUNK, bytes.length - at));
                    while (slice.hasRemaining()) {
                        out.write(slice);
                    }
                }
                // On disk before the rename: after a power cut the target is the old file or the whole new one.
                out.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(abs.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("can't write " + target + ": " + describe(e), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the move succeeded, or the write already failed with a better message
            }
        }
    }

    /**
     * What went wrong with a file, in words: {@code NoSuchFileException: /a/b} says only the path,
     * this says "/a/b does not exist".
     */
    public static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return n.getFile() + " does not exist";
        } else if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied on " + a.getFile();
        } else if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a directory";
        } else if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux does). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not possible on this platform; the rename itself is still atomic
        }
    }
}
