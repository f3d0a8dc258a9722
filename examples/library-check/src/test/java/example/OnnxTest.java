package example;

import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.netdsl.DType;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Tensor;
import dev.netdsl.models.Cnn;
import dev.netdsl.models.Mlp;
import dev.netdsl.models.MnistMlp;
import dev.netdsl.models.Planar;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ONNX export as a user sees it: the layers defined here (PReLU, Embedding) and the examples' nets export with
 * {@code model.exportOnnx} and ONNX Runtime computes what {@code model.predict} does, at batch sizes 1 and 7.
 */
class OnnxTest {

    private static void sameInOnnxRuntime(Net spec) throws Exception {
        Path file = Files.createTempDirectory("onnx").resolve("model.onnx");
        SplittableRandom random = new SplittableRandom(11);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (Model model = spec.seed(4).build()) {
            model.exportOnnx(file);
            try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
                for (int batch : new int[] {1, 7}) {
                    int[] shape = new int[spec.inputShape().length + 1];
                    shape[0] = batch;
                    System.arraycopy(spec.inputShape(), 0, shape, 1, shape.length - 1);
                    long[] dims = Arrays.stream(shape).asLongStream().toArray();
                    int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                    Tensor x;
                    OnnxTensor in;
                    if (spec.inputType() == DType.INT32) {
                        int[] ids = random.ints(size, 0, 10).toArray();
                        x = Tensor.ofInts(ids, shape);
                        in = OnnxTensor.createTensor(env, IntBuffer.wrap(ids), dims);
                    } else {
                        float[] v = new float[size];
                        for (int i = 0; i < size; i++) {
                            v[i] = (float) random.nextGaussian();
                        }
                        x = Tensor.of(v, shape);
                        in = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), dims);
                    }
                    float[] want = model.predict(x).values();
                    try (in; OrtSession.Result r = session.run(Map.of("input", in))) {
                        FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
                        float[] got = new float[out.remaining()];
                        out.get(got);
                        assertEquals(want.length, got.length);
                        for (int i = 0; i < want.length; i++) {
                            assertEquals(want[i], got[i], 1e-5f, spec + ": output " + i + " at batch " + batch);
                        }
                    }
                }
            }
        }
    }

    @Test
    void layers_defined_outside_the_library_export_with_no_export_code() throws Exception {
        sameInOnnxRuntime(Net.sequential(linear(3, 5), new PReLU(5, 0.25), linear(5, 2)).input(3).mse().sgd(0.1));
        sameInOnnxRuntime(Net.sequential(new Embedding(10, 3), flatten(), linear(12, 2)).input(DType.INT32, 4).crossEntropy()
                .adam(0.05));
    }

    @Test
    void the_examples_nets_export() throws Exception {
        sameInOnnxRuntime(Mlp.sineRegressor(new int[] {1, 20, 50, 20, 1}, 0.05));
        sameInOnnxRuntime(Planar.sequential().input(2).bceWithLogits().sgd(1.0));
        sameInOnnxRuntime(Net.module(new Planar.ModuleNet(2, 4, 1)).bceWithLogits().sgd(1.0));
        sameInOnnxRuntime(MnistMlp.sequential(false).input(784).crossEntropy().sgd(0.1));
        sameInOnnxRuntime(Cnn.mnist().crossEntropy().adam(1e-3));
    }

    @Test
    void an_export_names_its_input_output_and_pytorch_parameters() throws Exception {
        Path file = Files.createTempDirectory("onnx").resolve("model.onnx");
        try (Model model = Planar.sequential().input(2).bceWithLogits().sgd(1.0).build()) {
            model.exportOnnx(file);
        }
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertEquals("input", session.getInputNames().iterator().next());
            assertEquals("output", session.getOutputNames().iterator().next());
            assertArrayEquals(new long[] {-1, 2},
                    ((ai.onnxruntime.TensorInfo) session.getInputInfo().get("input").getInfo()).getShape());
        }
    }
}
