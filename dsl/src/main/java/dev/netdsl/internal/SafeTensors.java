package dev.netdsl.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    private static final ObjectMapper JSON = new ObjectMapper();
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
     * The tensors of a safetensors file, in header order.
     *
     * @throws IllegalArgumentException naming the file and the problem (truncated, bad header, unknown
     *     dtype, offsets outside the data or not matching the shape)
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
            header = JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8).strip());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": its header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw new IllegalArgumentException(where + ": its header is not a JSON object");
        }
        int dataStart = 8 + (int) n;
        long dataLength = bytes.length - dataStart;
        List<StoredTensor> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            out.add(tensor(where, e.getKey(), e.getValue(), all, dataStart, dataLength));
        }
        return out;
    }

    private static StoredTensor tensor(String where, String name, JsonNode info, ByteBuffer all, int dataStart, long dataLength) {
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
        long count = 1;
        for (JsonNode d : shapeNode) {
            if (!d.canConvertToInt() || d.asInt() < 0) {
                throw new IllegalArgumentException(at + ": shape " + shapeNode + " has a bad dimension " + d);
            }
            shape.add(d.asInt());
            count *= d.asInt();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (count > Integer.MAX_VALUE || begin < 0 || end < begin || end > dataLength) {
            throw new IllegalArgumentException(at + ": data_offsets " + offsets + " lie outside the " + dataLength
                    + " bytes of data; the file is truncated or corrupt");
        }
        if (end - begin != count * dtype.size) {
            throw new IllegalArgumentException(at + ": shape " + shape + " of " + dtype.safetensorsName + " needs " + count * dtype.size
                    + " bytes but data_offsets " + offsets + " give " + (end - begin));
        }
        ByteBuffer data = all.slice(dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = dtype.get(data, i);
        }
        return new StoredTensor(name, shape, dtype.torchName, values);
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
