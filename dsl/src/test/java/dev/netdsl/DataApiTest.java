package dev.netdsl;

import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.training.Fit;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code Dataset.take}, {@code split} and class names, {@code Model.predictClasses}, and the reshape hint when data fits a net only after a reshape. */
class DataApiTest {

    /** {@code n} examples whose only feature is their row number; label = row % 3. */
    private static Dataset numbered(int n) {
        float[][] x = new float[n][1];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = i;
            labels[i] = i % 3;
        }
        return Dataset.of(x, labels);
    }

    private static int[] rowsOf(Dataset d) {
        return Arrays.stream(d.x()).mapToInt(r -> (int) r[0]).toArray();
    }

    @Test
    void take_gives_the_first_n_examples_with_their_targets_and_class_names() {
        Dataset data = numbered(10).withClassNames("a", "b", "c");

        Dataset first = data.take(4);

        assertThat(first.size()).isEqualTo(4);
        assertThat(rowsOf(first)).containsExactly(0, 1, 2, 3);
        assertThat(first.labels()).containsExactly(0, 1, 2, 0);
        assertThat(first.classNames()).containsExactly("a", "b", "c");
        assertThat(data.take(10).labels()).isEqualTo(data.labels());
        Dataset images = Dataset.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {0, 1}, 1, 2, 2);
        assertThat(images.take(1).exampleShape()).containsExactly(1, 2, 2);
        assertThat(images.take(1).xRowMajor()).containsExactly(1, 2, 3, 4);
        Dataset regression = Dataset.of(new float[][] {{1}, {2}, {3}}, new float[][] {{10, 11}, {20, 21}, {30, 31}});
        assertThat(regression.take(2).y()).isDeepEqualTo(new float[][] {{10, 11}, {20, 21}});
        Dataset ids = Dataset.of(new int[] {1, 2, 3, 4, 5, 6}, new int[] {2}, new int[] {0, 1, 0});
        assertThat(ids.take(2).xIds()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void take_more_than_there_are_or_none_says_how_many_there_are() {
        assertThatThrownBy(() -> numbered(10).take(11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("take(11): the data set has 10 examples; take 1..10, or use the whole set");
        assertThatThrownBy(() -> numbered(10).take(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("take(0): the data set has 10 examples; take 1..10");
    }

    @Test
    void split_is_seeded_disjoint_and_covers_every_example() {
        Dataset data = numbered(100);

        Dataset.Split a = data.split(0.2, 42);
        Dataset.Split b = data.split(0.2, 42);
        Dataset.Split c = data.split(0.2, 43);

        assertThat(a.train().size()).isEqualTo(80);
        assertThat(a.test().size()).isEqualTo(20);
        assertThat(rowsOf(a.train())).isEqualTo(rowsOf(b.train()));
        assertThat(rowsOf(a.test())).isEqualTo(rowsOf(b.test()));
        assertThat(rowsOf(a.test())).isNotEqualTo(rowsOf(c.test()));
        int[] all = IntStream.concat(Arrays.stream(rowsOf(a.train())), Arrays.stream(rowsOf(a.test()))).sorted().toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 100).toArray());
        // Shuffled, not the first or last rows in file order.
        assertThat(rowsOf(a.test())).isNotEqualTo(IntStream.range(80, 100).toArray());
        // Labels travel with their rows.
        for (Dataset part : List.of(a.train(), a.test())) {
            int[] rows = rowsOf(part);
            int[] labels = part.labels();
            for (int i = 0; i < rows.length; i++) {
                assertThat(labels[i]).isEqualTo(rows[i] % 3);
            }
        }
    }

    @Test
    void split_holds_out_the_examples_fits_validation_split_holds_out_for_that_seed() {
        SplittableRandom r = new SplittableRandom(3);
        float[][] x = new float[200][2];
        int[] labels = new int[200];
        for (int i = 0; i < 200; i++) {
            x[i][0] = (float) r.nextGaussian();
            x[i][1] = (float) r.nextGaussian();
            labels[i] = x[i][0] + x[i][1] > 0 ? 1 : x[i][0] > 0.5 ? 2 : 0;
        }
        Dataset data = Dataset.of(x, labels);
        try (Model model = Net.of(2, 8, 3).relu().crossEntropy().sgd(0.1).seed(5).build()) {
            History h = model.fit(data, Fit.epochs(1).batchSize(16).validationSplit(0.25).quiet());
            double valLoss = h.epochs().get(0).get("val_loss");

            assertThat((double) model.loss(data.split(0.25, 5).test())).isCloseTo(valLoss, within(1e-6));
            // Another seed holds out other examples, with another loss: the comparison above can tell them apart.
            assertThat(Math.abs(model.loss(data.split(0.25, 6).test()) - valLoss)).isGreaterThan(1e-3);
        }
    }

    @Test
    void split_refuses_shares_that_leave_a_part_empty() {
        assertThatThrownBy(() -> numbered(10).split(0.01, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split(0.01, 1): of 10 examples that holds out 0; both parts need at least one: give a share"
                        + " that holds out 1 to 9 of them");
        assertThatThrownBy(() -> numbered(10).split(1.0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split(1.0, 1): the test share must be between 0 and 1, e.g. 0.2 for 20%");
        assertThatThrownBy(() -> numbered(10).split(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be between 0 and 1");
        assertThatThrownBy(() -> numbered(1).split(0.5, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a split needs two or more examples");
    }

    @Test
    void class_names_are_checked_and_kept_by_reshape_subset_and_split() {
        Dataset data = numbered(9);
        assertThat(data.classNames()).isEmpty();

        Dataset named = data.withClassNames(List.of("zero", "one", "two"));

        assertThat(named.classNames()).containsExactly("zero", "one", "two");
        assertThat(named.reshape(1).classNames()).isEqualTo(named.classNames());
        assertThat(named.subset(new int[] {2, 0}).classNames()).isEqualTo(named.classNames());
        assertThat(named.split(0.3, 1).test().classNames()).isEqualTo(named.classNames());
        assertThat(named.toString()).isEqualTo("Dataset[9 x 1, labels [zero, one, two]]");
        assertThatThrownBy(() -> data.withClassNames("zero", "one")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("withClassNames: 2 names for labels 0..1 but the data holds label 2; give a name for each label up to 2");
        assertThatThrownBy(() -> data.withClassNames("a", "b", "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"a\" names class 0 and class 2");
        assertThatThrownBy(() -> Dataset.of(new float[][] {{1}}, new float[][] {{2}}).withClassNames("a"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("holds float targets");
    }

    /** A net whose outputs are its inputs: one linear layer with identity weights and no bias. */
    private static Model identity(Net net, int width) {
        Model model = net.build();
        float[] eye = new float[width * width];
        for (int i = 0; i < width; i++) {
            eye[i * width + i] = 1;
        }
        List<Parameter> p = model.parameters();
        model.setParameters(List.of(new Parameter(p.get(0).name(), p.get(0).shape(), eye),
                new Parameter(p.get(1).name(), p.get(1).shape(), new float[width])));
        return model;
    }

    @Test
    void predict_classes_is_the_arg_max_of_each_row_for_rows_and_tensors() {
        float[][] x = {{0.1f, 0.9f, 0.3f, 0f}, {5, -1, 2, 4}, {1, 1, 0, 0}, {-3, -2, -1, -0.5f}};
        float[] flat = new float[16];
        for (int r = 0; r < 4; r++) {
            System.arraycopy(x[r], 0, flat, 4 * r, 4);
        }
        try (Model rows = identity(Net.sequential(linear(4, 4)).crossEntropy().sgd(0.1), 4);
             Model images = identity(Net.sequential(flatten(), linear(4, 4)).input(1, 2, 2).crossEntropy().sgd(0.1), 4)) {
            // Ties go to the first of the equal outputs (row 2), as numpy's and PyTorch's argmax.
            assertThat(rows.predictClasses(x)).containsExactly(1, 0, 0, 3);
            assertThat(rows.predictClasses(Tensor.of(flat, 4, 4))).containsExactly(1, 0, 0, 3);
            assertThat(images.predictClasses(Tensor.of(flat, 4, 1, 2, 2))).containsExactly(1, 0, 0, 3);
            // The arg-max of what predict gives, and what evaluate counts as right.
            Dataset data = Dataset.of(x, new int[] {1, 0, 0, 2});
            assertThat(rows.evaluate(data).accuracy()).isEqualTo(0.75);
        }
    }

    @Test
    void predict_classes_of_one_bce_logit_is_its_side_of_zero() {
        try (Model model = identity(Net.sequential(linear(1, 1)).bceWithLogits().sgd(0.1), 1)) {
            assertThat(model.predictClasses(new float[][] {{2}, {-0.5f}, {0}, {0.1f}})).containsExactly(1, 0, 0, 1);
        }
    }

    @Test
    void predict_classes_of_a_net_without_one_score_per_class_says_why() {
        try (Model regression = Net.of(2, 4, 1).mse().sgd(0.1).build();
             Model multiLabel = Net.of(2, 4, 3).bceWithLogits().sgd(0.1).build()) {
            assertThatThrownBy(() -> regression.predictClasses(new float[][] {{1, 2}}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has one output, so there is no class to pick");
            assertThatThrownBy(() -> multiLabel.predictClasses(new float[][] {{1, 2}}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has 3 outputs, each a yes/no of its own, not one class per example");
        }
    }

    @Test
    void an_mlp_given_images_is_told_to_reshape_them_and_a_cnn_given_vectors_too() {
        Dataset images = Dataset.of(new float[2 * 784], new int[] {0, 1}, 1, 28, 28);
        try (Model mlp = Net.of(784, 16, 10).relu().crossEntropy().sgd(0.1).build();
             Model cnn = Net.sequential(flatten(), linear(784, 10)).input(1, 28, 28).crossEntropy().sgd(0.1).build()) {
            assertThatThrownBy(() -> mlp.fit(images, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("fit: the data has examples of shape [1, 28, 28] but Net.of(784, 16, 10).relu().crossEntropy()"
                            + ".sgd(0.1) takes 784; the values fit: reshape the data with data.reshape(784)");
            assertThatThrownBy(() -> mlp.evaluate(images)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("data.reshape(784)");
            assertThatThrownBy(() -> mlp.predict(images.xTensor())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("x has shape [2, 1, 28, 28]")
                    .hasMessageContaining("the values fit: Tensor.of(x.values(), 2, 784) reshapes them (or"
                            + " data.reshape(784).xTensor())");
            assertThatThrownBy(() -> cnn.fit(images.reshape(784), 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("data.reshape(1, 28, 28)");
            // Data of another size is not told to reshape.
            assertThatThrownBy(() -> mlp.fit(Dataset.of(new float[2 * 100], new int[] {0, 1}, 1, 10, 10), 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageEndingWith("; match the net's input to the data");
        }
    }
}
