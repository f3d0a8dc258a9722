package dev.netdsl.internal.files;

import dev.netdsl.internal.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * NetDSL's file frame: an 8-byte magic, a format version, the body, and a CRC32 of everything
 * before it; written atomically ({@link AtomicFiles}), read back with a clear message for a missing,
 * foreign, other-version, truncated or corrupt file.
 */
public final class CheckedFile {
    /** Writes a body. */
    @FunctionalInterface
    public interface Body {
        /** Writes the body to {@code out}. */
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads a body. */
    @FunctionalInterface
    public interface Reader<T> {
        /** Reads the body from {@code in}. */
        T read(DataInputStream in) throws IOException;
    }

    /** Reads a body of one of several format versions. */
    @FunctionalInterface
    public interface VersionedReader<T> {
        /** Reads the body of format {@code version} from {@code in}. */
        T read(int version, DataInputStream in) throws IOException;
    }

    private CheckedFile() {
    }

    /** Writes magic, version, body and CRC32 to {@code target}, atomically. */
    public static void write(Path target, byte[] magic, int version, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(magic);
            out.writeInt(version);
            body.write(out);
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.write(target, bytes.toByteArray());
    }

    /**
     * Reads a file written by {@link #write} with the same magic.
     *
     * @param kind what the file is, for messages ("weights", "model")
     * @param foreign the sentence that ends the message for a file without this magic
     * @throws IllegalArgumentException if the file is missing, foreign, of another version,
     *     truncated or corrupt
     */
    public static <T> T read(Path source, byte[] magic, int version, String kind, String foreign, Reader<T> reader) {
        return read(source, magic, version, version, kind, foreign, (v, in) -> reader.read(in));
    }

    /**
     * Reads a file written by {@link #write} with the same magic and a version from
     * {@code oldest} to {@code newest}. A reader's {@link IllegalArgumentException} comes out with the
     * file's name in front.
     *
     * @throws IllegalArgumentException if the file is missing, larger than 2 GB, foreign, of another version,
     *     truncated or corrupt, or the reader rejects what it holds
     */
    public static <T> T read(Path source, byte[] magic, int oldest, int newest, String kind, String foreign,
                             VersionedReader<T> reader) {
        byte[] all;
        try {
            long size = Files.size(source);
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("can't load " + source + ": it is " + size + " bytes, larger than the 2 GB NetDSL"
                        + " reads into memory; a NetDSL " + kind + " file this large is corrupt");
            }
            all = Files.readAllBytes(source);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("can't load " + source + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("can't read " + source + ": " + e, e);
        }
        if (all.length < magic.length + 12 || !Arrays.equals(Arrays.copyOf(all, magic.length), magic)) {
            throw new IllegalArgumentException("can't load " + source + ": " + foreign);
        }
        int found = ByteBuffer.wrap(all, magic.length, 4).getInt();
        if (found < oldest || found > newest) {
            throw new IllegalArgumentException("can't load " + source + ": " + kind + " format version " + found
                    + ", this NetDSL reads " + (oldest == newest ? "version " + newest : "versions " + oldest + " to " + newest)
                    + (found > newest ? "; it was written by a newer NetDSL, upgrade to read it" : ""));
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(all, all.length - 8, 8).getLong()) {
            throw new IllegalArgumentException("can't load " + source + ": checksum mismatch, the file is truncated or corrupt");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, magic.length + 4, all.length - magic.length - 12))) {
            return reader.read(found, in);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("can't load " + source + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new IllegalArgumentException("can't load " + source + ": the file is truncated");
        } catch (IOException e) {
            // The body is in memory: what fails here is its content (a malformed name, a bad length), not the disk.
            throw new IllegalArgumentException("can't load " + source + ": the file is corrupt (" + e.getMessage() + ")", e);
        }
    }
}
