package dev.netdsl.datasets;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Reads and writes the IDX files MNIST and Fashion-MNIST ship in ({@code *-idx3-ubyte} images,
 * {@code *-idx1-ubyte} labels), plain or gzip-compressed (recognised by content, not name). Every
 * problem is reported with the file's name and what was wrong: a bad magic number, impossible
 * dimensions, a truncated body or gzip stream, trailing bytes.
 */
public final class Idx {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    /** {@code count} images of {@code rows x cols} unsigned bytes, row-major, image after image. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /** The pixel at ({@code row}, {@code col}) of image {@code i}, 0..255. */
        public int pixel(int i, int row, int col) {
            return pixels[(i * rows + row) * cols + col] & 0xff;
        }
    }

    private Idx() {
    }

    /**
     * Reads an image file ({@code idx3-ubyte}).
     *
     * @throws IllegalArgumentException naming the file and the problem if it is missing, not an IDX
     *     image file, or truncated
     */
    public static Images readImages(Path file) {
        return parseImages(read(file), file.toString());
    }

    /** {@link #readImages(Path)} from bytes already in memory; {@code name} appears in messages. */
    public static Images parseImages(byte[] raw, String name) {
        String file = name;
        ByteBuffer b = ByteBuffer.wrap(decompress(raw, name));
        int magic = header(file, b, 16, "image");
        if (magic != IMAGES_MAGIC) {
            throw bad(file, magic == LABELS_MAGIC ? "is a label file (magic 0x801), not an image file"
                    : String.format("has magic number 0x%08x, not 0x00000803 (IDX unsigned-byte images)", magic));
        }
        headerRest(file, b, 16, "image");
        int count = b.getInt();
        int rows = b.getInt();
        int cols = b.getInt();
        if (count < 1 || rows < 1 || cols < 1 || (long) rows * cols > 1 << 20) {
            throw bad(file, "declares " + count + " images of " + rows + "x" + cols + ", which is not a valid image set");
        }
        byte[] pixels = body(file, b, (long) count * rows * cols, count + " images of " + rows + "x" + cols);
        return new Images(count, rows, cols, pixels);
    }

    /**
     * Reads a label file ({@code idx1-ubyte}): one unsigned byte per example.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static int[] readLabels(Path file) {
        return parseLabels(read(file), file.toString());
    }

    /** {@link #readLabels(Path)} from bytes already in memory; {@code name} appears in messages. */
    public static int[] parseLabels(byte[] raw, String name) {
        String file = name;
        ByteBuffer b = ByteBuffer.wrap(decompress(raw, name));
        int magic = header(file, b, 8, "label");
        if (magic != LABELS_MAGIC) {
            throw bad(file, magic == IMAGES_MAGIC ? "is an image file (magic 0x803), not a label file"
                    : String.format("has magic number 0x%08x, not 0x00000801 (IDX unsigned-byte labels)", magic));
        }
        headerRest(file, b, 8, "label");
        int count = b.getInt();
        if (count < 1) {
            throw bad(file, "declares " + count + " labels");
        }
        byte[] bytes = body(file, b, count, count + " labels");
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = bytes[i] & 0xff;
        }
        return labels;
    }

    /** Reads the magic number; the rest of the header must follow once the magic is known to fit. */
    private static int header(String file, ByteBuffer b, int size, String kind) {
        if (b.remaining() < 4) {
            throw bad(file, "is " + b.remaining() + " bytes long, shorter than an IDX " + kind + " header (" + size + " bytes)");
        }
        return b.getInt();
    }

    private static void headerRest(String file, ByteBuffer b, int size, String kind) {
        if (b.remaining() < size - 4) {
            throw bad(file, "is " + (b.remaining() + 4) + " bytes long, shorter than an IDX " + kind + " header (" + size + " bytes)");
        }
    }

    private static byte[] body(String file, ByteBuffer b, long expected, String what) {
        if (b.remaining() < expected) {
            throw bad(file, "is truncated: the header declares " + what + " (" + expected + " bytes) but only "
                    + b.remaining() + " bytes follow");
        }
        if (b.remaining() > expected) {
            throw bad(file, "has " + (b.remaining() - expected) + " unexpected bytes after the " + what + " its header declares");
        }
        byte[] out = new byte[(int) expected];
        b.get(out);
        return out;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw bad(file.toString(), "does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("can't read " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decompress(byte[] raw, String file) {
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            } catch (EOFException e) {
                throw bad(file, "is a truncated gzip stream (it ends before the compressed data does)");
            } catch (ZipException e) {
                throw bad(file, "is a corrupt gzip stream (" + e.getMessage() + ")");
            } catch (IOException e) {
                throw new UncheckedIOException("can't decompress " + file + ": " + e.getMessage(), e);
            }
        }
        return raw;
    }

    private static IllegalArgumentException bad(String file, String problem) {
        return new IllegalArgumentException("IDX file " + file + " " + problem);
    }

    /** Writes {@code images} as an IDX image file, gzip-compressed if {@code gzip}. */
    public static void writeImages(Path file, Images images, boolean gzip) {
        ByteBuffer b = ByteBuffer.allocate(16 + images.pixels().length);
        b.putInt(IMAGES_MAGIC).putInt(images.count()).putInt(images.rows()).putInt(images.cols()).put(images.pixels());
        write(file, b.array(), gzip);
    }

    /** Writes {@code labels} (each 0..255) as an IDX label file, gzip-compressed if {@code gzip}. */
    public static void writeLabels(Path file, int[] labels, boolean gzip) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(LABELS_MAGIC).putInt(labels.length);
        for (int l : labels) {
            if (l < 0 || l > 255) {
                throw new IllegalArgumentException("label " + l + " does not fit an unsigned byte");
            }
            b.put((byte) l);
        }
        write(file, b.array(), gzip);
    }

    private static void write(Path file, byte[] bytes, boolean gzip) {
        try {
            byte[] out = bytes;
            if (gzip) {
                ByteArrayOutputStream z = new ByteArrayOutputStream();
                try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                    g.write(bytes);
                }
                out = z.toByteArray();
            }
            dev.netdsl.io.SafeFiles.write(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException("can't write " + file + ": " + e.getMessage(), e);
        }
    }
}
