package dev.netdsl.io;

import dev.netdsl.Parameter;
import dev.netdsl.internal.AtomicFiles;
import dev.netdsl.internal.files.PyTorchFiles;
import dev.netdsl.internal.files.SafeTensors;
import dev.netdsl.internal.files.StoredTensor;
import dev.netdsl.internal.files.WeightsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Files of named tensors (a model's {@code state_dict}) in three formats, told apart by their content,
 * not their names: NetDSL's weights files (a magic, a format version and a CRC32), PyTorch's
 * {@code torch.save} files (the zip format of PyTorch 1.6 and later, read without running any pickled
 * code), and safetensors. Values are read as float32 (float64, float16, bfloat16 and integer tensors are
 * converted); writes are atomic.
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /** The formats NetDSL reads. */
    public enum Format {
        /** NetDSL's weights file ({@code Model.save} to any name but {@code *.safetensors}). */
        NETDSL,
        /** A {@code torch.save} file of a state dict. */
        PYTORCH,
        /** A safetensors file. */
        SAFETENSORS,
        /** A NetDSL model file ({@code Model.saveAll}): open it with {@code Model.open}; {@link #read} refuses it. */
        NETDSL_MODEL
    }

    /**
     * One tensor of a file, for a look inside it.
     *
     * @param name its name
     * @param shape its dimensions
     * @param dtype its element type in the file ({@code float32}, {@code float16}, {@code int64}, ...)
     * @param min its smallest value (NaN if it has none)
     * @param mean the mean of its values (NaN if it has none)
     * @param max its largest value (NaN if it has none)
     */
    public record TensorInfo(String name, List<Integer> shape, String dtype, double min, double mean, double max) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-28s %-16s %-8s min %.4g  mean %.4g  max %.4g", name, shape, dtype, min, mean, max);
        }
    }

    /**
     * The format of {@code file}, from its first bytes.
     *
     * @throws IllegalArgumentException if it is missing, or none of these (naming what it looks like)
     */
    public static Format format(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] start = start(file);
        if (start.length >= 7 && new String(start, 0, 7, java.nio.charset.StandardCharsets.US_ASCII).equals("NETDSLW")) {
            return Format.NETDSL;
        }
        if (PyTorchFiles.looksLike(start)) {
            return Format.PYTORCH;
        }
        if (SafeTensors.looksLike(start, size(file))) {
            return Format.SAFETENSORS;
        }
        if (start.length >= 7 && new String(start, 0, 7, java.nio.charset.StandardCharsets.US_ASCII).equals("NETDSLM")) {
            return Format.NETDSL_MODEL;
        }
        String what;
        if (PyTorchFiles.looksLegacy(start)) {
            what = "a PyTorch file in the format before PyTorch 1.6 (a bare pickle); load it in PyTorch and save it again with"
                    + " torch.save(state_dict, path), which writes the zip format";
        } else if (start.length == 0) {
            what = "empty";
        } else {
            what = "neither a NetDSL weights file, a PyTorch state dict (torch.save) nor a safetensors file";
        }
        throw new IllegalArgumentException("can't read tensors from " + file + ": it is " + what);
    }

    /**
     * The tensors in {@code file} (any of the three formats), in file order, as float32 values.
     *
     * @throws IllegalArgumentException if the file is missing, foreign, truncated or corrupt, or holds
     *     what a state dict does not (a pickled class other than a tensor's), naming the file and the problem
     */
    public static List<Parameter> read(Path file) {
        List<Parameter> out = new ArrayList<>();
        readStored(file).forEach(t -> out.add(t.toParameter()));
        return out;
    }

    /**
     * Each tensor in {@code file} with its element type in the file and its min, mean and max, for a
     * look inside (what {@code ./netdsl inspect FILE} prints).
     *
     * @throws IllegalArgumentException as {@link #read}
     */
    public static List<TensorInfo> inspect(Path file) {
        List<TensorInfo> out = new ArrayList<>();
        for (StoredTensor t : readStored(file)) {
            double min = Double.NaN;
            double max = Double.NaN;
            double sum = 0;
            for (float v : t.values()) {
                min = Double.isNaN(min) ? v : Math.min(min, v);
                max = Double.isNaN(max) ? v : Math.max(max, v);
                sum += v;
            }
            out.add(new TensorInfo(t.name(), t.shape(), t.dtype(), min, t.values().length == 0 ? Double.NaN : sum / t.values().length,
                    max));
        }
        return out;
    }

    private static List<StoredTensor> readStored(Path file) {
        return switch (format(file)) {
            case NETDSL -> WeightsFile.read(file).stream().map(StoredTensor::of).toList();
            case PYTORCH -> PyTorchFiles.read(file);
            case SAFETENSORS -> SafeTensors.read(file, all(file));
            case NETDSL_MODEL -> throw new IllegalArgumentException("can't read tensors from " + file + ": it is a NetDSL model"
                    + " file (saveAll): open it with Model.open, or save its weights with Model.save");
        };
    }

    /**
     * Writes {@code tensors} to {@code file} atomically (a temp file beside it, then a rename): as
     * safetensors (float32, readable by PyTorch's and Hugging Face's loaders) if its name ends in
     * {@code .safetensors}, else in NetDSL's format.
     */
    public static void write(Path file, List<Parameter> tensors) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        if (file.getFileName() != null && file.getFileName().toString().endsWith(".safetensors")) {
            SafeTensors.write(file, tensors.stream().map(StoredTensor::of).toList());
        } else {
            WeightsFile.write(file, tensors);
        }
    }

    private static byte[] start(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(16);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("can't read tensors from " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("can't read tensors from " + file + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static byte[] all(Path file) {
        try {
            if (Files.size(file) > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("can't read " + file + ": it is larger than 2 GB, more than NetDSL reads in one file");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("can't read " + file + ": " + AtomicFiles.describe(e), e);
        }
    }
}
