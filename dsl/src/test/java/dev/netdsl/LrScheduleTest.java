package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Checkpoint;
import dev.netdsl.training.Fit;
import dev.netdsl.training.LrSchedule;
import dev.netdsl.training.Optimizers;
import dev.netdsl.training.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each schedule's learning rate, epoch by epoch (warmup: step by step), against the rates PyTorch 1.13's
 * schedulers gave (dsl/src/test/python/training_fixtures.py), and the rate really reaching the update.
 */
class LrScheduleTest {
    static final JsonNode SCHEDULES = OptimizerOptionsTest.FIXTURE.get("schedules");

    /** Three examples: three batches of one per epoch. */
    static Dataset three() {
        return Dataset.of(new float[][] {{0.5f}, {-1f}, {2f}}, new float[][] {{1f}, {-2f}, {4f}});
    }

    static Stream<Arguments> epochSchedules() {
        return Stream.of(Arguments.of("step_3_0.5", LrSchedule.step(3, 0.5), null),
                Arguments.of("cosine_10", LrSchedule.cosine(10), null),
                Arguments.of("cosine_6_min_0.001", LrSchedule.cosine(6).minLr(0.001), null),
                Arguments.of("plateau_val_loss_0.5_1", LrSchedule.onPlateau("val_loss", 0.5, 1), "val_loss"),
                Arguments.of("plateau_val_accuracy_0.1_2_min_0.002", LrSchedule.onPlateau("val_accuracy", 0.1, 2).minLr(0.002),
                        "val_accuracy"));
    }

    /** Puts the fixture's metric of each epoch into the epoch's numbers, for a plateau schedule after it. */
    static Callback crafted(String key, JsonNode values) {
        return new Callback() {
            @Override
            public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
                logs.put(key, values.get(epoch - 1).doubleValue());
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("epochSchedules")
    void the_rate_of_each_epoch_is_pytorchs(String name, LrSchedule schedule, String monitor) {
        JsonNode expected = SCHEDULES.get(name).get("rates");
        Callback metric = monitor == null ? new Callback() { } : crafted(monitor, SCHEDULES.get(name).get("metrics"));
        try (Model m = Net.of(1, 1).mse().sgd(0.1).seed(3).build()) {
            History h = m.fit(three(), Fit.epochs(expected.size()).batchSize(1).callbacks(metric, schedule).quiet());
            assertThat(h.epochs()).hasSize(expected.size());
            for (int e = 0; e < expected.size(); e++) {
                double want = expected.get(e).doubleValue();
                assertThat(h.epochs().get(e).get("lr")).as("%s, epoch %d", name, e + 1).isCloseTo(want, within(1e-12 + 1e-12 * want));
            }
        }
    }

    @Test
    void warmup_raises_the_rate_step_by_step_then_hands_over_to_the_epoch_schedule() {
        JsonNode expected = SCHEDULES.get("warmup_5_step_2_0.5").get("rates");
        List<Double> rates = new ArrayList<>();
        // Before the schedule: it sees the rate the batch just trained with.
        Callback recorder = new Callback() {
            @Override
            public void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
                rates.add(run.learningRate());
            }
        };
        try (Model m = Net.of(1, 1).mse().sgd(0.1).seed(3).build()) {
            m.fit(three(), Fit.epochs(4).batchSize(1).callbacks(recorder, LrSchedule.warmup(5, LrSchedule.step(2, 0.5))).quiet());
        }
        assertThat(rates).hasSize(expected.size());
        for (int i = 0; i < rates.size(); i++) {
            assertThat(rates.get(i)).as("step %d", i + 1).isCloseTo(expected.get(i).doubleValue(), within(1e-12));
        }
    }

    @Test
    void the_scheduled_rate_is_the_one_the_update_uses() {
        // Three full-batch steps at 0.1, 0.05, 0.025 give bit for bit what three models built with those rates give.
        Dataset data = three();
        List<Parameter> start;
        List<Parameter> scheduled;
        try (Model m = Net.of(1, 4, 1).tanh().mse().sgd(0.1).seed(5).build()) {
            start = m.parameters();
            m.fit(data, Fit.steps(3).callbacks(LrSchedule.step(1, 0.5)).quiet());
            scheduled = m.parameters();
        }
        List<Parameter> p = start;
        for (double lr : new double[] {0.1, 0.05, 0.025}) {
            try (Model m = Net.of(1, 4, 1).tanh().mse().sgd(lr).seed(5).build()) {
                m.setParameters(p);
                m.fit(data, 1);
                p = m.parameters();
            }
        }
        assertThat(scheduled).usingRecursiveComparison().isEqualTo(p);
        assertThat(scheduled).usingRecursiveComparison().isNotEqualTo(start);
    }

    @Test
    void adams_rate_follows_the_schedule_too() {
        try (Model m = Net.of(1, 1).mse().optimizer(Optimizers.adam(0.01)).seed(3).build()) {
            History h = m.fit(three(), Fit.epochs(4).callbacks(LrSchedule.cosine(4)).quiet());
            assertThat(h.epochs().stream().map(e -> e.get("lr")).toList()).containsExactly(0.01, 0.01 * (1 + Math.cos(Math.PI / 4)) / 2,
                    0.005, 0.01 * (1 + Math.cos(3 * Math.PI / 4)) / 2);
        }
    }

    @Test
    void every_schedule_saves_the_numbers_its_checkpoints_always_held() {
        // GIVEN a warmup chained with a plateau schedule, and a cosine, that have begun
        LrSchedule warmup = LrSchedule.warmup(4, LrSchedule.onPlateau("val_loss", 0.5, 1));
        LrSchedule cosine = LrSchedule.cosine(5);
        warmup.begin(0.1);
        cosine.begin(0.2);
        // THEN each saves the five numbers of the one class that held every kind, a warmup its rate and chained state,
        // under that class's name
        assertThat(cosine.state()).containsExactly(entry("base", 0.2), entry("plateau_lr", Double.NaN),
                entry("best", Double.POSITIVE_INFINITY), entry("bad", 0), entry("warmed", 0L));
        assertThat(warmup.state()).containsExactly(entry("base", 0.1), entry("plateau_lr", Double.NaN),
                entry("best", Double.POSITIVE_INFINITY), entry("bad", 0), entry("warmed", 0L), entry("lr", 0.025),
                entry("then", Map.of("base", 0.1, "plateau_lr", Double.NaN, "best", Double.POSITIVE_INFINITY, "bad", 0, "warmed", 0L)));
        assertThat(List.of(warmup, cosine, LrSchedule.step(2, 0.5), LrSchedule.warmup(3)))
                .extracting(Callback::stateType).containsOnly("dev.netdsl.training.LrSchedule");
    }

    @Test
    void a_checkpoint_written_when_every_schedule_was_one_class_still_resumes(@TempDir Path dir) throws Exception {
        // GIVEN a checkpoint after epoch 2 of 6, edited to be as the one LrSchedule class wrote it before the warmup
        // kept its chained rate: the type dev.netdsl.training.LrSchedule, no "lr"
        Path file = dir.resolve("stopped.netdsl");
        History straight;
        try (Model m = Net.of(1, 1).mse().sgd(0.1).seed(3).build()) {
            straight = m.fit(three(), sixEpochs(dir.resolve("straight.netdsl"), 0));
        }
        try (Model m = Net.of(1, 1).mse().sgd(0.1).seed(3).build()) {
            m.fit(three(), sixEpochs(file, 2));
        }
        byte[] bytes = Files.readAllBytes(file);
        JsonNode root = RandomModelFiles.description(bytes);
        ObjectNode schedule = (ObjectNode) root.get("fit").get("callbacks").get(0);
        schedule.put("type", "dev.netdsl.training.LrSchedule");
        ((ObjectNode) schedule.get("state")).remove("lr");
        Files.write(file, RandomModelFiles.withDescription(bytes, root));
        // WHEN the fit resumes from it
        History resumed;
        try (Model m = Model.open(file)) {
            resumed = m.fit(three(), sixEpochs(dir.resolve("resumed.netdsl"), 0).resume());
        }
        // THEN it runs epochs 3 to 6 at the uninterrupted fit's rates (warmed up, the closed forms' product is the chain's)
        assertThat(resumed.epochs()).hasSize(6);
        for (int e = 0; e < 6; e++) {
            assertThat(resumed.epochs().get(e).get("lr")).as("epoch %d", e + 1)
                    .isCloseTo(straight.epochs().get(e).get("lr"), within(1e-12));
        }
    }

    /** Six epochs of three batches, a warmup of five steps chained with a cosine, checkpointed, stopped after {@code stopAt}. */
    private static Fit sixEpochs(Path checkpoint, int stopAt) {
        return Fit.epochs(6).batchSize(1).quiet().callbacks(LrSchedule.warmup(5, LrSchedule.cosine(6)), Checkpoint.every(checkpoint),
                new FitTest.StopAt(stopAt));
    }

    @Test
    void bad_settings_say_what_to_give() {
        assertThatThrownBy(() -> LrSchedule.step(0, 0.5)).hasMessageContaining("every must be at least 1");
        assertThatThrownBy(() -> LrSchedule.cosine(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> LrSchedule.onPlateau("val_loss", 1.5, 2)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> LrSchedule.warmup(0, LrSchedule.cosine(3))).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> LrSchedule.step(2, 0.5).minLr(0.1)).hasMessageContaining("only cosine and onPlateau");
        try (Model m = Net.of(1, 1).mse().sgd(0.1).build()) {
            assertThatThrownBy(() -> m.fit(three(), Fit.epochs(2).callbacks(LrSchedule.onPlateau("val_loss", 0.5, 1)).quiet()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give fit a validation set");
        }
    }
}
