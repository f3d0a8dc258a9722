package dev.netdsl;

import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Loads a SavedModel with TensorFlow's own {@link SavedModelBundle} (no NetDSL code), runs its
 * {@code serving_default} signature on one float input and prints the output values, one per line.
 * Run in a fresh JVM by {@link ExportTest}.
 *
 * <p>Usage: {@code SavedModelRunner DIR INPUT_NAME OUTPUT_NAME ROWS COLS v1 v2 ...}
 */
public final class SavedModelRunner {
    public static void main(String[] args) {
        int rows = Integer.parseInt(args[3]);
        int cols = Integer.parseInt(args[4]);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.parseFloat(args[5 + i]);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(Path.of(args[0]).toString(), "serve");
             TFloat32 in = TFloat32.tensorOf(Shape.of(rows, cols), DataBuffers.of(x, true, false));
             Result out = bundle.function("serving_default").call(Map.of(args[1], in))) {
            Tensor t = out.get(args[2]).orElseThrow();
            System.out.println("SHAPE " + t.shape());
            float[] y = new float[(int) t.shape().size()];
            ((TFloat32) t).copyTo(DataBuffers.of(y, false, false));
            for (float v : y) {
                System.out.println(v);
            }
        }
    }
}
