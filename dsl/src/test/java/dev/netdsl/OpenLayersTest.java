package dev.netdsl;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.tanh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.layers.Initializers;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.LayerContext;
import dev.netdsl.layers.ParameterSpec;
import dev.netdsl.layers.Settings;
import dev.netdsl.training.Callback;
import dev.netdsl.training.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Layers written against the open interface: parameters, buffers, training mode, randomness, callbacks. */
class OpenLayersTest {

    /** Training: x + s * (u - 0.5) with fresh noise u each step; inference: x. Like a dropout, but additive. */
    static final class Noise implements Layer {
        final double scale;

        Noise(double scale) {
            this.scale = scale;
        }

        @Override
        public String typeName() {
            return "Noise";
        }

        @Override
        public int[] outputShape(int[] input) {
            return input;
        }

        @Override
        public Expr forward(Expr x, LayerContext context) {
            return context.training() ? x.plus(context.uniform(x).minus(0.5).times(scale)) : x;
        }
    }

    /** Scales each feature by a learned gain, and keeps the running mean of its input as a buffer. */
    static final class GainWithMean implements Layer {
        final int features;

        GainWithMean(int features) {
            this.features = features;
        }

        @Override
        public String typeName() {
            return "GainWithMean";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.of("gain", Initializers.constant(1), features));
        }

        @Override
        public List<ParameterSpec> buffers() {
            return List.of(ParameterSpec.of("running_mean", Initializers.zeros(), features));
        }

        @Override
        public int[] outputShape(int[] input) {
            if (input.length != 1 || input[0] != features) {
                throw new IllegalArgumentException(this + " needs " + features + " features");
            }
            return input;
        }

        @Override
        public Expr forward(Expr x, LayerContext context) {
            if (context.training()) {
                // running_mean <- 0.9 running_mean + 0.1 batch mean, after each step
                context.update("running_mean", context.parameter("running_mean").times(0.9).plus(x.mean(0).times(0.1)));
            }
            return x.times(context.parameter("gain"));
        }

        @Override
        public String toString() {
            return "GainWithMean(" + features + ")";
        }
    }

    private static Dataset line() {
        float[][] x = new float[32][1];
        float[][] y = new float[32][1];
        for (int i = 0; i < 32; i++) {
            x[i][0] = -1 + 2f * i / 31;
            y[i][0] = 0.5f * x[i][0] + 0.25f;
        }
        return Dataset.of(x, y);
    }

    @Test
    void a_layer_of_its_own_declares_parameters_and_buffers_that_train_and_update() {
        Dataset data = line();
        try (Model m = Net.sequential(linear(1, 3), new GainWithMean(3), linear(3, 1)).mse().sgd(0.1).seed(1).build()) {
            assertThat(m.parameters()).extracting(Parameter::toString).containsExactly("0.weight [3, 1]", "0.bias [3]",
                    "1.gain [3]", "2.weight [1, 3]", "2.bias [1]");
            assertThat(m.buffers()).extracting(Parameter::toString).containsExactly("1.running_mean [3]");
            m.fit(data, 50);
            assertThat(m.layer(1).parameter("gain").values()).isNotEqualTo(new float[] {1, 1, 1});
            // The buffer moved towards the batch mean of its input, and only training moves it.
            float[] mean = m.buffers().get(0).values();
            assertThat(mean).isNotEqualTo(new float[3]);
            m.predict(data.x());
            m.loss(data);
            assertThat(m.buffers().get(0).values()).containsExactly(mean);
        }
    }

    @Test
    void randomness_belongs_to_training_only_and_is_keyed_by_seed_and_step() {
        Dataset data = line();
        Net spec = Net.sequential(linear(1, 8), new Noise(0.5), tanh(), linear(8, 1)).mse().sgd(0.05).seed(3);
        try (Model a = spec.build(); Model b = spec.build()) {
            // Inference sees no noise: predict is a pure function of the weights.
            assertThat(a.predict(data.x())).isDeepEqualTo(a.predict(data.x()));
            float clean = a.loss(data);
            assertThat(a.loss(data)).isEqualTo(clean);
            // The same seed gives the same noise at the same step: two models train identically.
            float[] lossesA = a.fit(data, 20).losses();
            float[] lossesB = b.fit(data, 20).losses();
            assertThat(lossesA).containsExactly(lossesB);
            // And the noise differs from step to step (a step's training loss differs from the clean loss).
            float step21 = a.step(data);
            assertThat(step21).isNotEqualTo(a.loss(data));
        }
    }

    @Test
    void a_rollback_replays_noisy_steps_exactly() {
        Dataset data = line();
        Dataset huge = Dataset.of(new float[][] {{1e30f}}, new float[][] {{1e30f}});
        try (Model m = Net.sequential(linear(1, 8), new Noise(0.5), tanh(), linear(8, 1)).mse().adam(0.01).seed(3).build()) {
            List<List<Parameter>> after = new ArrayList<>();
            after.add(m.parameters());
            for (int i = 0; i < 45; i++) {
                m.step(data);
                after.add(m.parameters());
            }
            assertThatThrownBy(() -> m.step(huge)).isInstanceOf(TrainingDivergedException.class);
            assertThat(m.parameters()).usingRecursiveComparison().isEqualTo(after.get(44));
        }
    }

    @Test
    void callbacks_see_every_event_run_outside_the_lock_and_can_stop_training() {
        Dataset data = line();
        List<String> events = new ArrayList<>();
        try (Model m = Net.of(1, 4, 1).mse().sgd(0.1).seed(1).build().progress(false)) {
            Callback recorder = new Callback() {
                @Override
                public void onTrainBegin(TrainingRun run) {
                    events.add("begin " + run.epochs());
                }

                @Override
                public void onEpochBegin(TrainingRun run, int epoch) {
                    events.add("epoch " + epoch);
                }

                @Override
                public void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
                    // Outside the model's lock: reading the model from here works.
                    run.model().predict(new float[][] {{0f}});
                    events.add("batch " + epoch + "." + batch);
                    if (run.stepsTaken() == 6) {
                        run.stop();
                    }
                }

                @Override
                public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
                    events.add("end " + epoch);
                }

                @Override
                public void onTrainEnd(TrainingRun run, History h) {
                    events.add("done " + h.steps());
                }
            };
            History h = m.fit(data, 10, 8, recorder);
            assertThat(h.steps()).isEqualTo(6);
            assertThat(m.stepsTaken()).isEqualTo(6);
            assertThat(events).containsExactly("begin 10", "epoch 1", "batch 1.1", "batch 1.2", "batch 1.3", "batch 1.4",
                    "end 1", "epoch 2", "batch 2.1", "batch 2.2", "end 2", "done 6");
        }
    }

    @Test
    void examples_of_any_shape_go_in_and_come_out_shaped() {
        // A net over 2x3 examples: a layer of its own that flattens them, then a Linear.
        Layer flat = new Layer() {
            @Override
            public String typeName() {
                return "Flat";
            }

            @Override
            public int[] outputShape(int[] input) {
                return new int[] {input[0] * input[1]};
            }

            @Override
            public Expr forward(Expr x, LayerContext context) {
                return x.reshape(-1, 6);
            }
        };
        float[] pixels = new float[4 * 6];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 7) / 7f;
        }
        Dataset images = Dataset.of(pixels, new int[] {0, 1, 2, 1}, 2, 3);
        assertThat(images.exampleShape()).containsExactly(2, 3);
        assertThat(images.toString()).isEqualTo("Dataset[4 x [2, 3], labels]");
        try (Model m = Net.sequential(flat, linear(6, 3)).input(2, 3).crossEntropy().adam(0.05).seed(2).build()) {
            float before = m.loss(images);
            m.fit(images, 30);
            assertThat(m.loss(images)).isLessThan(before);
            Tensor out = m.predict(images.xTensor());
            assertThat(out.shape()).containsExactly(4, 3);
            assertThat(out.get(0, 2)).isEqualTo(m.predict(Tensor.of(pixels, 4, 2, 3)).get(0, 2));
            assertThatThrownBy(() -> m.predict(Tensor.of(new float[6], 1, 6))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("takes [n, 2, 3]");
        }
        // A Linear that does not fit what comes before it is named, with both shapes.
        assertThatThrownBy(() -> Net.sequential(flat, linear(5, 3)).input(2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 1 '1' Linear(in_features=5, out_features=3) expects 5 inputs but layer 0 '0' gives 6");
        assertThatThrownBy(() -> Net.sequential(flat, linear(6, 3)).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("state the example shape, e.g. .input(1, 28, 28)");
        assertThat(Net.sequential(flat, linear(6, 3)).input(2, 3).toString()).contains(".input(2, 3)");
    }

    @Test
    void settings_round_trip_and_print_like_pytorch() {
        Settings s = Settings.of("kernel_size", new int[] {3, 3}, "momentum", 0.1, "affine", true, "mode", "zeros");
        assertThat(s.getInts("kernel_size")).containsExactly(3, 3);
        assertThat(s.getDouble("momentum")).isCloseTo(0.1, within(0.0));
        assertThat(s.toString()).isEqualTo("kernel_size=(3, 3), momentum=0.1, affine=true, mode='zeros'");
        assertThat(Settings.of("n", 2)).isEqualTo(Settings.of("n", 2.0));
        assertThatThrownBy(() -> s.getInt("missing")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setting missing is missing");
    }
}
