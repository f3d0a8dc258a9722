package dev.netdsl.internal;

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

    /** Reads what {@link #writeParameters} wrote. */
    public static List<Parameter> readParameters(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<Parameter> params = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int rank = in.readInt();
            List<Integer> shape = new ArrayList<>();
            long size = 1;
            for (int d = 0; d < rank; d++) {
                int dim = in.readInt();
                shape.add(dim);
                size *= dim;
            }
            if (size < 0 || size > Integer.MAX_VALUE) {
                throw new IOException("parameter " + name + " has an impossible shape " + shape);
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
