package dev.netdsl.internal;

import dev.netdsl.NetDslException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Writes a runtime's graph and variables as a TensorFlow SavedModel (tag {@code serve}). The export
 * goes to a temp directory beside the target and is renamed into place; an old export is replaced
 * only when asked, and only after the new one is complete.
 */
public final class SavedModels {
    private SavedModels() {
    }

    /**
     * Exports {@code rt}'s session with {@code signature} to {@code dir}.
     *
     * @param what names the exported thing in messages, e.g. "Net.of(1, 20, 1)"
     * @throws IllegalArgumentException if {@code dir} is a file, or a non-empty directory and
     *     {@code overwrite} is false
     */
    public static void export(TfRuntime rt, Signature signature, Path dir, boolean overwrite, String what) {
        Path target = dir.toAbsolutePath();
        boolean replace = checkTarget(dir, overwrite, "exportSavedModel: " + dir, ", delete the old export, or pass overwrite = true");
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("exportSavedModel: can't prepare " + dir + ": " + AtomicFiles.describe(e), e);
        }
        String id = UUID.randomUUID().toString();
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + id + ".tmp");
        Path old = target.resolveSibling("." + target.getFileName() + "." + id + ".old");
        try {
            SavedModelBundle.exporter(tmp.toString()).withSession(rt.session()).withSignature(signature).export();
            if (replace) {
                // Two renames: the old export moves aside whole, the new one moves in whole.
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(target);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("exportSavedModel: can't write " + dir + ": " + AtomicFiles.describe(e), e);
        } catch (TensorFlowException e) {
            throw new NetDslException("exportSavedModel: TensorFlow failed to export " + what + " to " + dir + ": "
                    + e.getMessage(), e);
        } finally {
            deleteTree(tmp);
            deleteTree(old);
        }
    }

    /** A builder for the {@code serving_default} predict signature every NetDSL export uses. */
    public static Signature.Builder servingSignature() {
        return Signature.builder().key(Signature.DEFAULT_KEY).methodName("tensorflow/serving/predict");
    }

    /**
     * Checks that an export can go to {@code dir} and returns true if it holds an old export that
     * {@code overwrite} allows replacing. {@code who} starts the messages ("exportSavedModel: DIR");
     * {@code overwriteHint} ends the non-empty one, naming how to ask for overwriting.
     *
     * @throws IllegalArgumentException if {@code dir} is a file, or a non-empty directory and
     *     {@code overwrite} is false
     */
    public static boolean checkTarget(Path dir, boolean overwrite, String who, String overwriteHint) {
        Path target = dir.toAbsolutePath();
        if (!Files.isDirectory(target)) {
            if (Files.exists(target)) {
                throw new IllegalArgumentException(who + " is a file; pass a directory path");
            }
            return false;
        }
        try (var entries = Files.list(target)) {
            boolean old = entries.findAny().isPresent();
            if (old && !overwrite) {
                throw new IllegalArgumentException(who + " is not empty; pick a new directory" + overwriteHint);
            }
            return old;
        } catch (IOException e) {
            throw new UncheckedIOException(who + ": can't read it: " + AtomicFiles.describe(e), e);
        }
    }

    /** Deletes {@code root} and everything under it, best effort. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temp folder is named as such
        }
    }
}
