package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Feeds;
import dev.netdsl.autograd.Input;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.autograd.Var;
import dev.netdsl.layers.Initializers;
import dev.netdsl.training.Optimizers;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExprTest {

    static Stream<Arguments> compositions() {
        Function<Var, Expr> arithmetic = v -> v.exp().plus(v.square().times(3)).div(v.plus(4)).minus(v.neg().times(0.5)).sum();
        Function<Var, Expr> roots = v -> v.sqrt().plus(v.log()).minus(v.abs().pow(1.5)).mean();
        Function<Var, Expr> activations = v -> v.minus(1).tanh().times(v.sigmoid()).plus(v.minus(1).relu()).sum();
        Function<Var, Expr> softmax = v -> v.softmax().times(Expr.constant(1f, 2f, 3f)).sum().plus(v.logSoftmax().at(1).neg());
        Function<Var, Expr> indexing = v -> v.at(0).times(v.at(2)).plus(v.reshape(3, 1).t().max()).plus(v.pow(Expr.scalar(3)).at(1));
        return Stream.of(Arguments.of("arithmetic", arithmetic), Arguments.of("roots", roots),
                Arguments.of("activations", activations), Arguments.of("softmax", softmax), Arguments.of("indexing", indexing));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compositions")
    void gradients_of_expr_compositions_match_central_finite_differences(String name, Function<Var, Expr> f) {
        float[] start = {0.5f, 1.2f, 2.0f};
        try (Autograd ag = Autograd.open(1)) {
            Var v = ag.variable("v", start);
            Expr loss = f.apply(v);
            // One SGD step with lr 1 moves v by minus the gradient.
            ag.minimize(loss, Optimizers.sgd(1.0)).step();
            float[] moved = v.value();
            for (int i = 0; i < start.length; i++) {
                double analytic = start[i] - moved[i];
                double numeric = (valueAt(ag, v, loss, start, i, 1e-2) - valueAt(ag, v, loss, start, i, -1e-2)) / 2e-2;
                assertThat(analytic).as("d%s/dv[%d]", name, i).isCloseTo(numeric, within(2e-2 * Math.max(1, Math.abs(numeric))));
            }
        }
    }

    @Test
    void gradients_through_matmul_transpose_and_axis_reductions_match_finite_differences() {
        float[] start = {0.3f, -0.2f, 0.5f, 0.1f, 0.4f, -0.6f};
        try (Autograd ag = Autograd.open(1)) {
            Var w = ag.variable("w", new long[] {2, 3}, (shape, r) -> start.clone());
            Expr x = Expr.constant(new float[] {1, 2, -1, 0.5f, 0.3f, -2, 1.5f, 1}, 4, 2);
            Expr loss = x.matmul(w).tanh().square().mean(0).sum().plus(w.t().sum(1).at(2));
            ag.minimize(loss, Optimizers.sgd(1.0)).step();
            float[] moved = w.value();
            for (int i = 0; i < start.length; i++) {
                double analytic = start[i] - moved[i];
                double numeric = (valueAt(ag, w, loss, start, i, 1e-2) - valueAt(ag, w, loss, start, i, -1e-2)) / 2e-2;
                assertThat(analytic).as("dloss/dw[%d]", i).isCloseTo(numeric, within(2e-2 * Math.max(1, Math.abs(numeric))));
            }
        }
    }

    private static double valueAt(Autograd ag, Var v, Expr loss, float[] base, int i, double delta) {
        float[] moved = base.clone();
        moved[i] += (float) delta;
        v.set(moved);
        return ag.eval(loss)[0];
    }

    @Test
    void scalars_mix_with_tensors_like_in_pytorch() {
        try (Autograd ag = Autograd.open(1)) {
            Var v = ag.variable("v", 1f, 2f);
            assertThat(ag.eval(v.minus(11).times(2).plus(1).div(4))).containsExactly(-4.75f, -4.25f);
            assertThat(ag.eval(v.pow(2).sum())).containsExactly(5f);
        }
    }

    @Test
    void a_broadcast_mismatch_names_both_shapes() {
        Expr a = Expr.constant(new float[6], 2, 3);
        Expr b = Expr.constant(new float[4], 2, 2);

        assertThatThrownBy(() -> a.plus(b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plus: shapes [2, 3] and [2, 2] don't broadcast");
    }

    @Test
    void a_matmul_mismatch_names_both_shapes() {
        Expr a = Expr.constant(new float[6], 2, 3);

        assertThatThrownBy(() -> a.matmul(a))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul: shapes [2, 3] and [2, 3] don't chain: 3 columns vs 2 rows");
    }

    @Test
    void indexing_and_reshaping_check_sizes_in_java() {
        Expr v = Expr.constant(1f, 2f, 3f);

        assertThatThrownBy(() -> v.at(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at(3): index out of range for shape [3]");
        assertThatThrownBy(() -> v.reshape(2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("can't reshape [3] (3 elements) to [2, 2]");
        assertThat(v.reshape(-1, 1).shape()).containsExactly(3, 1);
    }

    @Test
    void minimize_needs_a_scalar_loss() {
        try (Autograd ag = Autograd.open(1)) {
            Var v = ag.variable("v", 1f, 2f);
            assertThatThrownBy(() -> ag.minimize(v.square(), Optimizers.sgd(0.1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the loss must be a scalar but has shape [2]; reduce it with .sum() or .mean()");
        }
    }

    @Test
    void inputs_are_fed_per_step_and_checked_against_their_shape() {
        try (Autograd ag = Autograd.open(1)) {
            Input x = ag.input("x", -1, 2);
            Var w = ag.variable("w", new long[] {2, 1}, Initializers.zeros());
            Expr loss = x.matmul(w).minus(1).square().mean();
            Minimizer opt = ag.minimize(loss, Optimizers.sgd(0.1));
            Feeds feeds = Feeds.of(x, new float[] {1, 0, 0, 1, 1, 1}, 3, 2);

            float first = opt.step(feeds);
            opt.steps(200, feeds);

            assertThat(first).isEqualTo(1f);
            // Least squares optimum: w = (2/3, 2/3), residuals (-1/3, -1/3, 1/3), mean square 1/9.
            assertThat(ag.eval(loss, feeds)[0]).isCloseTo(1f / 9, within(1e-4f));
            assertThat(w.value()).containsExactly(new float[] {2f / 3, 2f / 3}, within(1e-3f));
            assertThatThrownBy(() -> opt.step()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input 'x' [-1, 2] has no value");
            assertThatThrownBy(() -> Feeds.of(x, new float[3], 1, 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("shape [1, 3] does not fit the input's [-1, 2]");
        }
    }

    @Test
    void variable_names_are_unique_and_values_finite() {
        try (Autograd ag = Autograd.open(1)) {
            ag.variable("a", 1f);
            assertThatThrownBy(() -> ag.variable("a", 2f)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'a' is already taken");
            assertThatThrownBy(() -> ag.variable("b", Float.NaN)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("value NaN at index 0 is not finite");
        }
    }

    @Test
    void a_closed_autograd_refuses_work() {
        Autograd ag = Autograd.open(1);
        Var v = ag.variable("v", 1f);
        ag.close();
        ag.close();

        assertThatThrownBy(v::value).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed Autograd");
    }
}
