package dev.netdsl.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * For each export directory: loads it with TensorFlow's own {@link SavedModelBundle} (no NetDSL
 * code), feeds the sample inputs from {@code assets.extra/netdsl-check.json} to
 * {@code serving_default}, and prints the largest difference from the outputs NetDSL recorded.
 * Run in a fresh JVM by {@link ExportExamplesTest}.
 *
 * <p>Usage: {@code ExportCheck DIR...}; prints {@code MAXDIFF DIR VALUE ROWSxCOLS} per directory.
 */
public final class ExportCheck {
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String arg : args) {
            Path dir = Path.of(arg);
            JsonNode check = json.readTree(dir.resolve("assets.extra").resolve("netdsl-check.json").toFile());
            Map.Entry<String, JsonNode> in = check.get("inputs").fields().next();
            Map.Entry<String, JsonNode> out = check.get("outputs").fields().next();
            float[][] x = json.treeToValue(in.getValue(), float[][].class);
            float[][] expected = json.treeToValue(out.getValue(), float[][].class);
            float[] flat = new float[x.length * x[0].length];
            for (int r = 0; r < x.length; r++) {
                System.arraycopy(x[r], 0, flat, r * x[0].length, x[0].length);
            }
            // Images go in with their example shape ([n, 1, 28, 28]); vectors as [n, width].
            long[] dims = {x.length, x[0].length};
            if (check.has("input_shape") && check.get("input_shape").size() > 1) {
                dims = new long[check.get("input_shape").size() + 1];
                dims[0] = x.length;
                for (int i = 1; i < dims.length; i++) {
                    dims[i] = check.get("input_shape").get(i - 1).asLong();
                }
            }
            try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
                 TFloat32 t = TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(flat, true, false));
                 Result result = bundle.function("serving_default").call(Map.of(in.getKey(), t))) {
                TFloat32 y = (TFloat32) result.get(out.getKey()).orElseThrow();
                double max = 0;
                for (int r = 0; r < expected.length; r++) {
                    for (int c = 0; c < expected[r].length; c++) {
                        max = Math.max(max, Math.abs(y.getFloat(r, c) - expected[r][c]));
                    }
                }
                System.out.println("MAXDIFF " + dir + " " + max + " " + y.shape().size(0) + "x" + y.shape().size(1));
            }
        }
    }
}
