package dev.netdsl.io;

import dev.netdsl.internal.onnx.OnnxProto.GraphProto;
import dev.netdsl.internal.onnx.OnnxProto.ModelProto;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What an ONNX file holds, read without running anything it names ({@code ./netdsl inspect model.onnx}). */
public final class OnnxFiles {
    private OnnxFiles() {
    }

    /**
     * An ONNX model's outline.
     *
     * @param irVersion the IR version it declares
     * @param opsets each imported operator set's domain ({@code ai.onnx} for the default) and version
     * @param producer the program that wrote it, with its version
     * @param inputs the graph's inputs that are not initializers: {@code input: float [batch, 2]}
     * @param outputs the graph's outputs
     * @param ops how many nodes of each op type, in order of first use
     * @param initializers each initializer's name, shape, element type and value range
     */
    public record Info(long irVersion, Map<String, Long> opsets, String producer, List<String> inputs, List<String> outputs,
                       Map<String, Integer> ops, List<TensorFiles.TensorInfo> initializers) {
    }

    /**
     * Reads {@code file}'s outline.
     *
     * @throws IllegalArgumentException naming the file and the problem if it is missing, truncated or not ONNX
     */
    public static Info inspect(Path file) {
        ModelProto model = OnnxReader.read(file);
        GraphProto g = model.getGraph();
        Map<String, Long> opsets = new LinkedHashMap<>();
        model.getOpsetImportList().forEach(o -> opsets.put(o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(), o.getVersion()));
        Set<String> constants = new TreeSet<>();
        g.getInitializerList().forEach(t -> constants.add(t.getName()));
        List<String> inputs = new ArrayList<>();
        g.getInputList().stream().filter(v -> !constants.contains(v.getName())).forEach(v -> inputs.add(OnnxReader.describe(v)));
        List<String> outputs = new ArrayList<>();
        g.getOutputList().forEach(v -> outputs.add(OnnxReader.describe(v)));
        Map<String, Integer> ops = new LinkedHashMap<>();
        for (NodeProto n : g.getNodeList()) {
            ops.merge(n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType(), 1, Integer::sum);
        }
        List<TensorFiles.TensorInfo> tensors = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            List<Integer> shape = Arrays.stream(OnnxReader.dims(t)).mapToInt(d -> (int) d).boxed().toList();
            String type = OnnxReader.typeName(t.getDataType());
            double min = Double.NaN;
            double max = Double.NaN;
            double sum = 0;
            double[] values;
            try {
                values = OnnxReader.values(t, file.toString());
            } catch (IllegalArgumentException e) {
                values = new double[0]; // external data or an unread type: listed without a range
            }
            for (double v : values) {
                min = Double.isNaN(min) ? v : Math.min(min, v);
                max = Double.isNaN(max) ? v : Math.max(max, v);
                sum += v;
            }
            tensors.add(new TensorFiles.TensorInfo(t.getName(), shape, type, min, values.length == 0 ? Double.NaN : sum / values.length,
                    max));
        }
        String producer = (model.getProducerName() + " " + model.getProducerVersion()).trim();
        return new Info(model.getIrVersion(), opsets, producer, inputs, outputs, ops, tensors);
    }
}
