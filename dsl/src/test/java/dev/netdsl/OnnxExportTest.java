package dev.netdsl;

import static dev.netdsl.layers.Layers.avgPool2d;
import static dev.netdsl.layers.Layers.batchNorm1d;
import static dev.netdsl.layers.Layers.batchNorm2d;
import static dev.netdsl.layers.Layers.conv2d;
import static dev.netdsl.layers.Layers.dropout;
import static dev.netdsl.layers.Layers.elu;
import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.gelu;
import static dev.netdsl.layers.Layers.gru;
import static dev.netdsl.layers.Layers.hardtanh;
import static dev.netdsl.layers.Layers.identity;
import static dev.netdsl.layers.Layers.layerNorm;
import static dev.netdsl.layers.Layers.leakyRelu;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.lstm;
import static dev.netdsl.layers.Layers.maxPool2d;
import static dev.netdsl.layers.Layers.multiheadAttention;
import static dev.netdsl.layers.Layers.positionalEmbedding;
import static dev.netdsl.layers.Layers.relu;
import static dev.netdsl.layers.Layers.sequenceMean;
import static dev.netdsl.layers.Layers.sigmoid;
import static dev.netdsl.layers.Layers.sinusoidalEncoding;
import static dev.netdsl.layers.Layers.softplus;
import static dev.netdsl.layers.Layers.tanh;
import static dev.netdsl.layers.Layers.transformerEncoderLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.netdsl.layers.Layer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every built-in layer, exported with {@link Model#exportOnnx}, runs in ONNX Runtime (Java) and gives the
 * model's own outputs within 1e-5 on random inputs at batch sizes 1 and 7.
 */
class OnnxExportTest {
    /** Exports {@code m}, runs the file in ONNX Runtime on random inputs of batch 1 and 7, and compares with predict. */
    static void runsTheSameInOnnxRuntime(Model m, Path file) throws Exception {
        m.exportOnnx(file);
        keep(file);
        SplittableRandom random = new SplittableRandom(7);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertThat(session.getInputNames()).containsExactly("input");
            assertThat(session.getOutputNames()).containsExactly("output");
            for (int batch : new int[] {1, 7}) {
                int[] example = m.spec().inputShape();
                long[] shape = new long[example.length + 1];
                shape[0] = batch;
                int size = batch;
                for (int i = 0; i < example.length; i++) {
                    shape[i + 1] = example[i];
                    size *= example[i];
                }
                Tensor x;
                if (m.spec().inputType() == DType.FLOAT32) {
                    float[] v = new float[size];
                    for (int i = 0; i < size; i++) {
                        v[i] = (float) random.nextGaussian();
                    }
                    x = Tensor.of(v, toInts(shape));
                } else {
                    int[] v = new int[size];
                    for (int i = 0; i < size; i++) {
                        v[i] = random.nextInt(10);
                    }
                    x = Tensor.ofInts(v, toInts(shape));
                }
                float[] want = m.predict(x).values();
                Ran got = run(session, x);
                assertThat(got.shape()[0]).isEqualTo(batch);
                assertThat(got.values()).hasSize(want.length);
                for (int i = 0; i < want.length; i++) {
                    assertThat(got.values()[i]).as("output %d at batch %d", i, batch).isCloseTo(want[i], within(1e-5f));
                }
            }
        }
    }

    /** What a session gave: the first output's values and shape. */
    record Ran(float[] values, long[] shape) {
    }

    /**
     * {@code x} run through {@code session}'s first input and output; integer ids go in as the element type the
     * file declares (int32 from NetDSL's exports, int64 from PyTorch's).
     */
    static Ran run(OrtSession session, Tensor x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = Arrays.stream(x.shape()).asLongStream().toArray();
        String name = session.getInputNames().iterator().next();
        boolean int64 = ((TensorInfo) session.getInputInfo().get(name).getInfo()).type == OnnxJavaType.INT64;
        try (OnnxTensor in = x.dtype() == DType.FLOAT32 ? OnnxTensor.createTensor(env, FloatBuffer.wrap(x.values()), shape)
                : int64 ? OnnxTensor.createTensor(env, LongBuffer.wrap(Arrays.stream(x.ints()).asLongStream().toArray()), shape)
                : OnnxTensor.createTensor(env, IntBuffer.wrap(x.ints()), shape);
             OrtSession.Result r = session.run(Map.of(name, in))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            FloatBuffer values = out.getFloatBuffer();
            float[] v = new float[values.remaining()];
            values.get(v);
            return new Ran(v, out.getInfo().getShape());
        }
    }

    /**
     * With {@code -Dnetdsl.onnx.keep=DIR}, a copy of each exported file in DIR, for
     * {@code dsl/src/test/python/onnx_check.py} (ONNX's own checker, run by hand: it needs python3-onnx).
     */
    static void keep(Path file) throws java.io.IOException {
        String dir = System.getProperty("netdsl.onnx.keep");
        if (dir != null) {
            Path to = Path.of(dir);
            Files.createDirectories(to);
            Files.copy(file, to.resolve(file.getParent().getFileName() + "-" + file.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int[] toInts(long[] shape) {
        return Arrays.stream(shape).mapToInt(d -> (int) d).toArray();
    }

    /** A model of {@code net} after three Adam steps on random data (so running statistics are not their defaults). */
    private static Model trained(Net net) {
        Model m = net.adam(1e-2).seed(3).build();
        int[] example = net.inputShape();
        int per = Arrays.stream(example).reduce(1, (a, b) -> a * b);
        int batch = 8;
        SplittableRandom random = new SplittableRandom(5);
        float[] y = new float[batch * Arrays.stream(net.outputShape()).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) random.nextGaussian();
        }
        int[] outShape = prepend(batch, net.outputShape());
        Dataset data;
        if (net.inputType() == DType.FLOAT32) {
            float[] x = new float[batch * per];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            data = Dataset.of(Tensor.of(x, prepend(batch, example)), Tensor.of(y, outShape));
        } else {
            int[] x = new int[batch * per];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextInt(10);
            }
            data = Dataset.of(Tensor.ofInts(x, prepend(batch, example)), Tensor.of(y, outShape));
        }
        m.fit(data, 3);
        return m;
    }

    private static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static void exports(Net net, Path tmp) throws Exception {
        try (Model m = trained(net.mse())) {
            runsTheSameInOnnxRuntime(m, tmp.resolve("model.onnx"));
        }
    }

    @Test
    void every_activation_exports(@TempDir Path tmp) throws Exception {
        for (Supplier<Layer> act : java.util.List.<Supplier<Layer>>of(() -> relu(), () -> tanh(), () -> sigmoid(), () -> identity(),
                () -> hardtanh(), () -> hardtanh(-0.3, 0.4), () -> leakyRelu(0.2), () -> elu(), () -> elu(0.5), () -> gelu(),
                () -> softplus())) {
            Layer a = act.get();
            exports(Net.sequential(linear(4, 6), a, linear(6, 3)).input(4), tmp.resolve(a.typeName() + a.hashCode()));
        }
    }

    @Test
    void the_sine_mlp_exports_and_overwrites_a_file(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("sine.onnx");
        Files.writeString(file, "an older export");
        try (Model m = Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05).seed(1).build()) {
            runsTheSameInOnnxRuntime(m, file);
        }
    }

    @Test
    void a_cnn_with_batch_norm_dropout_and_both_poolings_exports(@TempDir Path tmp) throws Exception {
        exports(Net.sequential(conv2d(1, 4, 3), batchNorm2d(4), relu(), maxPool2d(2), conv2d(4, 6, 3, 2, 1), avgPool2d(2),
                dropout(0.3), flatten(), linear(6 * 2 * 2, 8), batchNorm1d(8), relu(), dropout(0.5), linear(8, 3))
                .input(1, 18, 18), tmp);
    }

    @Test
    void inferred_sizes_export_as_resolved(@TempDir Path tmp) throws Exception {
        exports(Net.sequential(conv2d(3, 3), batchNorm2d(), relu(), flatten(), linear(5), batchNorm1d(), linear(2)).input(2, 6, 6),
                tmp);
    }

    @Test
    void an_embedding_lstm_language_model_exports(@TempDir Path tmp) throws Exception {
        try (Model m = Net.sequential(embedding(10, 8), lstm(8, 12), linear(12, 10)).input(DType.INT32, 6).crossEntropy()
                .adam(1e-3).seed(2).build()) {
            runsTheSameInOnnxRuntime(m, tmp.resolve("textgen.onnx"));
        }
    }

    @Test
    void a_transformer_classifier_with_padding_masks_exports(@TempDir Path tmp) throws Exception {
        try (Model m = Net.sequential(embedding(10, 8).paddingIdx(0), sinusoidalEncoding(8),
                transformerEncoderLayer(8, 2).dimFeedforward(16).paddingMask(0), sequenceMean().paddingMask(0), linear(8, 4))
                .input(DType.INT32, 6).crossEntropy().adam(1e-3).seed(2).build()) {
            runsTheSameInOnnxRuntime(m, tmp.resolve("textclass.onnx"));
        }
    }

    @Test
    void gru_layer_norm_attention_and_learned_positions_export(@TempDir Path tmp) throws Exception {
        exports(Net.sequential(gru(3, 6).finalState(), linear(6, 1)).input(5, 3), tmp.resolve("gru"));
        exports(Net.sequential(lstm(3, 8), positionalEmbedding(5, 8), multiheadAttention(8, 2), layerNorm(8), sequenceMean(),
                linear(8, 2)).input(5, 3), tmp.resolve("attention"));
    }

    @Test
    void an_op_without_an_onnx_form_is_refused_naming_the_layer_and_op(@TempDir Path tmp) {
        try (Model m = Net.sequential(linear(2, 3), new BatchStatistics(), linear(3, 1)).input(2).mse().sgd(0.1).build()) {
            Path file = tmp.resolve("x.onnx");
            assertThatThrownBy(() -> m.exportOnnx(file)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 (BatchStatistics)").hasMessageContaining("batch_mean");
            assertThat(file).doesNotExist();
        }
    }

    /** A layer whose inference pass uses a batch statistic, which ONNX inference graphs do not have here. */
    static final class BatchStatistics implements Layer {
        @Override
        public String typeName() {
            return "test.BatchStatistics";
        }

        @Override
        public int[] outputShape(int[] input) {
            return input;
        }

        @Override
        public Expr forward(Expr x, dev.netdsl.layers.LayerContext context) {
            return x.minus(x.batchMean());
        }

        @Override
        public String toString() {
            return "BatchStatistics";
        }
    }
}
