package dev.netdsl.internal.files;

import dev.netdsl.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights-only file ({@code state_dict}): a {@link CheckedFile} with magic {@code NETDSLW} whose
 * body is each parameter's name, shape and float values.
 */
public final class WeightsFile {
    private static final byte[] MAGIC = {'N', 'E', 'T', 'D', 'S', 'L', 'W', 0};
    private static final int VERSION = 1;

    private WeightsFile() {
    }

    /** Writes {@code params} to {@code target} atomically. */
    public static void write(Path target, List<Parameter> params) {
        CheckedFile.write(target, MAGIC, VERSION, out -> writeParameters(out, params));
    }

    /**
     * Reads a weights file.
     *
     * @throws IllegalArgumentException if it is missing, not a NetDSL weights file, of another
     *     version, truncated or corrupt
     */
    public static List<Parameter> read(Path source) {
        return CheckedFile.read(source, MAGIC, VERSION, "weights",
                "not a NetDSL weights file (no NETDSLW header); pass a file written by Model.save", WeightsFile::readParameters);
    }

    /** Writes the parameters' count, then each name, shape and values. */
    public static void writeParameters(DataOutputStream out, List<Parameter> params) throws IOException {
        out.writeInt(params.size());
        for (Parameter p : params) {
            out.writeUTF(p.name());
            out.writeInt(p.shape().size());
            for (int d : p.shape()) {
                out.writeInt(d);
            }
            for (float v : p.values()) {
                out.writeFloat(v);
            }
        }
    }

    /**
     * Reads what {@link #writeParameters} wrote. Every count and shape is checked against the bytes that remain
     * ({@code in.available()}, exact for the in-memory body {@link CheckedFile} gives) before anything is
     * allocated: a 46-byte file declaring a [46340, 46340] parameter is refused, not 8.6 GB allocated.
     *
     * @throws IllegalArgumentException saying what is impossible, which {@link CheckedFile} prefixes with the file's name
     */
    public static List<Parameter> readParameters(DataInputStream in) throws IOException {
        int count = in.readInt();
        // Each parameter takes at least 6 bytes: its name's length and its rank.
        if (count < 0 || count > in.available() / 6) {
            throw new IllegalArgumentException("it declares " + count + " parameters, which the " + in.available()
                    + " bytes that follow can't hold; the file is corrupt");
        }
        List<Parameter> params = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int rank = in.readInt();
            if (rank < 0 || rank > in.available() / 4) {
                throw new IllegalArgumentException("parameter " + name + " declares rank " + rank + ", which the " + in.available()
                        + " bytes that follow can't hold; the file is corrupt");
            }
            List<Integer> shape = new ArrayList<>();
            for (int d = 0; d < rank; d++) {
                shape.add(in.readInt());
            }
            long size = 1;
            boolean overflow = false;
            for (int dim : shape) {
                if (dim < 0) {
                    throw new IllegalArgumentException("parameter " + name + " has an impossible shape " + shape + "; the file is corrupt");
                }
                try {
                    size = Math.multiplyExact(size, dim);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
            if (shape.contains(0)) {
                size = 0;
            }
            if (overflow && size != 0 || size > in.available() / 4) {
                throw new IllegalArgumentException("parameter " + name + " declares shape " + shape + " (" + (overflow ? "more than 2^63 values"
                        : size + " values, " + 4 * size + " bytes") + "), but " + in.available()
                        + " bytes follow; the file is truncated or corrupt");
            }
            float[] values = new float[(int) size];
            for (int v = 0; v < values.length; v++) {
                values[v] = in.readFloat();
            }
            params.add(new Parameter(name, shape, values));
        }
        return params;
    }
}
