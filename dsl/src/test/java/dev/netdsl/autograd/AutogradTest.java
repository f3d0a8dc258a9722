package dev.netdsl.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.Expr;
import dev.netdsl.training.Optimizer;
import dev.netdsl.training.Optimizers;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AutogradTest {

    static final float[][] MINIMA = {{3f, 2f}, {-2.805118f, 3.131312f}, {-3.779310f, -3.283186f}, {3.584428f, -1.848126f}};

    static Expr himmelblau(Var xy) {
        Expr x = xy.at(0);
        Expr y = xy.at(1);
        return x.square().plus(y).minus(11).square().plus(x.plus(y.square()).minus(7).square());
    }

    @ParameterizedTest
    @MethodSource("starts")
    void each_start_of_the_tutorial_reaches_its_own_minimum_of_himmelblau(float x0, float y0, float[] minimum) {
        try (Autograd ag = Autograd.open(1)) {
            Var xy = ag.variable("x_y", x0, y0);
            Expr f = himmelblau(xy);
            Minimizer opt = ag.minimize(f, Optimizers.adam(1e-3));

            opt.steps(20_000);

            // The start decides the basin (PyTorch's Adam from these starts ends at the same minima).
            float[] found = xy.value();
            assertThat(found[0]).isCloseTo(minimum[0], within(1e-3f));
            assertThat(found[1]).isCloseTo(minimum[1], within(1e-3f));
            assertThat(ag.eval(f)[0]).isLessThan(1e-6f);
        }
    }

    static Stream<Arguments> starts() {
        return Stream.of(Arguments.of(0f, 0f, MINIMA[0]), Arguments.of(1f, 0f, MINIMA[0]), Arguments.of(-4f, 0f, MINIMA[2]),
                Arguments.of(4f, 0f, MINIMA[3]));
    }

    static Stream<Optimizer> optimizers() {
        return Stream.of(Optimizers.sgd(1e-3), Optimizers.sgd(1e-3, 0.9), Optimizers.adam(1e-2), Optimizers.rmsprop(1e-2),
                Optimizers.adagrad(0.1), Optimizers.adadelta(), Optimizers.sgd(1e-3).momentum(0.9).nesterov().weightDecay(0.01),
                Optimizers.adam(1e-2).weightDecay(0.1).clipGradNorm(5), Optimizers.adamW(1e-2, 0.1),
                Optimizers.rmsprop(1e-2).clipGradValue(3));
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void fused_steps_give_the_same_result_as_single_steps(Optimizer optimizer) {
        float[] stepped;
        float lastStepped = 0;
        try (Autograd ag = Autograd.open(1)) {
            Var xy = ag.variable("x_y", -1f, 0.5f);
            Minimizer opt = ag.minimize(himmelblau(xy), optimizer);
            for (int i = 0; i < 300; i++) {
                lastStepped = opt.step();
            }
            stepped = xy.value();
        }
        try (Autograd ag = Autograd.open(1)) {
            Var xy = ag.variable("x_y", -1f, 0.5f);
            Minimizer opt = ag.minimize(himmelblau(xy), optimizer);
            float lastFused = opt.steps(100);
            lastFused = opt.steps(200);
            float[] fused = xy.value();

            assertThat(fused[0]).as("x after 300 %s steps", optimizer).isCloseTo(stepped[0], within(1e-4f * Math.max(1, Math.abs(stepped[0]))));
            assertThat(fused[1]).as("y after 300 %s steps", optimizer).isCloseTo(stepped[1], within(1e-4f * Math.max(1, Math.abs(stepped[1]))));
            assertThat(lastFused).isCloseTo(lastStepped, within(1e-4f * Math.max(1, Math.abs(lastStepped))));
        }
    }

    @Test
    void the_readme_example_finds_the_minimum_near_the_origin() {
        float before;
        float last;
        float[] found;
        // --- README example start ---
        try (Autograd ag = Autograd.open()) {
            Var xy = ag.variable("x_y", 0f, 0f);
            Expr x = xy.at(0), y = xy.at(1);
            Expr f = x.square().plus(y).minus(11).square().plus(x.plus(y.square()).minus(7).square());
            Minimizer opt = ag.minimize(f, Optimizers.adam(1e-3));
            before = opt.step();              // one update; returns f before it, like the tutorial's loop body
            last = opt.steps(19_999);         // the other 19,999 in one native call, compiled by XLA
            found = xy.value();               // [3.0, 2.0]
        }
        // --- README example end ---
        assertThat(before).isEqualTo(170f);
        assertThat(last).isLessThan(1e-6f);
        assertThat(found).containsExactly(new float[] {3f, 2f}, within(1e-3f));
    }

    @Test
    // A separate thread: a hung native call cannot be interrupted, so the test must fail without waiting for it.
    @org.junit.jupiter.api.Timeout(value = 300, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void fused_steps_count_past_two_to_the_24() {
        try (Autograd ag = Autograd.open(1)) {
            Var v = ag.variable("v", 1f);
            Minimizer m = ag.minimize(v.square(), Optimizers.sgd(1e-7));
            int n = (1 << 24) + (1 << 22);
            // A float32 loop counter stops at 2^24 (i + 1 == i): this call would never return.
            m.steps(n);
            // v <- v (1 - 2 lr) each step: exp(-2 lr n) = 0.0150; 2^24 steps alone would leave 0.0349.
            assertThat((double) v.value()[0]).isCloseTo(Math.exp(-2e-7 * n), within(0.003));
        }
    }

    @Test
    void bce_with_logits_has_pytorchs_gradient_at_a_logit_of_zero() {
        try (Autograd ag = Autograd.open(1)) {
            Var z = ag.variable("z", 0f, 0f, 2f, -3f);
            Expr targets = Expr.constant(0f, 1f, 1f, 0f);
            // d/dz = sigmoid(z) - y
            float[] g = ag.gradient(z.bceWithLogits(targets).sum(), z);
            assertThat(g).containsExactly(new float[] {0.5f, -0.5f, (float) (1 / (1 + Math.exp(-2)) - 1),
                (float) (1 / (1 + Math.exp(3)))}, within(1e-6f));
        }
    }

    @Test
    void evaluating_an_equal_expression_again_does_not_grow_the_graph() {
        try (Autograd ag = Autograd.open(1)) {
            Var v = ag.variable("v", 1f, 2f, 3f);
            Input in = ag.input("in", -1, 3);
            java.util.function.Supplier<Expr> rebuilt = () -> v.square().plus(in.matmul(Expr.constant(new float[] {1, 2, 3}, 3, 1))
                    .sum()).times(0.5).sum();
            Feeds feeds = Feeds.of(in, new float[] {1, 1, 1}, 1, 3);
            float first = ag.eval(rebuilt.get(), feeds)[0];
            float[] grad = ag.gradient(rebuilt.get(), v, feeds);
            long ops = operations(ag);
            for (int i = 0; i < 200; i++) {
                assertThat(ag.eval(rebuilt.get(), feeds)[0]).isEqualTo(first);
                assertThat(ag.gradient(rebuilt.get(), v, feeds)).containsExactly(grad);
            }
            assertThat(operations(ag)).isEqualTo(ops);
            // A different expression does add ops (documented in Autograd#eval).
            ag.eval(v.times(3).sum());
            assertThat(operations(ag)).isGreaterThan(ops);
        }
    }

    private static long operations(Autograd ag) {
        long n = 0;
        for (var it = ag.rt.graph().operations(); it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    @Test
    void minimize_takes_the_optimizer_options_with_pytorchs_rules() {
        // SGD(lr=1e-3, momentum=0.9, nesterov=True, weight_decay=0.01) after clip_grad_norm_(max_norm=5), by hand in double.
        double lr = 1e-3;
        double mu = 0.9;
        double wd = 0.01;
        double[] p = {-1, 0.5};
        double[] buf = new double[2];
        int clipped = 0;
        for (int t = 0; t < 60; t++) {
            double x = p[0];
            double y = p[1];
            double a = x * x + y - 11;
            double b = x + y * y - 7;
            double[] g = {4 * x * a + 2 * b, 2 * a + 4 * y * b};
            double norm = Math.hypot(g[0], g[1]);
            if (norm > 5) {
                clipped++;
                for (int k = 0; k < 2; k++) {
                    g[k] *= 5 / (norm + 1e-6);
                }
            }
            for (int k = 0; k < 2; k++) {
                g[k] += wd * p[k];
                buf[k] = mu * buf[k] + g[k];
                p[k] -= lr * (g[k] + mu * buf[k]);
            }
        }
        assertThat(clipped).as("steps where clipping mattered").isGreaterThan(30);
        Optimizer o = Optimizers.sgd(lr).momentum(mu).nesterov().weightDecay(wd).clipGradNorm(5);
        try (Autograd ag = Autograd.open(1)) {
            Var xy = ag.variable("x_y", -1f, 0.5f);
            Minimizer opt = ag.minimize(himmelblau(xy), o);
            for (int i = 0; i < 20; i++) {
                opt.step();
            }
            opt.steps(40);
            assertThat(xy.value()).containsExactly(new float[] {(float) p[0], (float) p[1]}, within(1e-5f));
        }
    }
}
