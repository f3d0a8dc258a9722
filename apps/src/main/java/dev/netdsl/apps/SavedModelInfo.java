package dev.netdsl.apps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a TensorFlow SavedModel's {@code saved_model.pb} declares: each meta graph's tags and signatures, with
 * their inputs' and outputs' names, element types and shapes. Read straight from the protocol buffer's wire
 * format (the few fields of {@code SavedModel}, {@code MetaGraphDef}, {@code SignatureDef} and {@code TensorInfo}
 * it needs), so describing an export loads no TensorFlow and runs none of the graph.
 */
record SavedModelInfo(String tensorflowVersion, List<MetaGraph> metaGraphs) {

    /** One meta graph: its tags and its signatures by key. */
    record MetaGraph(List<String> tags, Map<String, Signature> signatures) {
    }

    /** A signature: its method and its inputs and outputs by key. */
    record Signature(String method, Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
    }

    /**
     * A tensor of a signature: the graph tensor it names, its element type and its shape (-1 for an unknown
     * dimension; null for an unknown rank).
     */
    record Tensor(String name, String dtype, List<Long> shape) {
        @Override
        public String toString() {
            return dtype + " " + (shape == null ? "[unknown rank]" : shape.toString());
        }
    }

    /** TensorFlow's {@code DataType} numbers, as names. */
    private static final String[] DTYPES = {"invalid", "float32", "float64", "int32", "uint8", "int16", "int8", "string",
        "complex64", "int64", "bool", "qint8", "quint8", "qint32", "bfloat16", "qint16", "quint16", "uint16", "complex128",
        "float16", "resource", "variant", "uint32", "uint64"};

    /**
     * Reads {@code dir/saved_model.pb}.
     *
     * @throws IllegalArgumentException if the directory holds no {@code saved_model.pb} or it does not parse
     */
    static SavedModelInfo read(Path dir) {
        Path pb = dir.resolve("saved_model.pb");
        if (!Files.isRegularFile(pb)) {
            throw new IllegalArgumentException(dir + " is a directory without a saved_model.pb, so not a TensorFlow SavedModel;"
                    + " inspect takes a model or weights file, or a SavedModel directory");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pb);
        } catch (IOException e) {
            throw new UncheckedIOException("can't read " + pb + ": " + e.getMessage(), e);
        }
        try {
            String version = "";
            List<MetaGraph> graphs = new ArrayList<>();
            Wire saved = new Wire(bytes, 0, bytes.length);
            while (saved.more()) {
                int field = saved.tag();
                if (field == 2) {
                    Wire g = saved.message();
                    List<String> tags = new ArrayList<>();
                    Map<String, Signature> signatures = new TreeMap<>();
                    while (g.more()) {
                        int f = g.tag();
                        if (f == 1) {
                            Wire info = g.message();
                            while (info.more()) {
                                int i = info.tag();
                                if (i == 4) {
                                    tags.add(info.string());
                                } else if (i == 5) {
                                    version = info.string();
                                } else {
                                    info.skip();
                                }
                            }
                        } else if (f == 5) {
                            Wire entry = g.message();
                            String key = "";
                            Signature sig = null;
                            while (entry.more()) {
                                int e = entry.tag();
                                if (e == 1) {
                                    key = entry.string();
                                } else if (e == 2) {
                                    sig = signature(entry.message());
                                } else {
                                    entry.skip();
                                }
                            }
                            if (sig != null) {
                                signatures.put(key, sig);
                            }
                        } else {
                            g.skip();
                        }
                    }
                    graphs.add(new MetaGraph(tags, signatures));
                } else {
                    saved.skip();
                }
            }
            if (graphs.isEmpty()) {
                throw new IllegalArgumentException("no meta graph in it");
            }
            return new SavedModelInfo(version, graphs);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(pb + " does not read as a TensorFlow SavedModel (" + e.getMessage() + ")", e);
        }
    }

    private static Signature signature(Wire w) {
        Map<String, Tensor> inputs = new TreeMap<>();
        Map<String, Tensor> outputs = new TreeMap<>();
        String method = "";
        while (w.more()) {
            int f = w.tag();
            if (f == 1 || f == 2) {
                Wire entry = w.message();
                String key = "";
                Tensor t = null;
                while (entry.more()) {
                    int e = entry.tag();
                    if (e == 1) {
                        key = entry.string();
                    } else if (e == 2) {
                        t = tensor(entry.message());
                    } else {
                        entry.skip();
                    }
                }
                (f == 1 ? inputs : outputs).put(key, t);
            } else if (f == 3) {
                method = w.string();
            } else {
                w.skip();
            }
        }
        return new Signature(method, inputs, outputs);
    }

    private static Tensor tensor(Wire w) {
        String name = "";
        String dtype = "invalid";
        List<Long> shape = null;
        while (w.more()) {
            int f = w.tag();
            if (f == 1) {
                name = w.string();
            } else if (f == 2) {
                long d = w.varint();
                dtype = d >= 0 && d < DTYPES.length ? DTYPES[(int) d] : "dtype " + d;
            } else if (f == 3) {
                Wire s = w.message();
                List<Long> dims = new ArrayList<>();
                boolean unknownRank = false;
                while (s.more()) {
                    int g = s.tag();
                    if (g == 2) {
                        Wire dim = s.message();
                        long size = 0;
                        while (dim.more()) {
                            if (dim.tag() == 1) {
                                size = dim.varint();
                            } else {
                                dim.skip();
                            }
                        }
                        dims.add(size);
                    } else if (g == 3) {
                        unknownRank = s.varint() != 0;
                    } else {
                        s.skip();
                    }
                }
                shape = unknownRank ? null : dims;
            } else {
                w.skip();
            }
        }
        return new Tensor(name, dtype, shape);
    }

    /** A protocol buffer message's bytes {@code [pos, end)}, read field by field. */
    private static final class Wire {
        private final byte[] b;
        private int pos;
        private final int end;
        private int type;

        Wire(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        /** The next field's number (its wire type kept for the read that follows). */
        int tag() {
            long key = varint();
            type = (int) (key & 7);
            return (int) (key >>> 3);
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("a number runs past the end of its message");
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("a number longer than 10 bytes");
        }

        Wire message() {
            if (type != 2) {
                throw new IllegalArgumentException("wire type " + type + " where a message was expected");
            }
            long length = varint();
            if (length < 0 || length > end - pos) {
                throw new IllegalArgumentException("a field of " + length + " bytes runs past the end of its message");
            }
            Wire w = new Wire(b, pos, pos + (int) length);
            pos += (int) length;
            return w;
        }

        String string() {
            Wire w = message();
            return new String(b, w.pos, w.end - w.pos, StandardCharsets.UTF_8);
        }

        void skip() {
            switch (type) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> message();
                case 5 -> pos += 4;
                default -> throw new IllegalArgumentException("unsupported wire type " + type);
            }
            if (pos > end) {
                throw new IllegalArgumentException("a field runs past the end of its message");
            }
        }
    }
}
