package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Fit;
import dev.netdsl.training.LrSchedule;
import dev.netdsl.training.Optimizers;
import dev.netdsl.training.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
