package dev.netdsl;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.netdsl.GradientsTest.assertSameWeights;
import static dev.netdsl.GradientsTest.blobs;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.training.Fit;
import dev.netdsl.training.GradientSource;
import dev.netdsl.training.LrSchedule;
import dev.netdsl.training.Optimizers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code Model.fit(GradientSource, Fit)}: the fit loop over rows held elsewhere. Two "workers" (replicas in this JVM,
 * each holding every second row) compute each step's gradients on their rows of the batch; the fit takes the same path
 * as {@code fit(Dataset, Fit)} on all the rows, shuffle included.
 */
class GradientSourceTest {
    /** Rows split over {@code replicas}, row i on replica i % n, as the Spark trainer splits them. */
    private static final class Replicas implements GradientSource {
        final Dataset data;
        final List<Model> replicas;
        int calls;

        Replicas(Dataset data, List<Model> replicas) {
            this.data = data;
            this.replicas = replicas;
        }

        @Override
        public int size() {
            return data.size();
        }

        @Override
        public Gradients gradients(Model model, int[] rows) {
            calls++;
            List<Parameter> weights = new ArrayList<>(model.parameters());
            weights.addAll(model.buffers());
            List<Gradients> parts = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            for (int w = 0; w < replicas.size(); w++) {
                int worker = w;
                int[] mine = java.util.Arrays.stream(rows).filter(r -> r % replicas.size() == worker).toArray();
                if (mine.length > 0) {
                    replicas.get(w).setParameters(weights);
                    parts.add(replicas.get(w).gradients(data.subset(mine)));
                    counts.add(mine.length);
                }
            }
            return Gradients.mean(parts, counts.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void two_workers_take_the_path_of_one_machine_shuffle_schedule_and_validation_included() {
        Net spec = Net.sequential(linear(4, 16), relu(), linear(16, 3)).crossEntropy().optimizer(Optimizers.adam(0.01)).seed(5);
        Dataset train = blobs(1000, 1);
        Dataset test = blobs(200, 2);
        Fit fit = Fit.epochs(3).batchSize(64).validation(test).callbacks(LrSchedule.step(1, 0.5)).quiet();
        try (Model one = spec.build(); Model two = spec.build(); Model a = spec.build(); Model b = spec.build()) {
            History h1 = one.fit(train, fit);
            Replicas source = new Replicas(train, List.of(a, b));
            History h2 = two.fit(source, fit);
            assertThat(source.calls).isEqualTo(3 * 16);
            assertThat(h2.steps()).isEqualTo(h1.steps()).isEqualTo(48);
            for (int s = 0; s < h1.steps(); s++) {
                assertThat(h2.losses()[s]).as("step %d's loss", s).isCloseTo(h1.losses()[s], within(1e-5f));
            }
            assertThat(two.stepsTaken()).isEqualTo(48);
            assertSameWeights(one, two, 1e-5f);
            assertThat(h2.epochs()).hasSize(3);
            for (int e = 0; e < 3; e++) {
                assertThat(h2.epochs().get(e).get("val_loss")).as("epoch %d val_loss", e + 1)
                        .isCloseTo(h1.epochs().get(e).get("val_loss"), within(1e-5));
                assertThat(h2.epochs().get(e).get("loss")).isCloseTo(h1.epochs().get(e).get("loss"), within(1e-5));
            }
        }
    }

    @Test
    void a_loss_that_is_not_finite_stops_before_anything_is_applied() {
        Net spec = Net.sequential(linear(2, 1)).mse().sgd(0.1).seed(1);
        try (Model m = spec.build()) {
            List<Parameter> before = m.parameters();
            GradientSource nan = new GradientSource() {
                @Override
                public int size() {
                    return 10;
                }

                @Override
                public Gradients gradients(Model model, int[] rows) {
                    return new Gradients(Float.NaN, model.parameters());
                }
            };
            assertThatThrownBy(() -> m.fit(nan, Fit.epochs(1).batchSize(5).quiet()))
                    .isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("fit (epoch 1, batch 1): the loss became NaN at training step 1; nothing was applied");
            assertThat(m.stepsTaken()).isZero();
            assertThat(m.parameters().get(0).values()).containsExactly(before.get(0).values());
        }
    }

    @Test
    void what_needs_the_rows_here_is_refused_with_the_way_out() {
        GradientSource some = new GradientSource() {
            @Override
            public int size() {
                return 10;
            }

            @Override
            public Gradients gradients(Model model, int[] rows) {
                throw new AssertionError("not reached");
            }
        };
        try (Model m = Net.sequential(linear(2, 1)).mse().sgd(0.1).seed(1).build()) {
            assertThatThrownBy(() -> m.fit(some, Fit.epochs(1).validationSplit(0.2)))
                    .hasMessageContaining("give the validation rows as Fit.validation(data)");
        }
    }

    @Test
    void with_batch_norm_one_worker_holding_every_row_takes_fits_path_running_statistics_included() {
        Net spec = Net.sequential(linear(4, 8), dev.netdsl.layers.Layers.batchNorm1d(8), relu(), linear(8, 3)).crossEntropy()
                .sgd(0.1).seed(2);
        Dataset train = blobs(300, 4);
        Fit fit = Fit.epochs(2).batchSize(50).quiet();
        try (Model one = spec.build(); Model two = spec.build(); Model replica = spec.build()) {
            History h1 = one.fit(train, fit);
            History h2 = two.fit(new Replicas(train, List.of(replica)), fit);
            for (int s = 0; s < h1.steps(); s++) {
                assertThat(h2.losses()[s]).as("step %d's loss", s).isCloseTo(h1.losses()[s], within(1e-5f));
            }
            assertSameWeights(one, two, 1e-5f);
            for (int i = 0; i < one.buffers().size(); i++) {
                assertThat(two.buffers().get(i).values()).as(one.buffers().get(i).name())
                        .containsExactly(one.buffers().get(i).values(), within(1e-5f));
            }
        }
    }

    @Test
    void with_batch_norm_and_two_workers_the_running_statistics_are_the_first_workers() {
        Net spec = Net.sequential(linear(4, 8), dev.netdsl.layers.Layers.batchNorm1d(8), relu(), linear(8, 3)).crossEntropy()
                .sgd(0.1).seed(2);
        Dataset train = blobs(40, 5);
        try (Model driver = spec.build(); Model a = spec.build(); Model b = spec.build(); Model check = spec.build()) {
            // one full-batch step: worker 0 holds the even rows, worker 1 the odd ones
            driver.fit(new Replicas(train, List.of(a, b)), Fit.steps(1).quiet());
            int[] even = java.util.stream.IntStream.range(0, 20).map(i -> 2 * i).toArray();
            Gradients first = check.gradients(train.subset(even));
            for (int i = 0; i < first.buffers().size(); i++) {
                assertThat(driver.buffers().get(i).values()).as(first.buffers().get(i).name())
                        .containsExactly(first.buffers().get(i).values(), within(1e-6f));
            }
        }
    }

    @Test
    void unequal_parts_weighted_by_their_rows_give_the_union() {
        try (Model m = Net.sequential(linear(4, 3)).crossEntropy().sgd(0.1).seed(9).build()) {
            Dataset data = blobs(10, 3);
            Gradients whole = m.gradients(data);
            Gradients small = m.gradients(data.subset(new int[] {0, 1, 2}));
            Gradients big = m.gradients(data.subset(new int[] {3, 4, 5, 6, 7, 8, 9}));
            Gradients mean = Gradients.mean(List.of(small, big), new int[] {3, 7});
            assertThat(mean.loss()).isCloseTo(whole.loss(), within(1e-6f));
            float[] u = whole.values().get(0).values();
            float[] v = mean.values().get(0).values();
            for (int k = 0; k < u.length; k++) {
                assertThat(v[k]).isCloseTo(u[k], within(1e-6f));
            }
            assertThatThrownBy(() -> Gradients.mean(List.of(small, big), new int[] {3}))
                    .hasMessageContaining("1 row counts for 2 parts");
        }
    }
}
