package dev.netdsl.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netdsl.Dataset;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** The README's first example, run as written, plus what it writes. */
class ReadmeExampleTest {

    @Test
    void the_readme_example_trains_saves_and_exports(@TempDir Path dir) throws Exception {
        Path weights = dir.resolve("sine.weights");
        Path export = dir.resolve("sine-savedmodel");
        float[][] expected;
        // --- README example start ---
        try (Model net = Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05).seed(1).build()) {
            Dataset sine = SineWave.of(1000, -10, 10);          // x: [1000,1], y = sin(x)
            History h = net.fit(sine, 2_000);                   // full-batch steps, progress shown on a terminal
            float[][] yHat = net.predict(sine.x());
            net.parameters().forEach(p -> System.out.println(p.name() + " " + p.shape()));
            net.save(weights);                                  // weights only, like state_dict
            net.exportSavedModel(export);                       // TF SavedModel, signature serving_default
            // --- README example end ---
            expected = yHat;
            assertThat(h.steps()).isEqualTo(2000);
            // sin(x) has variance 0.5: the start is near that; 2,000 steps reach 0.05-0.10 for every one of 20 seeds,
            // with oneDNN on or off, so 0.2 leaves a wide margin and still fails a net that did not learn.
            assertThat(h.losses()[0]).isGreaterThan(0.3f);
            assertThat(h.finalLoss()).isLessThan(0.2f);
            assertThat(net.loss(sine)).isLessThan(0.2f);
            double sq = 0;
            float[][] ys = sine.y();
            for (int i = 0; i < 1000; i++) {
                sq += Math.pow(yHat[i][0] - ys[i][0], 2);
            }
            assertThat(sq / 1000).isCloseTo(net.loss(sine), org.assertj.core.api.Assertions.within(1e-5));
            assertThatThrownBy(() -> net.exportSavedModel(export))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not empty");
        }

        // The weights load into a fresh model of the same spec and predict the same values.
        Dataset sine = SineWave.of(1000, -10, 10);
        try (Model again = Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05).seed(2).build()) {
            assertThat(again.predict(sine.x())).isNotEqualTo(expected);
            again.load(weights);
            assertThat(again.predict(sine.x())).isDeepEqualTo(expected);
        }
        // The SavedModel loads with TensorFlow's own loader and computes the same function.
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        float[] xs = new float[1000];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = sine.x()[i][0];
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve");
             TFloat32 x = TFloat32.tensorOf(Shape.of(1000, 1), DataBuffers.of(xs));
             Result r = bundle.function("serving_default").call(Map.of("x", x))) {
            TFloat32 y = (TFloat32) r.get("y").orElseThrow();
            for (int i = 0; i < 1000; i += 37) {
                assertThat(y.getFloat(i, 0)).isCloseTo(expected[i][0], org.assertj.core.api.Assertions.within(1e-6f));
            }
        }
    }

    @Test
    void sine_wave_matches_the_tutorials_linspace_and_sin() {
        Dataset d = SineWave.of(1000, -10, 10);
        float[][] x = d.x();
        float[][] y = d.y();

        assertThat(d.size()).isEqualTo(1000);
        assertThat(x[0][0]).isEqualTo(-10f);
        assertThat(x[999][0]).isEqualTo(10f);
        assertThat(x[500][0]).isCloseTo(-10f + 20f * 500 / 999, org.assertj.core.api.Assertions.within(1e-5f));
        assertThat(y[123][0]).isEqualTo((float) Math.sin(x[123][0]));
        assertThatThrownBy(() -> SineWave.of(1, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 points");
    }
}
