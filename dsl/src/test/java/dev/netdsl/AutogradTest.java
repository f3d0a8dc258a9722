package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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

    static float[] nearest(float[] p) {
        float[] best = null;
        double d = Double.MAX_VALUE;
        for (float[] m : MINIMA) {
            double dm = Math.hypot(m[0] - p[0], m[1] - p[1]);
            if (dm < d) {
                d = dm;
                best = m;
            }
        }
        return best;
    }

    @ParameterizedTest
    @MethodSource("starts")
    void every_seed_start_reaches_a_known_minimum_of_himmelblau(float x0, float y0) {
        try (Autograd ag = Autograd.open(1)) {
            Var xy = ag.variable("x_y", x0, y0);
            Expr f = himmelblau(xy);
            Minimizer opt = ag.minimize(f, Optimizers.adam(1e-3));

            opt.steps(20_000);

            float[] found = xy.value();
            float[] m = nearest(found);
            assertThat(found[0]).isCloseTo(m[0], within(1e-3f));
            assertThat(found[1]).isCloseTo(m[1], within(1e-3f));
            assertThat(ag.eval(f)[0]).isLessThan(1e-6f);
        }
    }

    static Stream<Arguments> starts() {
        return Stream.of(Arguments.of(0f, 0f), Arguments.of(1f, 0f), Arguments.of(-4f, 0f), Arguments.of(4f, 0f));
    }

    static Stream<Optimizer> optimizers() {
        return Stream.of(Optimizers.sgd(1e-3), Optimizers.sgd(1e-3, 0.9), Optimizers.adam(1e-2), Optimizers.rmsprop(1e-2),
                Optimizers.adagrad(0.1), Optimizers.adadelta());
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
            before = opt.step();              // one update; returns f before it, like the seed's loop body
            last = opt.steps(19_999);         // the other 19,999 in one native call, compiled by XLA
            found = xy.value();               // [3.0, 2.0]
        }
        // --- README example end ---
        assertThat(before).isEqualTo(170f);
        assertThat(last).isLessThan(1e-6f);
        assertThat(found).containsExactly(new float[] {3f, 2f}, within(1e-3f));
    }
}
