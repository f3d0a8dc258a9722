package dev.netdsl;

import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Var;
import dev.netdsl.internal.engine.TrainerKnobs;
import dev.netdsl.layers.Initializers;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.LayerContext;
import dev.netdsl.layers.ParameterSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Typed inputs (issue 25): int32 ids flow from a {@link Dataset} or {@link Tensor} through the graph to a
 * layer that looks them up; {@link Expr} keeps integer tensors integer (exact arithmetic, comparisons,
 * gather, one-hot, casts) and refuses float math on them, naming the cast.
 */
class TypedInputsTest {

    /** {@code nn.Embedding(count, dim)} in a dozen lines, as a user writes one. */
    record Lookup(int count, int dim) implements Layer {
        @Override
        public String typeName() {
            return "Lookup";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.of("weight", Initializers.normal(0, 1), count, dim));
        }

        @Override
        public int[] outputShape(int[] input) {
            int[] out = java.util.Arrays.copyOf(input, input.length + 1);
            out[input.length] = dim;
            return out;
        }

        @Override
        public DType outputType(DType input) {
            return DType.FLOAT32;
        }

        @Override
        public Expr forward(Expr ids, LayerContext context) {
            return context.parameter("weight").gather(ids);
        }
    }

    @Test
    void integer_expressions_stay_exact_and_float_math_on_them_names_the_cast() {
        Expr ids = Expr.constant(new int[] {3, 16777217, -2}, 3);
        assertThat(ids.dtype()).isEqualTo(DType.INT32);
        assertThat(ids.plus(1).dtype()).isEqualTo(DType.INT32);
        try (Autograd ag = Autograd.open()) {
            // 2^24 + 1 + 1 is exact in int32 (float32 would round it).
            Expr sum = ids.plus(1).times(2).minus(Expr.intScalar(4));
            assertThat(ag.eval(sum.cast(DType.INT64).cast(DType.FLOAT32))).containsExactly(4f, 33554432f, -6f);
            assertThat(ag.eval(ids.equal(3))).containsExactly(1, 0, 0);
            assertThat(ag.eval(ids.greaterEqual(0))).containsExactly(1, 1, 0);
            assertThat(ag.eval(Expr.constant(new int[] {2, 0}, 2).oneHot(3))).containsExactly(0, 0, 1, 1, 0, 0);
            assertThat(ag.eval(Expr.constant(new float[] {1.9f, -1.9f}).cast(DType.INT32).cast(DType.FLOAT32)))
                    .containsExactly(1, -1);
        }
        assertThatThrownBy(() -> ids.tanh()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tanh: takes float32 values but gets int32").hasMessageContaining(".cast(DType.FLOAT32)");
        assertThatThrownBy(() -> ids.plus(Expr.scalar(0.5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plus: mixes int32 and float32");
        assertThatThrownBy(() -> Expr.constant(1f, 2f).gather(Expr.constant(0.5f)))
                .hasMessageContaining("gather: the indices must be int32 or int64");
        assertThatThrownBy(() -> Expr.constant(1f, 2f).oneHot(2)).hasMessageContaining("oneHot: the values must be int32");
    }

    @Test
    void gather_looks_up_rows_and_its_gradient_counts_each_row_used() {
        try (Autograd ag = Autograd.open()) {
            Var table = ag.variable("table", 1, 2, 3, 4, 5, 6); // three rows of two
            Expr rows = table.reshape(3, 2).gather(Expr.constant(new int[] {2, 0, 2, 2}, 2, 2));
            assertThat(rows.shape()).containsExactly(2, 2, 2);
            assertThat(ag.eval(rows)).containsExactly(5, 6, 1, 2, 5, 6, 5, 6);
            // d(sum)/d(table): row 0 used once, row 1 never, row 2 three times.
            assertThat(ag.gradient(rows.sum(), table)).containsExactly(1, 1, 0, 0, 3, 3);
        }
    }

    /** Sequences of 4 ids out of 10; the class is whether id 7 occurs. */
    static Dataset sequences(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 4; t++) {
                ids[i * 4 + t] = r.nextInt(10);
                labels[i] |= ids[i * 4 + t] == 7 ? 1 : 0;
            }
        }
        return Dataset.of(ids, new int[] {4}, labels);
    }

    private static Net lookupNet() {
        return Net.sequential(new Lookup(10, 3), flatten(), linear(12, 2)).input(DType.INT32, 4).crossEntropy().sgd(0.5).seed(3);
    }

    @Test
    void int_ids_train_a_lookup_net_the_same_fused_and_step_by_step() {
        Dataset data = sequences(64, 1);
        assertThat(data.inputType()).isEqualTo(DType.INT32);
        assertThat(data.subset(new int[] {1, 0}).xIds()).containsExactly(java.util.Arrays.copyOfRange(
                concat(data.xIds(), 4, 8, 0, 4), 0, 8));
        History fused;
        History stepped;
        try (Model m = lookupNet().build()) {
            fused = m.fit(data, 3, 16);
            assertThat(TrainerKnobs.fusedCalls(m)).isPositive();
        }
        try (Model m = lookupNet().build()) {
            TrainerKnobs.fusion(m, false);
            stepped = m.fit(data, 3, 16);
        }
        float[] a = fused.losses();
        float[] b = stepped.losses();
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("step %d", i).isCloseTo(b[i], within(1e-5f));
        }
        assertThat(a[a.length - 1]).isLessThan(a[0]);
    }

    private static int[] concat(int[] all, int from1, int to1, int from2, int to2) {
        int[] out = new int[(to1 - from1) + (to2 - from2)];
        System.arraycopy(all, from1, out, 0, to1 - from1);
        System.arraycopy(all, from2, out, to1 - from1, to2 - from2);
        return out;
    }

    @Test
    void data_of_the_wrong_type_is_refused_with_the_fix() {
        try (Model m = lookupNet().build()) {
            assertThatThrownBy(() -> m.predict(new float[][] {{1, 2, 3, 4}})).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("takes int32").hasMessageContaining("Tensor.ofInts");
            assertThatThrownBy(() -> m.fit(Dataset.of(new float[8], new int[] {0, 1}, 4), 1))
                    .hasMessageContaining("the data holds float32 values").hasMessageContaining("Dataset.of(int[] ids");
            Tensor y = m.predict(Tensor.ofInts(new int[] {7, 7, 7, 7}, 1, 4));
            assertThat(y.shape()).containsExactly(1, 2);
            assertThat(m.spec().toString()).contains(".input(DType.INT32, 4)");
        }
        try (Model floats = Net.of(4, 2).mse().sgd(0.1).build()) {
            assertThatThrownBy(() -> floats.predict(Tensor.ofInts(new int[4], 1, 4)))
                    .hasMessageContaining("declare integer inputs with .input(DType.INT32");
        }
        // A float layer given int ids fails when the model is built, naming the cast.
        assertThatThrownBy(() -> Net.sequential(linear(4, 2)).input(DType.INT32, 4).mse().sgd(0.1).build())
                .hasMessageContaining("layer 0 '0': Linear(in_features=4, out_features=2) takes float32 values but gets int32");
        assertThatThrownBy(() -> Tensor.ofInts(new int[] {1, 2}, 1, 4)).hasMessageContaining("holds 4 values but 2");
        assertThatThrownBy(() -> Tensor.ofInts(new int[] {1}, 1).values()).hasMessageContaining("call ints()");
    }
}
