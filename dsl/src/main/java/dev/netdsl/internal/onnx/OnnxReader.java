package dev.netdsl.internal.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.netdsl.internal.onnx.OnnxProto.ModelProto;
import dev.netdsl.internal.onnx.OnnxProto.OperatorSetIdProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxProto.TypeProto;
import dev.netdsl.internal.onnx.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ONNX files: parses the protobuf with limits, checks it is a model NetDSL can read, and decodes
 * tensors. Nothing a file names is loaded or run: external data files are refused, not opened.
 */
public final class OnnxReader {
    /** Files above this size are refused before reading (protobuf's own limit is 2 GiB). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private OnnxReader() {
    }

    /**
     * The model in {@code file}.
     *
     * @throws IllegalArgumentException naming the file and the problem: missing, empty, too large, truncated,
     *     not ONNX, without a graph or opset
     */
    public static ModelProto read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file" + (Files.isDirectory(file) ? " (it is a directory)" : ""));
        }
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new IllegalArgumentException(file + " is empty, not an ONNX model");
            }
            if (size > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is " + size + " bytes; ONNX files above 2 GiB keep their tensors in"
                        + " external data files, which NetDSL does not read");
            }
            ModelProto model;
            try (InputStream in = Files.newInputStream(file)) {
                CodedInputStream coded = CodedInputStream.newInstance(in);
                coded.setSizeLimit(Integer.MAX_VALUE);
                coded.setRecursionLimit(200);
                model = ModelProto.parseFrom(coded);
            }
            if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getOpsetImportCount() == 0) {
                throw new IllegalArgumentException(file + " is not an ONNX model: it parses as protobuf but has no "
                        + (!model.hasGraph() ? "graph" : model.getIrVersion() <= 0 ? "IR version" : "opset import")
                        + "; pass a .onnx file written by torch.onnx.export or an ONNX exporter");
            }
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(file + " is not an ONNX model, or is truncated: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("can't read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The version of the default ({@code ai.onnx}) opset the model imports, or -1. */
    public static long opset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return o.getVersion();
            }
        }
        return -1;
    }

    /** ONNX's name for an element type ({@code float}, {@code int64}). */
    public static String typeName(int elemType) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(elemType);
        return t == null ? "type " + elemType : t.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code input: float [batch, 1, 28, 28]}. */
    public static String describe(ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return v.getName() + ": " + v.getType().getValueCase().name().toLowerCase(java.util.Locale.ROOT);
        }
        TypeProto.Tensor t = v.getType().getTensorType();
        List<String> dims = new ArrayList<>();
        t.getShape().getDimList().forEach(d -> dims.add(d.hasDimValue() ? Long.toString(d.getDimValue())
                : d.hasDimParam() ? d.getDimParam() : "?"));
        return v.getName() + ": " + typeName(t.getElemType()) + " " + dims;
    }

    /** The tensor's dimensions. */
    public static long[] dims(TensorProto t) {
        long[] dims = new long[t.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
        }
        return dims;
    }

    /**
     * The values of a float, double, int32 or int64 tensor as doubles, checked against its shape.
     *
     * @throws IllegalArgumentException for external data, another element type, or a count that does not fit the shape
     */
    public static double[] values(TensorProto t, String where) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' keeps its values in an external data file"
                    + " (" + t.getExternalDataList().stream().map(e -> e.getKey() + "=" + e.getValue()).toList() + "), which NetDSL"
                    + " does not open; save the model with its tensors inside (onnx.save(model, f, save_as_external_data=False))");
        }
        long count = 1;
        for (long d : dims(t)) {
            if (d < 0) {
                throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has a negative dimension " + d);
            }
            count *= d;
            if (count > MAX_BYTES / 4) {
                throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' is too large for a Java array");
            }
        }
        int n = (int) count;
        double[] out = new double[n];
        int type = t.getDataType();
        boolean raw = t.hasRawData();
        ByteBuffer bytes = raw ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        int width = switch (TensorProto.DataType.forNumber(type) == null ? TensorProto.DataType.UNDEFINED
                : TensorProto.DataType.forNumber(type)) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            default -> throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' is " + typeName(type)
                    + "; NetDSL reads float, double, int32 and int64 tensors");
        };
        int have = raw ? bytes.remaining() / width : switch (TensorProto.DataType.forNumber(type)) {
            case FLOAT -> t.getFloatDataCount();
            case INT32 -> t.getInt32DataCount();
            case DOUBLE -> t.getDoubleDataCount();
            default -> t.getInt64DataCount();
        };
        if (have != n || (raw && bytes.remaining() % width != 0)) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' " + java.util.Arrays.toString(dims(t))
                    + " needs " + n + " values but holds " + have);
        }
        for (int i = 0; i < n; i++) {
            out[i] = switch (TensorProto.DataType.forNumber(type)) {
                case FLOAT -> raw ? bytes.getFloat(i * 4) : t.getFloatData(i);
                case INT32 -> raw ? bytes.getInt(i * 4) : t.getInt32Data(i);
                case DOUBLE -> raw ? bytes.getDouble(i * 8) : t.getDoubleData(i);
                default -> raw ? bytes.getLong(i * 8) : t.getInt64Data(i);
            };
        }
        return out;
    }
}
