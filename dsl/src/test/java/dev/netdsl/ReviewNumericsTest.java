package dev.netdsl;

import static dev.netdsl.layers.Layers.batchNorm1d;
import static dev.netdsl.layers.Layers.batchNorm2d;
import static dev.netdsl.layers.Layers.dropout;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Var;
import dev.netdsl.layers.BatchNorm1d;
import dev.netdsl.layers.Dropout;
import dev.netdsl.layers.Module;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Checkpoint;
import dev.netdsl.training.EarlyStopping;
import dev.netdsl.training.Fit;
import dev.netdsl.training.LrSchedule;
import dev.netdsl.training.Mode;
import dev.netdsl.training.TrainingRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numeric findings of the second outside review (issue 24), each against what PyTorch 1.13 or
 * scikit-learn computed ({@code review.json}, written by {@code src/test/python/review_fixtures.py}) or
 * against the formula.
 */
class ReviewNumericsTest {
    static final JsonNode FIXTURE = read("/pytorch/review.json");

    static JsonNode read(String resource) {
        try (InputStream in = ReviewNumericsTest.class.getResourceAsStream(resource)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).doubleValue();
        }
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    private static Dataset rows(int n, int features, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[][] x = new float[n][features];
        float[][] y = new float[n][1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < features; j++) {
                x[i][j] = (float) r.nextGaussian();
            }
            y[i][0] = x[i][0] - x[i][features - 1];
        }
        return Dataset.of(x, y);
    }

    private static Net withBatchNorm() {
        return Net.sequential(linear(3, 4), batchNorm1d(4), relu(), linear(4, 1)).mse().sgd(0.1).seed(1);
    }

    // ---- 1. batch norm trained on a batch of one example -------------------------------------------------------

    @Test
    void a_fit_whose_last_batch_has_one_example_is_refused_before_any_step_and_changes_nothing() {
        Dataset nine = rows(9, 3, 1);
        try (Model m = withBatchNorm().build()) {
            List<Parameter> before = new ArrayList<>(m.parameters());
            before.addAll(m.buffers());
            assertThatThrownBy(() -> m.fit(nine, 2, 4)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("BatchNorm1d(4")
                    .hasMessageContaining("more than one value per channel when training")
                    .hasMessageContaining("9 examples in batches of 4 leave a last batch of 1")
                    .hasMessageContaining("e.g. 5");
            assertThatThrownBy(() -> m.fit(nine, Fit.epochs(1).batchSize(2).quiet())).hasMessageContaining("e.g. 3");
            List<Parameter> after = new ArrayList<>(m.parameters());
            after.addAll(m.buffers());
            for (int i = 0; i < before.size(); i++) {
                assertThat(after.get(i).values()).as(before.get(i).name()).containsExactly(before.get(i).values());
            }
            // The batch size it suggests works, and the statistics stay finite.
            m.fit(nine, 2, 5);
            for (Parameter p : m.buffers()) {
                for (float v : p.values()) {
                    assertThat(Float.isFinite(v)).as(p.name()).isTrue();
                }
            }
            for (float[] row : m.predict(nine.x())) {
                assertThat(Float.isFinite(row[0])).isTrue();
            }
        }
    }

    @Test
    void a_step_or_full_batch_fit_on_one_example_is_refused() {
        Dataset one = rows(1, 3, 2);
        try (Model m = withBatchNorm().build()) {
            assertThatThrownBy(() -> m.step(one)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("this batch has 1 example");
            assertThatThrownBy(() -> m.fit(one, 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("give it at least 2 examples");
            assertThat(m.buffers().get(1).values()).containsExactly(1, 1, 1, 1); // running_var untouched
        }
    }

    @Test
    void batch_norm_over_images_trains_on_one_image_as_pytorch_does() {
        // [1, C, 2, 2]: four values per channel, which PyTorch accepts.
        float[] x = {1, 2, 3, 4, 5, 6, 7, 9};
        try (Model m = Net.sequential(batchNorm2d(2)).input(2, 2, 2).mse().sgd(0.1).seed(1).build()) {
            m.step(Dataset.of(x, new int[] {2, 2, 2}, new float[8], 2, 2, 2));
            float[] runningVar = m.buffers().get(1).values();
            // 0.9 * 1 + 0.1 * unbiased variance of {1, 2, 3, 4} (5/3) and {5, 6, 7, 9} (35/12).
            assertThat(runningVar[0]).isCloseTo(0.9f + 0.1f * 5 / 3f, within(1e-5f));
            assertThat(runningVar[1]).isCloseTo(0.9f + 0.1f * 35 / 12f, within(1e-5f));
        }
    }

    // ---- 5. one batch norm applied to two tensors in one forward pass --------------------------------------------

    static final class Twice extends Module {
        final BatchNorm1d bn = add("bn", batchNorm1d(2));

        @Override
        public Expr forward(Expr x) {
            return bn.apply(x).plus(bn.apply(x.square()));
        }
    }

    @Test
    void a_batch_norm_applied_twice_updates_its_statistics_twice_in_order_as_pytorch() {
        JsonNode c = FIXTURE.get("bn_twice");
        Dataset data = Dataset.of(floats(c.get("x")), new int[] {2}, floats(c.get("y")), 2);
        try (Model m = Net.module(new Twice()).input(2).mse().sgd(0.1).build()) {
            float loss = m.step(data);
            assertThat(loss).isCloseTo((float) c.get("loss").doubleValue(), within(1e-5f));
            JsonNode state = c.get("state");
            List<Parameter> all = new ArrayList<>(m.parameters());
            all.addAll(m.buffers());
            assertThat(all).extracting(Parameter::name).containsExactly("bn.weight", "bn.bias", "bn.running_mean",
                    "bn.running_var", "bn.num_batches_tracked");
            for (Parameter p : all) {
                String key = p.name().substring(3);
                float[] want = floats(state.get(key));
                for (int i = 0; i < want.length; i++) {
                    assertThat(p.values()[i]).as(p.name() + "[" + i + "]").isCloseTo(want[i], within(1e-5f));
                }
            }
            float[] out = m.predict(Tensor.of(floats(c.get("x")), 6, 2)).values();
            float[] want = floats(c.get("eval_output"));
            for (int i = 0; i < want.length; i++) {
                assertThat(out[i]).as("eval output %d", i).isCloseTo(want[i], within(1e-5f));
            }
        }
    }

    // ---- 6. one dropout applied twice ------------------------------------------------------------------------------

    static final class Difference extends Module {
        final Dropout d = add("d", dropout(0.5));

        @Override
        public Expr forward(Expr x) {
            return d.apply(x).minus(d.apply(x));
        }
    }

    @Test
    void a_dropout_applied_twice_draws_two_masks() {
        // Ones in, zeros as targets: each element of d(x) - d(x) is 0 or +-2 (1/(1-p) with p = 0.5), so the squared
        // error's mean is 4 * P(masks differ) = 4 * 2p(1-p) = 2. One shared mask gives exactly 0.
        int n = 100;
        int width = 100;
        float[] ones = new float[n * width];
        java.util.Arrays.fill(ones, 1f);
        Dataset data = Dataset.of(ones, new int[] {width}, new float[n * width], width);
        try (Model m = Net.module(new Difference()).input(width).mse().sgd(0.1).seed(3).build()) {
            float training = m.step(data);
            assertThat(training).isCloseTo(2f, within(0.15f)); // 10,000 draws: the mean's standard deviation is 0.02
            assertThat(m.loss(data)).isZero(); // inference: dropout passes the input through
        }
    }

    // ---- 8. BCE with logits at confident logits ---------------------------------------------------------------------

    @Test
    void bce_with_logits_is_accurate_at_confident_logits_with_pytorchs_derivative() {
        JsonNode c = FIXTURE.get("bce");
        float[] z = floats(c.get("z"));
        float[] y = floats(c.get("y"));
        try (Autograd ag = Autograd.open()) {
            Var logits = ag.variable("z", z);
            Expr loss = logits.bceWithLogits(Expr.constant(y));
            float[] values = ag.eval(loss);
            float[] grad = ag.gradient(loss.sum(), logits);
            for (int i = 0; i < z.length; i++) {
                double want = c.get("loss_float64").get(i).doubleValue();
                // Relative to the true (float64) value: at z = 15, y = 1 it is 3.06e-7, which softplus(z) - z*y made 0.
                assertThat((double) values[i]).as("z %s, y %s", z[i], y[i]).isCloseTo(want, within(1e-6 * Math.abs(want) + 1e-12));
                assertThat((double) grad[i]).as("d/dz at z %s, y %s", z[i], y[i])
                        .isCloseTo(c.get("grad").get(i).doubleValue(), within(1e-6));
            }
        }
    }

    // ---- 2, 3. R² per output, two-pass ---------------------------------------------------------------------------

    /** Predictions as a model's outputs: an identity Linear on them. */
    private static Model identity(int width, boolean classes) {
        Net net = Net.sequential(linear(width, width));
        Model m = (classes ? net.crossEntropy() : net.mse()).sgd(0.1).build();
        float[] eye = new float[width * width];
        for (int i = 0; i < width; i++) {
            eye[i * width + i] = 1;
        }
        m.setParameters(List.of(new Parameter("0.weight", List.of(width, width), eye),
                new Parameter("0.bias", List.of(width), new float[width])));
        return m;
    }

    @Test
    void r2_is_per_output_then_averaged_and_two_pass_as_sklearn() {
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) FIXTURE.get("r2")::fields) {
            JsonNode c = e.getValue();
            float[] y = floats(c.get("y"));
            float[] pred = floats(c.get("pred"));
            int width = e.getKey().startsWith("constant") || e.getKey().startsWith("large") ? 1 : 3;
            try (Model m = identity(width, false)) {
                double r2 = m.evaluate(Dataset.of(pred, new int[] {width}, y, width)).r2();
                assertThat(r2).as(e.getKey()).isCloseTo(c.get("r2").doubleValue(), within(1e-6));
            }
        }
    }

    // ---- 4. macro F1 over the classes that occur ------------------------------------------------------------------

    @Test
    void macro_f1_leaves_out_classes_that_are_neither_labels_nor_predictions_as_sklearn() {
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) FIXTURE.get("macro_f1")::fields) {
            JsonNode c = e.getValue();
            int classes = c.get("classes").intValue();
            int n = c.get("labels").size();
            float[] x = new float[n * classes];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                x[i * classes + c.get("pred").get(i).intValue()] = 1;
                labels[i] = c.get("labels").get(i).intValue();
            }
            try (Model m = identity(classes, true)) {
                assertThat(m.evaluate(Dataset.of(x, labels, classes)).macroF1()).as(e.getKey())
                        .isCloseTo(c.get("macro_f1").doubleValue(), within(1e-12));
            }
        }
    }

    // ---- 7. warmup chained with cosine annealing to a floor ---------------------------------------------------------

    @Test
    void warmup_chained_with_cosine_and_a_floor_gives_pytorchs_rates() {
        record Case(String key, LrSchedule schedule) {
        }
        for (Case k : List.of(new Case("warmup_8_cosine_6_min_0.02", LrSchedule.warmup(8, LrSchedule.cosine(6).minLr(0.02))),
                new Case("warmup_4_cosine_5", LrSchedule.warmup(4, LrSchedule.cosine(5))))) {
            JsonNode c = FIXTURE.get("schedules").get(k.key());
            JsonNode expected = c.get("rates");
            int batches = c.get("batches").intValue();
            List<Double> rates = new ArrayList<>();
            Callback recorder = new Callback() {
                @Override
                public void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
                    rates.add(run.learningRate());
                }
            };
            try (Model m = Net.of(1, 1).mse().sgd(0.1).seed(3).build()) {
                m.fit(rows(batches, 1, 4), Fit.epochs(expected.size() / batches).batchSize(1).callbacks(recorder, k.schedule())
                        .quiet());
            }
            assertThat(rates).hasSize(expected.size());
            for (int i = 0; i < rates.size(); i++) {
                double want = expected.get(i).doubleValue();
                assertThat(rates.get(i)).as("%s, step %d", k.key(), i + 1).isCloseTo(want, within(1e-12 + 1e-12 * want));
            }
        }
    }

    // ---- also seen: the direction of a monitored number ----------------------------------------------------------------

    /** Puts a made-up {@code val_auc} into each epoch's numbers: 0.5, 0.6, 0.7, ... */
    private static Callback auc() {
        return new Callback() {
            @Override
            public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
                logs.put("val_auc", 0.4 + 0.1 * epoch);
            }
        };
    }

    @Test
    void early_stopping_plateau_and_checkpoint_take_an_explicit_mode_and_refuse_to_guess_an_unknown_name(@TempDir Path dir) {
        Dataset data = rows(8, 1, 5);
        try (Model m = Net.of(1, 1).mse().sgd(0.01).seed(3).build()) {
            // AUC rises every epoch: maximised, nothing stops; minimised, it stops after epoch 2.
            EarlyStopping max = EarlyStopping.on("val_auc").patience(1).mode(Mode.MAX);
            assertThat(m.fit(data, Fit.epochs(4).batchSize(4).callbacks(auc(), max).quiet()).epochs()).hasSize(4);
            assertThat(max.stoppedEpoch()).isZero();
            EarlyStopping min = EarlyStopping.on("val_auc").patience(1).mode(Mode.MIN);
            assertThat(m.fit(data, Fit.epochs(4).batchSize(4).callbacks(auc(), min).quiet()).epochs()).hasSize(2);
            // "auc" is a name NetDSL knows to maximise.
            EarlyStopping inferred = EarlyStopping.on("val_auc").patience(1);
            assertThat(m.fit(data, Fit.epochs(3).batchSize(4).callbacks(auc(), inferred).quiet()).epochs()).hasSize(3);
            // A name that says neither is refused before training, asking for the mode.
            assertThatThrownBy(() -> m.fit(data, Fit.epochs(2).callbacks(EarlyStopping.on("val_kappa")).quiet()))
                    .hasMessageContaining("EarlyStopping.on(\"val_kappa\")").hasMessageContaining(".mode(Mode.MAX)");
            assertThatThrownBy(() -> m.fit(data, Fit.epochs(2).callbacks(LrSchedule.onPlateau("kappa", 0.5, 1)).quiet()))
                    .hasMessageContaining("LrSchedule.onPlateau(\"kappa\"").hasMessageContaining(".mode(Mode.MIN)");
            Checkpoint best = Checkpoint.best(dir.resolve("best.netdsl"), "val_auc").mode(Mode.MIN);
            m.fit(data, Fit.epochs(3).batchSize(4).callbacks(auc(), best).quiet());
            assertThat(best.saves()).isEqualTo(1); // only the first epoch: AUC only rose
            LrSchedule plateau = LrSchedule.onPlateau("val_auc", 0.5, 0).mode(Mode.MAX);
            assertThat(m.fit(data, Fit.epochs(3).batchSize(4).callbacks(auc(), plateau).quiet()).epochs())
                    .extracting(e -> e.get("lr")).containsOnly(0.01);
        }
    }
}
