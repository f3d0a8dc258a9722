package dev.netdsl.io;

import dev.netdsl.Parameter;
import dev.netdsl.internal.WeightsFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Files of named tensors (a model's {@code state_dict}): NetDSL's weights format, with a magic, a
 * format version and a CRC32, written atomically.
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /**
     * The tensors in {@code file}, in file order.
     *
     * @throws IllegalArgumentException if the file is missing, foreign, truncated or corrupt, naming it
     */
    public static List<Parameter> read(Path file) {
        Objects.requireNonNull(file, "file");
        return WeightsFile.read(file);
    }

    /** Writes {@code tensors} to {@code file} atomically (a temp file beside it, then a rename). */
    public static void write(Path file, List<Parameter> tensors) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        WeightsFile.write(file, tensors);
    }
}
