package dev.netdsl.internal.files;

import dev.netdsl.NetDslException;
import dev.netdsl.internal.AtomicFiles;
import dev.netdsl.internal.TfRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Writes a runtime's graph and variables as a TensorFlow SavedModel (tag {@code serve}). The export
 * goes to a temp directory beside the target and is renamed into place; an old export is replaced
 * only when asked, and only after the new one is complete ({@link AtomicFiles#replaceDirectory}).
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
        AtomicFiles.cleanDebris(target);
        Path tmp = AtomicFiles.claimTemp(target);
        try {
            SavedModelBundle.exporter(tmp.toString()).withSession(rt.session()).withSignature(signature).export();
            // The old export (if any) moves aside whole and the new one moves in whole; a failure puts the old back.
            AtomicFiles.replaceDirectory(tmp, target, replace);
        } catch (IOException e) {
            throw new UncheckedIOException("exportSavedModel: can't write " + dir + ": " + AtomicFiles.describe(e), e);
        } catch (TensorFlowException e) {
            throw new NetDslException("exportSavedModel: TensorFlow failed to export " + what + " to " + dir + ": "
                    + e.getMessage(), e);
        } finally {
            deleteTree(tmp);
            AtomicFiles.release(tmp);
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
        AtomicFiles.deleteTree(root);
    }
}
