package dev.netdsl.internal.onnx;

import com.google.protobuf.ByteString;
import dev.netdsl.internal.Node;
import dev.netdsl.internal.onnx.OnnxProto.AttributeProto;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;

/** Adds ONNX nodes to a {@link OnnxWriter}'s graph, each named after its op and the layer it belongs to. */
final class Ops {
    private final OnnxWriter writer;
    private final String prefix;

    Ops(OnnxWriter writer, String prefix) {
        this.writer = writer;
        this.prefix = prefix;
    }

    /** A node of {@code type} over {@code inputs}, with attributes still to add. */
    Builder node(String type, String... inputs) {
        return new Builder(type, inputs);
    }

    /** The output of a node of {@code type} over {@code inputs}, without attributes. */
    String op(String type, String... inputs) {
        return node(type, inputs).out();
    }

    /** A comparison as PyTorch's mask convention has it: 1.0 where it holds, else 0.0. */
    String mask(String type, String... inputs) {
        return node("Cast", op(type, inputs)).i("to", TensorProto.DataType.FLOAT_VALUE).out();
    }

    /** A float32 scalar constant. */
    String scalar(float value) {
        return constant(TensorProto.DataType.FLOAT_VALUE, new long[0], OnnxWriter.floats(value));
    }

    /** An int64 scalar constant (an index). */
    String index(long value) {
        return constant(TensorProto.DataType.INT64_VALUE, new long[0], OnnxWriter.longs(value));
    }

    /** An int64 vector constant (axes, a shape, slice bounds). */
    String longs(long... values) {
        return constant(TensorProto.DataType.INT64_VALUE, new long[] {values.length}, OnnxWriter.longs(values));
    }

    /** The constant of an expression's {@code CONST} node, of its element type. */
    String constant(Node n) {
        int type = OnnxWriter.elemType(n.dtype());
        ByteString raw = n.ref() instanceof int[] ints
                ? (type == TensorProto.DataType.INT64_VALUE ? OnnxWriter.longs(java.util.Arrays.stream(ints).asLongStream().toArray())
                : OnnxWriter.ints(ints))
                : OnnxWriter.floats(n.values());
        return constant(type, n.shape(), raw);
    }

    String constant(int type, long[] dims, ByteString raw) {
        String name = writer.unique(prefix + "Constant");
        writer.graph().addNode(NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(name)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(OnnxWriter.tensor("", type, dims, raw))));
        return name;
    }

    /** One node being written. */
    final class Builder {
        private final NodeProto.Builder node;

        Builder(String type, String[] inputs) {
            node = NodeProto.newBuilder().setOpType(type);
            for (String input : inputs) {
                node.addInput(input);
            }
        }

        Builder i(String name, long value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
            return this;
        }

        Builder f(String name, float value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value));
            return this;
        }

        Builder ints(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            node.addAttribute(a);
            return this;
        }

        /** Adds the node to the graph; its output's name. */
        String out() {
            String name = writer.unique(prefix + node.getOpType());
            writer.graph().addNode(node.setName(name).addOutput(name));
            return name;
        }
    }
}
