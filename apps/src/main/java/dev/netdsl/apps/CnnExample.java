package dev.netdsl.apps;

import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.Model;
import dev.netdsl.Precision;
import dev.netdsl.Parameter;
import dev.netdsl.datasets.Mnist;
import dev.netdsl.models.Cnn;
import dev.netdsl.training.Fit;
import dev.netdsl.training.LrSchedule;
import dev.netdsl.training.Optimizers;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The convolutional chapter after the tutorials: {@link Cnn#mnist()} (two convolution blocks with batch
 * norm, ReLU and max pooling, then a linear layer with dropout) trained with Adam on MNIST or
 * Fashion-MNIST images {@code [n, 1, 28, 28]}, through {@code Model.fit} with the test set as validation, a
 * cosine learning-rate schedule, and a callback that prints the MNIST example's lines.
 */
public final class CnnExample {
    /** What to run. */
    public record Options(int epochs, int batchSize, double lr, long seed, Path dataDir, boolean fashion, Device device, Path out,
                          boolean offline, boolean quiet, Precision precision) {
        public Options {
            Checks.atLeast("--epochs", epochs, 1);
            Checks.atLeast("--batch-size", batchSize, 1);
            Optimizers.adam(lr);
            java.util.Objects.requireNonNull(precision, "precision");
        }

        /** In float32. */
        public Options(int epochs, int batchSize, double lr, long seed, Path dataDir, boolean fashion, Device device, Path out,
                       boolean offline, boolean quiet) {
            this(epochs, batchSize, lr, seed, dataDir, fashion, device, out, offline, quiet, Precision.FLOAT32);
        }

        /** 10 epochs, batch 128, Adam 1e-3, seed 1, MNIST from wherever it is found. */
        public static Options defaults() {
            return new Options(10, 128, 1e-3, 1, null, false, Device.AUTO, Path.of("out"), false, false);
        }
    }

    /** What a run produced. */
    public record Result(List<Epoch> epochs, double testAccuracy, String data, Path dir) {
    }

    private CnnExample() {
    }

    /** Trains, prints, and writes plots and metrics. */
    public static Result run(Options o, PrintStream console) {
        return run(o, console, Trained.NONE);
    }

    /** {@link #run(Options, PrintStream)}, handing the trained model ("cnn") to {@code trained}. */
    public static Result run(Options o, PrintStream console, Trained trained) {
        PrintStream chat = Outputs.unlessQuiet(console, o.quiet());
        Mnist data = Mnist.find(o.fashion() ? Mnist.Kind.FASHION : Mnist.Kind.MNIST, o.dataDir(), System.getenv(),
                Path.of(System.getProperty("user.home")), !o.offline(), chat::println);
        Dataset train = data.train();
        Dataset test = data.test();
        chat.printf("data: %s, %d train / %d test samples, images %s%n", data.source(), train.size(), test.size(),
                java.util.Arrays.toString(train.exampleShape()));
        Path dir = Outputs.directory(o.out().resolve("cnn"));
        try (Model model = Cnn.mnist().crossEntropy().adam(o.lr()).seed(o.seed()).precision(o.precision())
                .build(o.device())) {
            chat.println("device: " + model.device());
            chat.println(model.summary());
            TutorialLines lines = new TutorialLines(chat, train.size(), o.batchSize(), test.size(), o.epochs(), !o.quiet());
            // The test set as validation, as the tutorials test after each epoch; the rate anneals along a cosine. The MNIST
            // example's lines and a bar per epoch come from the callback; the fit's own epoch line would repeat them.
            model.fit(train, Fit.epochs(o.epochs()).batchSize(o.batchSize()).validation(test)
                    .callbacks(lines, LrSchedule.cosine(o.epochs())).quiet());
            List<Epoch> epochs = lines.epochs;
            double accuracy = epochs.get(epochs.size() - 1).testAccuracy();
            int[] predicted = ClassifierPlots.argmax(model.predict(test.xTensor()).rows());
            int[] truth = data.testLabels();
            Outputs.png(dir.resolve("loss.png"), lines.lossChart("cnn"));
            Outputs.png(dir.resolve("accuracy.png"), lines.accuracyChart("cnn"));
            int[][] confusion = ClassifierPlots.confusionCounts(predicted, truth, data.classNames().size());
            Outputs.write(dir.resolve("confusion.png"), ClassifierPlots.confusion(confusion, data.classNames(), "cnn"));
            Outputs.write(dir.resolve("predictions.png"), ClassifierPlots.predictions(data.testImages(), predicted, truth,
                    data.classNames()));
            Outputs.write(dir.resolve("kernels.png"), kernelsPng(model.layer(0).weight()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", "cnn");
            m.put("net", model.spec().toString());
            m.put("parameters", model.spec().parameterCount());
            m.put("data", Outputs.record("set", data.kind().directoryName(), "source", data.source(), "train_samples", train.size(),
                    "test_samples", test.size()));
            m.put("device", model.device().toString());
            m.put("precision", model.precision().fileName());
            m.put("epochs", Outputs.epochRows(epochs));
            m.put("test_accuracy", accuracy);
            m.put("batch_size", o.batchSize());
            m.put("lr", o.lr());
            m.put("lr_schedule", "cosine over " + Checks.count(o.epochs(), "epoch"));
            m.put("seed", o.seed());
            m.put("seconds_per_epoch", epochs.stream().mapToDouble(Epoch::seconds).average().orElse(0));
            m.put("never_predicted", ClassifierPlots.neverPredicted(confusion, data.classNames()));
            m.put("confusion", confusion);
            Outputs.json(dir.resolve("metrics.json"), m);
            trained.model("cnn", model);
            console.printf("test accuracy %.2f%% after %s (%.2f s per epoch); wrote %s%n", 100 * accuracy,
                    Checks.count(o.epochs(), "epoch"),
                    epochs.stream().mapToDouble(Epoch::seconds).average().orElse(0), dir);
            return new Result(epochs, accuracy, data.source(), dir);
        }
    }

    /** The first convolution's kernels ([32, 1, 3, 3]) as tiles: blue negative, white 0, red positive. */
    static byte[] kernelsPng(Parameter weight) {
        int count = weight.shape().get(0);
        int kh = weight.shape().get(2);
        int kw = weight.shape().get(3);
        float[] v = weight.values();
        float max = 1e-12f;
        for (float f : v) {
            max = Math.max(max, Math.abs(f));
        }
        int scale = 30;
        int cols = 8;
        int rows = (count + cols - 1) / cols;
        int gap = 12;
        int width = cols * (kw * scale + gap) + gap;
        int height = rows * (kh * scale + gap + 16) + 60;
        Canvas canvas = new Canvas(width, height, false);
        Graphics2D g = canvas.g;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("First convolution's " + count + " learned " + kh + "x" + kw + " kernels", gap, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format("blue < 0 < red, scale +-%.3f", max), gap, 42);
        for (int k = 0; k < count; k++) {
            int x0 = gap + (k % cols) * (kw * scale + gap);
            int y0 = 52 + (k / cols) * (kh * scale + gap + 16);
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    float t = v[(k * kh + i) * kw + j] / max;
                    int fade = (int) (255 * (1 - Math.abs(t)));
                    g.setColor(t >= 0 ? new Color(255, fade, fade) : new Color(fade, fade, 255));
                    g.fillRect(x0 + j * scale, y0 + i * scale, scale, scale);
                }
            }
            g.setColor(Color.GRAY);
            g.drawRect(x0, y0, kw * scale, kh * scale);
            g.setColor(Color.DARK_GRAY);
            g.drawString("#" + k, x0, y0 + kh * scale + 13);
        }
        return canvas.png();
    }
}
