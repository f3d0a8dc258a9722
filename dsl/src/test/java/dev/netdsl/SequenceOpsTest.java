package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Var;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The ops sequence layers are written with (issue 26): matmul over stacks, select, narrow, concat, stack,
 * where, layer norm and detach; values against the definition, gradients against central differences
 * (computed in double from float32 evaluations, with a step where float32's rounding stays small).
 */
class SequenceOpsTest {

    /** The gradient of {@code f} at {@code v} by autodiff and by central differences agree within {@code tol}. */
    static void checkGradient(Autograd ag, Var v, Function<Var, Expr> f, double tol) {
        float[] at = v.value();
        float[] auto = ag.gradient(f.apply(v).sum(), v);
        double h = 1e-2;
        for (int i = 0; i < at.length; i++) {
            float[] up = at.clone();
            float[] down = at.clone();
            up[i] += (float) h;
            down[i] -= (float) h;
            v.set(up);
            double fUp = sum(ag.eval(f.apply(v)));
            v.set(down);
            double fDown = sum(ag.eval(f.apply(v)));
            v.set(at);
            double numeric = (fUp - fDown) / ((double) up[i] - down[i]);
            assertThat((double) auto[i]).as("d/dx[%d]", i).isCloseTo(numeric, within(tol * Math.max(1, Math.abs(numeric))));
        }
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextGaussian();
        }
        return out;
    }

    @Test
    void matmul_over_stacks_and_batched_matmul_give_torch_matmuls_shapes_values_and_gradients() {
        try (Autograd ag = Autograd.open()) {
            Var a = ag.variable("a", random(2 * 3 * 4, 1));
            Var w = ag.variable("w", random(4 * 5, 2));
            Expr x = a.reshape(2, 3, 4);
            Expr y = x.matmul(w.reshape(4, 5));
            assertThat(y.shape()).containsExactly(2, 3, 5);
            float[] av = a.value();
            float[] wv = w.value();
            float[] yv = ag.eval(y);
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 3; t++) {
                    for (int o = 0; o < 5; o++) {
                        double s = 0;
                        for (int k = 0; k < 4; k++) {
                            s += av[(b * 3 + t) * 4 + k] * wv[k * 5 + o];
                        }
                        assertThat((double) yv[(b * 3 + t) * 5 + o]).isCloseTo(s, within(1e-5));
                    }
                }
            }
            checkGradient(ag, a, v -> v.reshape(2, 3, 4).matmul(w.reshape(4, 5)).square(), 2e-2);
            // [2, 3, 4] @ [2, 4, 3]: two 3x3 products.
            Expr scores = x.matmul(x.permute(0, 2, 1));
            assertThat(scores.shape()).containsExactly(2, 3, 3);
            float[] sv = ag.eval(scores);
            double s01 = 0;
            for (int k = 0; k < 4; k++) {
                s01 += av[(3 + 0) * 4 + k] * av[(3 + 1) * 4 + k];
            }
            assertThat((double) sv[9 + 1]).isCloseTo(s01, within(1e-5));
            checkGradient(ag, a, v -> v.reshape(2, 3, 4).matmul(v.reshape(2, 3, 4).permute(0, 2, 1)).tanh(), 2e-2);
        }
    }

    @Test
    void select_narrow_concat_stack_and_where_cut_and_join_with_their_gradients() {
        try (Autograd ag = Autograd.open()) {
            Var a = ag.variable("a", random(2 * 3 * 4, 3));
            Expr x = a.reshape(2, 3, 4);
            float[] av = a.value();
            assertThat(x.select(1, 2).shape()).containsExactly(2, 4);
            assertThat(ag.eval(x.select(1, 2))).containsExactly(av[8], av[9], av[10], av[11], av[20], av[21], av[22], av[23]);
            assertThat(x.narrow(-1, 1, 2).shape()).containsExactly(2, 3, 2);
            assertThat(ag.eval(x.narrow(2, 1, 2))[0]).isEqualTo(av[1]);
            Expr joined = Expr.concat(2, x.narrow(2, 2, 2), x.narrow(2, 0, 2));
            assertThat(ag.eval(joined)[0]).isEqualTo(av[2]);
            assertThat(Expr.stack(1, x.select(1, 0), x.select(1, 1), x.select(1, 2)).shape()).containsExactly(2, 3, 4);
            assertThat(ag.eval(Expr.stack(1, x.select(1, 0), x.select(1, 1), x.select(1, 2)))).containsExactly(av);
            checkGradient(ag, a, v -> {
                Expr y = v.reshape(2, 3, 4);
                return Expr.concat(-1, y.narrow(2, 1, 3).tanh(), Expr.stack(2, y.select(2, 0), y.select(2, 3)).square());
            }, 2e-2);
            Expr mask = x.greaterEqual(0);
            Expr filled = mask.where(x, Expr.scalar(Double.NEGATIVE_INFINITY)).softmax();
            float[] f = ag.eval(filled);
            for (int i = 0; i < av.length; i++) {
                if (av[i] < 0) {
                    assertThat(f[i]).as("masked %d", i).isZero();
                }
            }
            checkGradient(ag, a, v -> v.greaterEqual(0).where(v.square(), v.times(3)), 2e-2);
            assertThat(ag.gradient(x.detach().times(x).sum(), a)).containsExactly(av); // d(stop(x) * x)/dx = x
        }
        assertThatThrownBy(() -> Expr.constant(1f, 2f).select(0, 2)).hasMessageContaining("index out of range");
        assertThatThrownBy(() -> Expr.concat(0, Expr.constant(1f), Expr.constant(new float[4], 2, 2)))
                .hasMessageContaining("concat: shapes");
    }

    @Test
    void layer_norm_normalises_the_last_axes_with_the_biased_variance() {
        try (Autograd ag = Autograd.open()) {
            Var a = ag.variable("a", random(2 * 3 * 4, 4));
            Var g = ag.variable("g", random(4, 5));
            Var b = ag.variable("b", random(4, 6));
            float[] av = a.value();
            float[] y = ag.eval(a.reshape(2, 3, 4).layerNorm(g, b, 1, 1e-5));
            for (int row = 0; row < 6; row++) {
                double mean = 0;
                for (int k = 0; k < 4; k++) {
                    mean += av[row * 4 + k] / 4.0;
                }
                double var = 0;
                for (int k = 0; k < 4; k++) {
                    var += (av[row * 4 + k] - mean) * (av[row * 4 + k] - mean) / 4.0;
                }
                for (int k = 0; k < 4; k++) {
                    double want = (av[row * 4 + k] - mean) / Math.sqrt(var + 1e-5) * g.value()[k] + b.value()[k];
                    assertThat((double) y[row * 4 + k]).isCloseTo(want, within(1e-5));
                }
            }
            checkGradient(ag, a, v -> v.reshape(2, 3, 4).layerNorm(g, b, 1, 1e-5).square(), 3e-2);
            checkGradient(ag, g, v -> a.reshape(2, 3, 4).layerNorm(v, b, 1, 1e-5).square(), 3e-2);
        }
    }
}
