package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.training.Optimizers;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void adamw_decays_the_weights_before_adams_step_like_torch_optim_adamw() {
        // Linear(1, 1) on three points, as ModelTest's reference runs; lr 0.1 and wd 0.5 make the decay matter.
        double lr = 0.1;
        double wd = 0.5;
        double[] p = {0.5, -0.25};
        double[] m = new double[2];
        double[] v = new double[2];
        double[] x = {1, 2, 3};
        double[] y = {2, 4, 7};
        for (int t = 1; t <= 6; t++) {
            double[] g = new double[2];
            for (int i = 0; i < 3; i++) {
                double r = p[0] * x[i] + p[1] - y[i];
                g[0] += 2 * r * x[i] / 3;
                g[1] += 2 * r / 3;
            }
            for (int k = 0; k < 2; k++) {
                p[k] *= 1 - lr * wd;
                m[k] = 0.9 * m[k] + 0.1 * g[k];
                v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
                double denom = Math.sqrt(v[k]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                p[k] -= lr / (1 - Math.pow(0.9, t)) * m[k] / denom;
            }
        }
        Dataset data = Dataset.of(new float[][] {{1}, {2}, {3}}, new float[][] {{2}, {4}, {7}});
        try (Model model = Net.of(1, 1).mse().optimizer(Optimizers.adamW(lr, wd)).build()) {
            model.setParameters(List.of(new Parameter("0.weight", List.of(1, 1), new float[] {0.5f}),
                    new Parameter("0.bias", List.of(1), new float[] {-0.25f})));
            model.fit(data, 6);
            assertThat((double) model.parameters().get(0).values()[0]).isCloseTo(p[0], within(1e-5));
            assertThat((double) model.parameters().get(1).values()[0]).isCloseTo(p[1], within(1e-5));
        }
    }
}
