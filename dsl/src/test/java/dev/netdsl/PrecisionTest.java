package dev.netdsl;

import static dev.netdsl.layers.Layers.conv2d;
import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.maxPool2d;
import static dev.netdsl.layers.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * {@link Precision#BF16}: matrix multiplies and convolutions in bfloat16, float32 weights, files and exports; and the
 * float32 fallback on a CPU without bfloat16 (simulated with the {@code netdsl.cpu.bf16} property).
 */
class PrecisionTest {
    @AfterEach
    void clear() {
        System.clearProperty("netdsl.cpu.bf16");
    }

    /** Three classes of points around three centres, 2 features, noisy enough that no net gets them all. */
    static Dataset blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][2];
        int[] y = new int[n];
        double[][] centres = {{0, 1.5}, {1.3, -0.75}, {-1.3, -0.75}};
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            x[i][0] = (float) (centres[y[i]][0] + 0.8 * r.nextGaussian());
            x[i][1] = (float) (centres[y[i]][1] + 0.8 * r.nextGaussian());
        }
        return Dataset.of(x, y);
    }

    /** 8x8 images holding one bright bar, horizontal (class 0) or vertical (class 1), on noise. */
    static Dataset bars(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            int at = r.nextInt(8);
            for (int p = 0; p < 64; p++) {
                int row = p / 8;
                int col = p % 8;
                x[i * 64 + p] = (float) (0.5 * r.nextGaussian() + ((y[i] == 0 ? row : col) == at ? 1 : 0));
            }
        }
        return Dataset.of(x, y, 1, 8, 8);
    }

    static Net mlp() {
        return Net.of(2, 32, 32, 3).relu().crossEntropy().adam(0.01).seed(3);
    }

    static Net cnn() {
        return Net.sequential().add("conv", conv2d(1, 8, 3, 1, 1)).add("relu", relu()).add("pool", maxPool2d(2)).add("flat", flatten())
                .add("fc", linear(8 * 4 * 4, 2)).input(1, 8, 8).crossEntropy().adam(0.01).seed(5);
    }

    @Test
    void bf16_is_part_of_the_spec_and_of_saved_files() {
        Net net = mlp().precision(Precision.BF16);
        assertThat(net.precision()).isEqualTo(Precision.BF16);
        assertThat(mlp().precision()).isEqualTo(Precision.FLOAT32);
        assertThat(net.toString()).endsWith(".seed(3).precision(Precision.BF16)");
        assertThat(net).isNotEqualTo(mlp()).isEqualTo(mlp().precision(Precision.BF16));
        assertThat(net.sgd(0.1).precision()).isEqualTo(Precision.BF16);
        assertThat(Net.of(2, 4, 1).precision(Precision.BF16).tanh().precision()).isEqualTo(Precision.BF16);
        assertThat(Precision.fromName("bfloat16")).isEqualTo(Precision.BF16);
        assertThat(Precision.fromName("float32")).isEqualTo(Precision.FLOAT32);
    }

    @Test
    void products_run_in_bfloat16_and_the_weights_stay_float32(@TempDir Path dir) throws Exception {
        System.setProperty("netdsl.cpu.bf16", "true");
        Dataset test = blobs(300, 2);
        float[][] x = new float[50][];
        for (int i = 0; i < 50; i++) {
            x[i] = new float[] {(float) Math.sin(i), (float) Math.cos(3 * i)};
        }
        try (Model f32 = mlp().build(); Model bf16 = mlp().precision(Precision.BF16).build()) {
            assertThat(bf16.precision()).isEqualTo(Precision.BF16);
            assertThat(bf16.summary()).contains("Precision: bf16");
            assertThat(f32.summary()).doesNotContain("Precision");
            // Same seed, same float32 weights; outputs differ by bfloat16's rounding (8 bits of mantissa), not more.
            assertThat(bf16.parameters().get(0).values()).containsExactly(f32.parameters().get(0).values());
            float[][] a = f32.predict(x);
            float[][] b = bf16.predict(x);
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < 3; j++) {
                    worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
                    scale = Math.max(scale, Math.abs(a[i][j]));
                }
            }
            assertThat(worst).as("bfloat16 products change the outputs").isGreaterThan(1e-5 * scale);
            assertThat(worst).as("by bfloat16's rounding only").isLessThan(0.05 * scale);

            // Trained, bf16 reaches float32's accuracy on held-out points (the classes overlap: ~0.9 is the best there is).
            f32.fit(blobs(600, 1), 30, 50);
            bf16.fit(blobs(600, 1), 30, 50);
            double accF32 = f32.evaluate(test).accuracy();
            double accBf16 = bf16.evaluate(test).accuracy();
            assertThat(accF32).isGreaterThan(0.8);
            assertThat(accBf16).isCloseTo(accF32, org.assertj.core.api.Assertions.within(0.03));

            // Files and exports are float32: reopened it is a bf16 model again with the same weights; a SavedModel and
            // an ONNX file compute in float32 (a float32 model with these weights gives their outputs to 1e-5).
            bf16.saveAll(dir.resolve("m.netdsl"));
            try (Model back = Model.open(dir.resolve("m.netdsl"))) {
                assertThat(back.precision()).isEqualTo(Precision.BF16);
                assertThat(back.predict(x)).isDeepEqualTo(bf16.predict(x));
            }
            // PyTorch interchange is float32 too: safetensors (torch's F32) a float32 model loads exactly.
            bf16.save(dir.resolve("w.safetensors"));
            f32.load(dir.resolve("w.safetensors"));
            for (int i = 0; i < bf16.parameters().size(); i++) {
                assertThat(f32.parameters().get(i).values()).containsExactly(bf16.parameters().get(i).values());
            }
            float[][] exact = f32.predict(x);
            bf16.exportSavedModel(dir.resolve("saved"));
            float[] flat = new float[100];
            for (int i = 0; i < 50; i++) {
                flat[2 * i] = x[i][0];
                flat[2 * i + 1] = x[i][1];
            }
            try (SavedModelBundle bundle = SavedModelBundle.load(dir.resolve("saved").toString(), "serve");
                 TFloat32 in = TFloat32.tensorOf(Shape.of(50, 2), DataBuffers.of(flat, true, false));
                 Result out = bundle.function("serving_default").call(Map.of("x", in))) {
                TFloat32 y = (TFloat32) out.get("y").orElseThrow();
                for (int i = 0; i < 50; i++) {
                    for (int j = 0; j < 3; j++) {
                        assertThat(y.getFloat(i, j)).isCloseTo(exact[i][j], org.assertj.core.api.Assertions.within(1e-5f));
                    }
                }
            }
            bf16.exportOnnx(dir.resolve("m.onnx"));
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(dir.resolve("m.onnx").toString())) {
                float[] onnx = OnnxExportTest.run(session, Tensor.of(flat, 50, 2)).values();
                for (int i = 0; i < 50; i++) {
                    for (int j = 0; j < 3; j++) {
                        assertThat(onnx[3 * i + j]).isCloseTo(exact[i][j], org.assertj.core.api.Assertions.within(1e-5f));
                    }
                }
            }
        }
    }

    @Test
    void a_cnn_trains_in_bfloat16_to_its_float32_accuracy() {
        System.setProperty("netdsl.cpu.bf16", "true");
        Dataset test = bars(200, 9);
        try (Model f32 = cnn().build(); Model bf16 = cnn().precision(Precision.BF16).build()) {
            // The convolution (and the Linear after it) in bfloat16: outputs off by its rounding, not more.
            Tensor images = bars(20, 4).xTensor();
            float[] a = f32.predict(images).values();
            float[] b = bf16.predict(images).values();
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
                scale = Math.max(scale, Math.abs(a[i]));
            }
            assertThat(worst).isGreaterThan(1e-5 * scale).isLessThan(0.05 * scale);
            f32.fit(bars(400, 8), 8, 40);
            bf16.fit(bars(400, 8), 8, 40);
            double accF32 = f32.evaluate(test).accuracy();
            assertThat(accF32).isGreaterThan(0.9);
            assertThat(bf16.evaluate(test).accuracy()).isCloseTo(accF32, org.assertj.core.api.Assertions.within(0.03));
        }
    }

    @Test
    void without_bfloat16_instructions_the_model_says_so_and_computes_in_float32() {
        System.setProperty("netdsl.cpu.bf16", "false");
        float[][] x = {{0.3f, -1.2f}, {2f, 0.5f}};
        try (Model f32 = mlp().build(); Model asked = mlp().precision(Precision.BF16).build()) {
            assertThat(asked.precision()).isEqualTo(Precision.FLOAT32);
            assertThat(asked.summary()).contains("Precision: float32 (bf16 asked, but this CPU has no bfloat16 instructions)");
            assertThat(asked.predict(x)).isDeepEqualTo(f32.predict(x));
        }
    }
}
