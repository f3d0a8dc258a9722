package dev.netdsl.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;

import dev.netdsl.Dataset;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.training.Fit;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** The README's first example and its Data section's, run as written, plus what they give. */
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

    @Test
    void the_readme_mnist_example_loads_takes_splits_trains_and_names_predictions(@TempDir Path home) throws Exception {
        // Mnist.load() finds the embedded sample's files in this home's cache, as ./netdsl mnist would: no download.
        MnistTest.withMnistInTheCache(home, () -> {
            // --- README example start ---
            Mnist mnist = Mnist.load();                                    // as ./netdsl mnist finds it; Mnist.fashion() likewise
            Dataset train = mnist.train().reshape(784).take(2000);         // [n, 1, 28, 28] images as 784 values, the first 2,000
            Dataset.Split parts = train.split(0.2, 42);                    // seeded: 400 held out, the same ones for seed 42
            try (Model model = Net.of(784, 64, 10).relu().crossEntropy().adam(1e-3).seed(1).build()) {
                model.fit(parts.train(), Fit.epochs(5).batchSize(32).validation(parts.test()).quiet());
                int[] predicted = model.predictClasses(parts.test().x());  // the highest of each row's 10 outputs
                List<String> names = parts.test().classNames();            // "0".."9"; Fashion-MNIST's are "T-shirt/top", ...
                System.out.println("first test image: " + names.get(predicted[0]));
                // --- README example end ---
                assertThat(names).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
                assertThat(train.size()).isEqualTo(2000);
                assertThat(train.labels()).isEqualTo(java.util.Arrays.copyOf(mnist.train().labels(), 2000));
                assertThat(parts.train().size()).isEqualTo(1600);
                assertThat(parts.test().size()).isEqualTo(400);
                // predictClasses agrees with what evaluate counts as right; 1,600 real digits and 5 epochs give ~89%.
                double accuracy = model.evaluate(parts.test()).accuracy();
                assertThat(correct(predicted, parts.test().labels())).isEqualTo(accuracy);
                assertThat(accuracy).isGreaterThan(0.8);
            }
        });
    }

    /** An iris-like table: 4 measurements around each species' means (Fisher's iris data), 150 rows. */
    private static String irisLike() {
        String[] species = {"setosa", "versicolor", "virginica"};
        double[][] means = {{5.0, 3.4, 1.5, 0.2}, {5.9, 2.8, 4.3, 1.3}, {6.6, 3.0, 5.6, 2.0}};
        SplittableRandom r = new SplittableRandom(4);
        StringBuilder b = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,species\n");
        for (int i = 0; i < 150; i++) {
            int s = i % 3;
            for (int c = 0; c < 4; c++) {
                b.append(String.format(Locale.ROOT, "%.1f,", means[s][c] + 0.25 * r.nextGaussian()));
            }
            b.append(species[s]).append('\n');
        }
        return b.toString();
    }

    /** A folder of class folders: reddish "cat" PNGs and bluish "dog" JPEGs with noise, 12 of each. */
    private static void pets(Path root) throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        for (String kind : new String[] {"cat", "dog"}) {
            Files.createDirectories(root.resolve(kind));
            for (int i = 0; i < 12; i++) {
                BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 20; y++) {
                    for (int x = 0; x < 20; x++) {
                        int noise = r.nextInt(80);
                        img.setRGB(x, y, kind.equals("cat") ? new Color(160 + noise, 60 + noise, 40).getRGB()
                                : new Color(40, 60 + noise, 160 + noise).getRGB());
                    }
                }
                ImageIO.write(img, kind.equals("cat") ? "png" : "jpg", root.resolve(kind + "/" + i + (kind.equals("cat")
                        ? ".png" : ".jpg")).toFile());
            }
        }
    }

    @Test
    void the_readme_csv_example_knows_its_class_names(@TempDir Path dir) throws Exception {
        Path irisCsv = Files.writeString(dir.resolve("iris.csv"), irisLike());
        // --- README example start ---
        Csv.Table iris = Csv.read(irisCsv).label("species").load();      // the other columns are the features
        Dataset flowers = iris.dataset();                                // 150 x 4, labels 0..2
        Dataset.Split parts = flowers.split(0.2, 7);
        try (Model model = Net.of(4, 16, 3).relu().crossEntropy().adam(1e-2).seed(1).build()) {
            model.fit(parts.train(), Fit.epochs(30).batchSize(16).quiet());
            int[] predicted = model.predictClasses(parts.test().x());
            System.out.println(flowers.classNames().get(predicted[0]));  // setosa, versicolor or virginica
            // --- README example end ---
            assertThat(flowers.classNames()).containsExactly("setosa", "versicolor", "virginica").isEqualTo(iris.classNames());
            assertThat(flowers.toString()).isEqualTo("Dataset[150 x 4, labels [setosa, versicolor, virginica]]");
            assertThat(parts.train().size()).isEqualTo(120);
            assertThat(parts.test().classNames()).isEqualTo(flowers.classNames());
            assertThat(correct(predicted, parts.test().labels())).isGreaterThan(0.9);
        }
    }

    @Test
    void the_readme_image_folder_example_knows_its_class_names(@TempDir Path dir) throws Exception {
        Path petsDir = dir.resolve("pets");
        pets(petsDir);
        // --- README example start ---
        ImageFolder pets = ImageFolder.load(petsDir, 3, 16, 16);       // pets/cat/*.png, pets/dog/*.jpg, resized
        Dataset images = pets.dataset();                               // [n, 3, 16, 16], labels by folder
        try (Model model = Net.sequential(flatten(), linear(2)).input(3, 16, 16).crossEntropy().adam(1e-2).seed(1).build()) {
            model.fit(images, Fit.epochs(10).batchSize(8).quiet());
            int[] predicted = model.predictClasses(images.xTensor());  // images go in as a Tensor [n, 3, 16, 16]
            System.out.println(pets.classNames().get(predicted[0]));   // cat or dog
            // --- README example end ---
            assertThat(pets.classNames()).containsExactly("cat", "dog");
            assertThat(images.classNames()).isEqualTo(pets.classNames());
            assertThat(images.exampleShape()).containsExactly(3, 16, 16);
            assertThat(correct(predicted, images.labels())).isEqualTo(1.0);
        }
    }

    private static double correct(int[] guesses, int[] truth) {
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            right += guesses[i] == truth[i] ? 1 : 0;
        }
        return right / (double) truth.length;
    }
}
