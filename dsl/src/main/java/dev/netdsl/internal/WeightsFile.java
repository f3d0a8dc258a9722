package dev.netdsl.internal;

import dev.netdsl.Parameter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The weights-only file ({@code state_dict}): magic {@code NETDSLW}, format version, then each
 * parameter's name, shape and float values, and a CRC32 of everything before it. Written to a temp
 * file beside the target and moved into place, so an interrupted save never leaves half a file.
 */
public final class WeightsFile {
    private static final byte[] MAGIC = {'N', 'E', 'T', 'D', 'S', 'L', 'W', 0};
    private static final int VERSION = 1;

    private WeightsFile() {
    }

    /** Writes {@code params} to {@code target} atomically. */
    public static void write(Path target, List<Parameter> params) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
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
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.write(target, bytes.toByteArray());
    }

    /**
     * Reads a weights file.
     *
     * @throws IllegalArgumentException if it is missing, not a NetDSL weights file, of another
     *     version, truncated or corrupt
     */
    public static List<Parameter> read(Path source) {
        byte[] all;
        try {
            all = Files.readAllBytes(source);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("can't load " + source + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("can't read " + source + ": " + e, e);
        }
        if (all.length < MAGIC.length + 16 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("can't load " + source + ": not a NetDSL weights file (no NETDSLW header);"
                    + " pass a file written by Model.save");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all))) {
            in.skipNBytes(MAGIC.length);
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("can't load " + source + ": weights format version " + version
                        + ", this NetDSL reads version " + VERSION);
            }
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
            if (crc.getValue() != stored) {
                throw new IllegalArgumentException("can't load " + source + ": checksum mismatch, the file is truncated or corrupt");
            }
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
                float[] values = new float[(int) size];
                for (int v = 0; v < values.length; v++) {
                    values[v] = in.readFloat();
                }
                params.add(new Parameter(name, shape, values));
            }
            return params;
        } catch (EOFException e) {
            throw new IllegalArgumentException("can't load " + source + ": the file is truncated");
        } catch (IOException e) {
            throw new UncheckedIOException("can't read " + source + ": " + e, e);
        }
    }
}
