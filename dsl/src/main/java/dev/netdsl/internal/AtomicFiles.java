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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whole-file and whole-directory writes: the bytes go to a fresh temp file beside the target, which is
 * then moved over it, so a crash mid-write leaves the old file (or none), never half a file. Not API;
 * shared by the project's modules.
 *
 * <p>Temp files are named {@code .<name>.<pid>-<id>.tmp} and an export being replaced is moved aside
 * to {@code <name>.previous-<pid>-<id>}, so the next write to the same target can tell a dead
 * process's leftovers from a live write ({@link #cleanDebris}): a dead process's temp files are
 * deleted and an old export it moved aside comes back if the target is missing.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    private static final int CHUNK = 1 << 20;
    private static final long PID = ProcessHandle.current().pid();
    /** This process's temp and aside paths that are in use right now. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    /** Moves a file or directory; replaceable in tests to make a move fail. */
    @FunctionalInterface
    public interface Mover {
        /** Moves {@code from} to {@code to}, which does not exist. */
        void move(Path from, Path to) throws IOException;
    }

    private static final Mover ATOMIC = (from, to) -> Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);

    /** Writes {@code bytes} to {@code target} atomically, creating parent directories. */
    public static void write(Path target, byte[] bytes) {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException("can't write " + target + ": it is a directory; pass a file path such as "
                    + target.resolve("model.bin"));
        }
        Path tmp = claimTemp(abs);
        try {
            Files.createDirectories(abs.getParent());
            cleanDebris(abs);
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
            IN_FLIGHT.remove(tmp);
        }
    }

    /**
     * A fresh temp path beside {@code target} ({@code .<name>.<pid>-<id>.tmp}), marked as in use by
     * this process until {@link #release}d.
     */
    public static Path claimTemp(Path target) {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + PID + "-" + UUID.randomUUID() + ".tmp");
        IN_FLIGHT.add(tmp);
        return tmp;
    }

    /** Ends the claim of {@link #claimTemp} (the caller deletes or has moved the path). */
    public static void release(Path tmp) {
        IN_FLIGHT.remove(tmp);
    }

    /**
     * Moves the complete directory {@code ready} to {@code target}. With {@code replace}, an old
     * {@code target} is first moved aside ({@code <name>.previous-<pid>-<id>}) and deleted once the new
     * one is in place; if the new one cannot be moved in, the old one is moved back and the error
     * thrown. Should the process die between the two moves, the old export waits whole in the aside
     * directory and the next write to {@code target} moves it back ({@link #cleanDebris}).
     */
    public static void replaceDirectory(Path ready, Path target, boolean replace) throws IOException {
        replaceDirectory(ready, target, replace, ATOMIC);
    }

    /** {@link #replaceDirectory(Path, Path, boolean)} with the moves made by {@code mover}. */
    static void replaceDirectory(Path ready, Path target, boolean replace, Mover mover) throws IOException {
        Path abs = target.toAbsolutePath();
        Path aside = null;
        if (replace && Files.exists(abs)) {
            aside = abs.resolveSibling(abs.getFileName() + ".previous-" + PID + "-" + UUID.randomUUID().toString().substring(0, 8));
            IN_FLIGHT.add(aside);
            mover.move(abs, aside);
        } else {
            // An empty directory (checked by the caller) is replaced without keeping it.
            Files.deleteIfExists(abs);
        }
        try {
            mover.move(ready, abs);
        } catch (IOException | RuntimeException e) {
            if (aside != null) {
                try {
                    mover.move(aside, abs);
                    IN_FLIGHT.remove(aside);
                    aside = null;
                } catch (IOException again) {
                    // The old export stays whole in the aside directory; the next write moves it back.
                    e.addSuppressed(again);
                }
            }
            throw e;
        } finally {
            if (aside != null) {
                if (Files.exists(abs)) {
                    deleteTree(aside);
                }
                IN_FLIGHT.remove(aside);
            }
        }
        syncDirectory(abs.getParent());
    }

    /**
     * Removes what dead writers of {@code target} left beside it: their temp files or directories are
     * deleted, and an old export one of them had moved aside is moved back if {@code target} is
     * missing (else deleted). Leftovers of live processes, and of this one's writes in progress, stay.
     */
    public static void cleanDebris(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        String name = abs.getFileName().toString();
        Pattern temp = Pattern.compile(Pattern.quote("." + name + ".") + "(\\d+)-[0-9a-f-]+\\.tmp");
        Pattern previous = Pattern.compile(Pattern.quote(name + ".previous-") + "(\\d+)-[0-9a-f]+");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String file = p.getFileName().toString();
                Matcher t = temp.matcher(file);
                Matcher o = previous.matcher(file);
                if (t.matches() && abandoned(p, Long.parseLong(t.group(1)))) {
                    deleteTree(p);
                } else if (o.matches() && abandoned(p, Long.parseLong(o.group(1)))) {
                    if (Files.exists(abs)) {
                        deleteTree(p);
                    } else {
                        Files.move(p, abs, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // best effort: leftovers are named for what they are and cleaned up by a later write
        }
    }

    /** True if the process that made {@code p} has ended, or is this one and no longer uses it. */
    private static boolean abandoned(Path p, long pid) {
        if (pid == PID) {
            return !IN_FLIGHT.contains(p);
        }
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
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

    /** Deletes {@code root} and everything under it, best effort. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover is named as such and removed by a later write
        }
    }

    /** Makes a rename durable where the platform allows opening a directory (Linux does). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not possible on this platform; the rename itself is still atomic
        }
    }
}
