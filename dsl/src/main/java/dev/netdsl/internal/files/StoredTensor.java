package dev.netdsl.internal.files;

import dev.netdsl.Parameter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A named tensor as a file stores it: its shape, its element type there ({@code float32}, {@code float16},
 * {@code int64}, ...) and its values converted to float32, which is what a model holds.
 *
 * @param name the tensor's name ({@code 0.weight})
 * @param shape its dimensions
 * @param dtype the element type in the file, PyTorch's spelling
 * @param values the values in row-major order, as float32
 */
public record StoredTensor(String name, List<Integer> shape, String dtype, float[] values) {
    /** A float32 tensor from a parameter. */
    public static StoredTensor of(Parameter p) {
        return new StoredTensor(p.name(), p.shape(), "float32", p.values());
    }

    /** As a {@link Parameter} (its float32 values). */
    public Parameter toParameter() {
        return new Parameter(name, shape, values);
    }

    /** An element type files use: its size in bytes and how an element becomes a float. */
    public enum Dtype {
        FLOAT32("float32", "F32", 4), FLOAT64("float64", "F64", 8), FLOAT16("float16", "F16", 2), BFLOAT16("bfloat16", "BF16", 2),
        INT64("int64", "I64", 8), INT32("int32", "I32", 4), INT16("int16", "I16", 2), INT8("int8", "I8", 1), UINT8("uint8", "U8", 1),
        BOOL("bool", "BOOL", 1);

        /** PyTorch's name ({@code torch.float32}'s {@code float32}). */
        public final String torchName;
        /** The safetensors header's name ({@code F32}). */
        public final String safetensorsName;
        /** Bytes per element. */
        public final int size;

        Dtype(String torchName, String safetensorsName, int size) {
            this.torchName = torchName;
            this.safetensorsName = safetensorsName;
            this.size = size;
        }

        /** The type with this safetensors name, or null. */
        public static Dtype ofSafetensors(String name) {
            return Arrays.stream(values()).filter(d -> d.safetensorsName.equals(name)).findFirst().orElse(null);
        }

        /** Element {@code i} of little-endian {@code data} (from its position 0) as a float. */
        public float get(ByteBuffer data, int i) {
            int at = i * size;
            return switch (this) {
                case FLOAT32 -> data.getFloat(at);
                case FLOAT64 -> (float) data.getDouble(at);
                case FLOAT16 -> halfToFloat(data.getShort(at));
                case BFLOAT16 -> Float.intBitsToFloat((data.getShort(at) & 0xffff) << 16);
                case INT64 -> (float) data.getLong(at);
                case INT32 -> (float) data.getInt(at);
                case INT16 -> (float) data.getShort(at);
                case INT8 -> (float) data.get(at);
                case UINT8 -> (float) (data.get(at) & 0xff);
                case BOOL -> data.get(at) != 0 ? 1f : 0f;
            };
        }
    }

    /** {@code bytes} as little-endian elements of {@code dtype}, all of them, as floats. */
    public static float[] decode(byte[] bytes, Dtype dtype) {
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.length / dtype.size];
        for (int i = 0; i < out.length; i++) {
            out[i] = dtype.get(data, i);
        }
        return out;
    }

    /** IEEE 754 half precision (binary16) to float, exactly (every half is a float). */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24, exact in float.
            float v = mantissa * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }
}
