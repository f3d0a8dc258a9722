package dev.netdsl.internal.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netdsl.internal.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each
 * tensor's {@code dtype}, {@code shape} and {@code data_offsets} into the data that follows, then the
 * data, little endian. Written as the specification asks, so PyTorch's and Hugging Face's loaders read
 * it: the header padded with spaces to a multiple of 8 bytes, the tensors back to back with no gaps,
 * {@code __metadata__ = {"format": "pt"}}.
 */
public final class SafeTensors {
    /** Refuses a header that names a tensor twice (by default Jackson keeps the last, and a tensor would vanish). */
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    /** The reference implementation's limit on the header. */
    private static final long MAX_HEADER = 100_000_000;

    private SafeTensors() {
    }

    /** True if {@code bytes} starts like a safetensors file: a plausible header length, then {@code {"}. */
    public static boolean looksLike(byte[] start, long fileSize) {
        if (start.length < 10) {
            return false;
        }
        long n = ByteBuffer.wrap(start).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return n >= 2 && n <= MAX_HEADER && start[8] == '{';
    }

    /**
     * The tensors of a safetensors file, in header order. The header is checked as the reference loader checks
     * it before any tensor is decoded: UTF-8, names given once, whole non-negative numbers for shapes and
     * offsets, each tensor's bytes matching its shape, and the data covered exactly, with no overlap, gap or
     * trailing byte.
     *
     * @throws IllegalArgumentException naming the file and the problem (truncated, bad header, unknown
     *     dtype, offsets outside the data, overlapping or leaving bytes unused, not matching the shape)
     */
    public static List<StoredTensor> read(Path file, byte[] bytes) {
        String where = "safetensors file " + file;
        if (bytes.length < 8) {
            throw new IllegalArgumentException(where + " is " + bytes.length + " bytes long, shorter than the 8-byte header length");
        }
        ByteBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = all.getLong(0);
        if (n < 2 || n > MAX_HEADER || 8 + n > bytes.length) {
            throw new IllegalArgumentException(where + ": its header claims " + n + " bytes but the file has " + (bytes.length - 8)
                    + " after the length; it is truncated or not a safetensors file");
        }
        JsonNode header;
        try {
            header = JSON.readTree(utf8(bytes, (int) n, where));
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message.startsWith("Duplicate field ")) {
                throw new IllegalArgumentException(where + ": its header names tensor \"" + message.substring(17, message.length() - 1)
                        + "\" twice; each name must be given once");
            }
            throw new IllegalArgumentException(where + ": its header is not valid JSON (" + message + ")");
        }
        if (header == null || !header.isObject()) {
            throw new IllegalArgumentException(where + ": its header is not a JSON object");
        }
        int dataStart = 8 + (int) n;
        long dataLength = bytes.length - dataStart;
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            entries.add(entry(where, e.getKey(), e.getValue(), dataLength));
        }
        checkCoverage(where, entries, dataLength);
        List<StoredTensor> out = new ArrayList<>();
        for (Entry e : entries) {
            ByteBuffer data = all.slice(dataStart + (int) e.begin(), (int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[(int) e.count()];
            for (int i = 0; i < values.length; i++) {
                values[i] = e.dtype().get(data, i);
            }
            out.add(new StoredTensor(e.name(), e.shape(), e.dtype().torchName, values));
        }
        return out;
    }

    /** One tensor of the header, checked. */
    private record Entry(String name, StoredTensor.Dtype dtype, List<Integer> shape, long count, long begin, long end) {
    }

    /** The header's first {@code n} bytes as text, refusing bytes that are not UTF-8 (a lenient decoder would merge names). */
    private static String utf8(byte[] bytes, int n, String where) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, 8, n);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            // On an error the decoder leaves the buffer at the offending byte.
            throw new IllegalArgumentException(where + ": its header is not valid UTF-8 (at byte " + (in.position() - 8)
                    + " of the header); tensor names and the header must be UTF-8 text");
        }
    }

    private static Entry entry(String where, String name, JsonNode info, long dataLength) {
        String at = where + ", tensor " + name;
        StoredTensor.Dtype dtype = StoredTensor.Dtype.ofSafetensors(info.path("dtype").asText());
        if (dtype == null) {
            throw new IllegalArgumentException(at + ": dtype " + info.path("dtype") + " is not one NetDSL reads (F32, F64, F16, BF16,"
                    + " I64, I32, I16, I8, U8, BOOL)");
        }
        JsonNode shapeNode = info.path("shape");
        JsonNode offsets = info.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new IllegalArgumentException(at + ": needs a \"shape\" array and two \"data_offsets\"");
        }
        List<Integer> shape = new ArrayList<>();
        List<String> dims = new ArrayList<>();
        shapeNode.forEach(d -> dims.add(d.toString()));
        long count = 1;
        for (JsonNode d : shapeNode) {
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 0) {
                throw new IllegalArgumentException(at + ": shape " + dims + " has dimension " + d + ", not a whole number from 0 to "
                        + Integer.MAX_VALUE);
            }
            shape.add(d.asInt());
            count = count > Integer.MAX_VALUE ? count : count * d.asInt();
        }
        if (shape.contains(0)) {
            count = 0;
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(at + ": shape " + shape + " has more elements than one Java array holds; NetDSL can't"
                    + " load it");
        }
        for (JsonNode o : offsets) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
                throw new IllegalArgumentException(at + ": data_offsets " + offsets + " has " + o + ", not a whole number from 0");
            }
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (end < begin || end > dataLength) {
            throw new IllegalArgumentException(at + ": data_offsets " + offsets + " lie outside the " + dataLength
                    + " bytes of data; the file is truncated or corrupt");
        }
        if (end - begin != count * dtype.size) {
            throw new IllegalArgumentException(at + ": shape " + shape + " of " + dtype.safetensorsName + " needs " + count * dtype.size
                    + " bytes but data_offsets " + offsets + " give " + (end - begin));
        }
        return new Entry(name, dtype, shape, count, begin, end);
    }

    /**
     * The tensors' bytes, in offset order, cover the data exactly: no two overlap (two names would share bytes,
     * what no writer does), no bytes lie between or after them. The reference loader refuses such files too.
     */
    private static void checkCoverage(String where, List<Entry> entries, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(java.util.Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw new IllegalArgumentException(where + ": the data of tensors " + previous.name() + " [" + previous.begin() + ", "
                        + previous.end() + ") and " + e.name() + " [" + e.begin() + ", " + e.end() + ") overlap; each tensor must"
                        + " have bytes of its own, so the file is corrupt or crafted");
            }
            if (e.begin() > covered) {
                throw unused(where, covered, e.begin());
            }
            covered = e.end();
            previous = e.end() > e.begin() || previous == null ? e : previous;
        }
        if (covered < dataLength) {
            throw unused(where, covered, dataLength);
        }
    }

    private static IllegalArgumentException unused(String where, long from, long to) {
        return new IllegalArgumentException(where + ": no tensor holds bytes " + from + " to " + to + " of its data; the"
                + " safetensors format allows no gaps or trailing bytes, so the file is corrupt or crafted");
    }

    /** {@code tensors} as a safetensors file (float32), written atomically. */
    public static void write(Path target, List<StoredTensor> tensors) {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (StoredTensor t : tensors) {
            ObjectNode info = header.putObject(t.name());
            info.put("dtype", "F32");
            t.shape().forEach(info.putArray("shape")::add);
            long size = 4L * t.values().length;
            info.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        if (offset + padded + 8 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("can't write " + target + ": " + offset + " bytes of tensors is more than one Java"
                    + " array holds; split the tensors over several files");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (8 + padded + offset));
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.writeBytes(length.array());
        out.writeBytes(json);
        out.writeBytes(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
        for (StoredTensor t : tensors) {
            ByteBuffer b = ByteBuffer.allocate(4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.values());
            out.writeBytes(b.array());
        }
        AtomicFiles.write(target, out.toByteArray());
    }
}
