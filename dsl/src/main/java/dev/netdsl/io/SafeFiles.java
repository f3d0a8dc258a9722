package dev.netdsl.io;

import dev.netdsl.internal.AtomicFiles;
import dev.netdsl.internal.files.SavedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * File operations that lose nothing when interrupted: what NetDSL uses for its own files, for your
 * outputs too (metrics, plots, downloaded data).
 */
public final class SafeFiles {
    private SafeFiles() {
    }

    /**
     * Writes {@code bytes} to {@code target}: to a temp file beside it, synced, then renamed over it, so
     * a crash leaves the old file or the whole new one, never half a file. Creates parent directories;
     * removes what earlier killed writes of the same file left behind.
     *
     * @throws IllegalArgumentException if {@code target} is a directory
     * @throws java.io.UncheckedIOException saying what went wrong with which file
     */
    public static void write(Path target, byte[] bytes) {
        AtomicFiles.write(Objects.requireNonNull(target, "target"), Objects.requireNonNull(bytes, "bytes"));
    }

    /**
     * Checks that a directory such as a SavedModel export can be written to {@code dir}, and returns
     * true if an old one is there that {@code overwrite} allows replacing.
     *
     * @param who starts the messages, e.g. {@code "export --out /tmp/x"}
     * @param overwriteHint ends the message for a non-empty directory, naming how to allow overwriting
     * @throws IllegalArgumentException if {@code dir} is a file, or a non-empty directory and {@code overwrite} is false
     */
    public static boolean checkDirectoryTarget(Path dir, boolean overwrite, String who, String overwriteHint) {
        return SavedModels.checkTarget(dir, overwrite, who, overwriteHint);
    }

    /** Deletes {@code root} and everything under it, best effort. */
    public static void deleteTree(Path root) {
        AtomicFiles.deleteTree(root);
    }

    /** What went wrong with a file, in words ("/a/b does not exist" rather than "NoSuchFileException: /a/b"). */
    public static String describe(IOException e) {
        return AtomicFiles.describe(e);
    }
}
