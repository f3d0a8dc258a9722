package dev.netdsl;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Loads a SavedModel with TensorFlow's own {@link SavedModelBundle} (no NetDSL code), runs its
 * {@code serving_default} signature on one int32 or float32 input of any shape and prints the output's shape and
 * values, one per line. Run in a fresh JVM by {@link ExportTest} and {@link SequenceExportTest}.
 *
 * <p>Usage: {@code SavedModelRunner DIR INPUT_NAME OUTPUT_NAME int32|float32 D1,D2,... v1 v2 ...}
 */
public final class SavedModelRunner {
    public static void main(String[] args) {
        long[] dims = Arrays.stream(args[4].split(",")).mapToLong(Long::parseLong).toArray();
        int n = (int) Shape.of(dims).size();
        Tensor in;
        if (args[3].equals("int32")) {
            int[] x = new int[n];
            for (int i = 0; i < n; i++) {
                x[i] = Integer.parseInt(args[5 + i]);
            }
            in = TInt32.tensorOf(Shape.of(dims), DataBuffers.of(x, true, false));
        } else {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = Float.parseFloat(args[5 + i]);
            }
            in = TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(x, true, false));
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(Path.of(args[0]).toString(), "serve");
             Result out = bundle.function("serving_default").call(Map.of(args[1], in))) {
            Tensor t = out.get(args[2]).orElseThrow();
            System.out.println("SHAPE " + t.shape());
            float[] y = new float[(int) t.shape().size()];
            ((TFloat32) t).copyTo(DataBuffers.of(y, false, false));
            for (float v : y) {
                System.out.println(v);
            }
        } finally {
            in.close();
        }
    }
}
