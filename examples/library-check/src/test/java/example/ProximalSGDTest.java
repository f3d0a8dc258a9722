package example;

import static dev.netdsl.layers.Layers.linear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.training.Optimizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An optimizer with its own TensorFlow kernel, defined here, outside the library: the formula, both paths, files. */
class ProximalSGDTest {
    private static final float[][] X = {{1f, -2f}, {0.5f, 3f}, {-1f, 0.25f}, {2f, 1f}};
    private static final float[][] Y = {{0.5f}, {-1f}, {2f}, {0.25f}};
    private static final double LR = 0.1;
    private static final double L1 = 0.05;
    private static final double L2 = 0.5;

    private static Net spec() {
        return Net.sequential(linear(2, 1)).mse().optimizer(new ProximalSGD(LR, L1, L2)).seed(7);
    }

    private static double prox(double p, double g) {
        double v = p - LR * g;
        return Math.signum(v) * Math.max(Math.abs(v) - LR * L1, 0) / (1 + LR * L2);
    }

    @Test
    void one_step_is_the_proximal_formula() {
        try (Model m = spec().build()) {
            float[] w = m.layer(0).weight().values();
            float b = m.layer(0).bias().values()[0];
            // MSE over the batch: dL/dpred = 2 (pred - y) / n.
            double[] gw = new double[2];
            double gb = 0;
            for (int i = 0; i < X.length; i++) {
                double e = 2 * (w[0] * X[i][0] + w[1] * X[i][1] + b - Y[i][0]) / X.length;
                gw[0] += e * X[i][0];
                gw[1] += e * X[i][1];
                gb += e;
            }
            m.step(Dataset.of(X, Y)); // one step, in place: TensorFlow's ApplyProximalGradientDescent
            float[] w1 = m.layer(0).weight().values();
            assertEquals(prox(w[0], gw[0]), w1[0], 1e-6);
            assertEquals(prox(w[1], gw[1]), w1[1], 1e-6);
            assertEquals(prox(b, gb), m.layer(0).bias().values()[0], 1e-6);
        }
    }

    @Test
    void the_kernel_and_the_rule_train_alike_and_the_model_file_keeps_it() throws Exception {
        Dataset data = Dataset.of(X, Y);
        List<Parameter> fused;
        List<Parameter> inPlace;
        try (Model m = spec().build().progress(false)) {
            m.fit(data, 50); // cheap full-batch steps run fused, many per call: the update rule in the loop
            fused = m.parameters();
        }
        System.setProperty("netdsl.fused", "false");
        try (Model m = spec().build().progress(false)) {
            m.fit(data, 50); // one call per step: the kernel
            inPlace = m.parameters();
        } finally {
            System.clearProperty("netdsl.fused");
        }
        for (int i = 0; i < fused.size(); i++) {
            float[] a = fused.get(i).values();
            float[] b = inPlace.get(i).values();
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], b[j], 1e-5, fused.get(i).name() + "[" + j + "]");
            }
        }

        Path file = Files.createTempDirectory("proximal").resolve("model.netdsl");
        try (Model m = spec().build()) {
            m.fit(data, 3);
            m.saveAll(file);
        }
        Optimizers.register("ProximalSGD", ProximalSGD::fromSettings);
        try (Model reopened = Model.open(file)) {
            assertEquals(new ProximalSGD(LR, L1, L2), reopened.spec().optimizer().orElseThrow());
            float before = reopened.loss(data);
            reopened.fit(data, 20);
            assertTrue(reopened.loss(data) < before, "trains on after reopening");
        }
    }
}
