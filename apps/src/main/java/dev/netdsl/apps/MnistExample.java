package dev.netdsl.apps;

import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.Evaluation;
import dev.netdsl.Expr;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Feeds;
import dev.netdsl.autograd.Input;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.datasets.Batches;
import dev.netdsl.datasets.Idx;
import dev.netdsl.datasets.Mnist;
import dev.netdsl.models.MnistMlp;
import dev.netdsl.training.Loss;
import dev.netdsl.training.Optimizers;
import dev.netdsl.training.SGD;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The seed's MNIST programs (001): the 784-200-200-10 MLP trained with SGD on batches of 200,
 * either as an {@code nn.Sequential} ({@code mnist}) or with hand-written weights, Kaiming-normal
 * initialisation and a hand-written forward pass through {@link Autograd} ({@code mnist-raw}).
 * Like the seed, both end with a ReLU on the logits unless {@code finalRelu} is off.
 */
public final class MnistExample {
    /** What to run; defaults are the seed's. */
    public record Options(boolean raw, int epochs, int batchSize, double lr, long seed, Path dataDir, boolean fashion,
                          Device device, Path out, boolean finalRelu, boolean offline) {
    }

    /** One epoch's numbers. */
    public record Epoch(int epoch, double trainLoss, double testLoss, double seedPrintedTestLoss, int correct, int total,
                        double seconds) {
    }

    /** What a run produced. */
    public record Result(List<Epoch> epochs, double testAccuracy, String data, Path dir) {
    }

    /** One of the two programs behind a common face. */
    private interface Trainer extends AutoCloseable {
        float step(Dataset batch);

        /** Loss (mean per example) and accuracy of a batch. */
        Evaluation evaluate(Dataset batch);

        int[] predict(Dataset data);

        /** Hands the trained model or graph to {@code trained}. */
        void handOver(Trained trained);

        String device();

        @Override
        void close();
    }

    private MnistExample() {
    }

    /** Trains, prints the seed's lines, and writes plots and metrics. */
    public static Result run(Options o, PrintStream console) {
        return run(o, console, Trained.NONE);
    }

    /** {@link #run(Options, PrintStream)}, handing the trained model ("mnist" or "mnist-raw") to {@code trained}. */
    public static Result run(Options o, PrintStream console, Trained trained) {
        if (o.epochs() < 1 || o.batchSize() < 1) {
            throw new IllegalArgumentException("--epochs and --batch-size must be at least 1 (got " + o.epochs() + ", "
                    + o.batchSize() + ")");
        }
        String name = o.raw() ? "mnist-raw" : "mnist";
        Mnist data = Mnist.find(o.fashion() ? Mnist.Kind.FASHION : Mnist.Kind.MNIST, o.dataDir(), System.getenv(),
                Path.of(System.getProperty("user.home")), !o.offline(), console::println);
        Dataset train = data.train();
        Dataset test = data.test();
        console.printf("data: %s, %d train / %d test samples%n", data.source(), train.size(), test.size());
        Path dir = Outputs.directory(o.out().resolve(name));
        List<Epoch> epochs = new ArrayList<>();
        List<double[]> trainCurve = new ArrayList<>();
        try (Trainer t = o.raw() ? raw(o) : sequential(o)) {
            console.println("device: " + t.device());
            Batches batches = Batches.of(train, o.batchSize()).shuffle(o.seed());
            Batches testBatches = Batches.of(test, o.batchSize());
            for (int e = 0; e < o.epochs(); e++) {
                long t0 = System.nanoTime();
                double sum = 0;
                List<Dataset> list = batches.epoch(e);
                for (int b = 0; b < list.size(); b++) {
                    Dataset batch = list.get(b);
                    float loss = t.step(batch);
                    sum += loss * batch.size();
                    trainCurve.add(new double[] {e + (double) b / list.size(), loss});
                    if (b % 100 == 0) {
                        console.printf("Train Epoch: %d [%d/%d (%.0f%%)]\tLoss: %.6f%n", e, b * o.batchSize(), train.size(),
                                100.0 * b / list.size(), loss);
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double seedLoss = 0;
                double testSum = 0;
                int correct = 0;
                for (Dataset batch : testBatches.epoch(0)) {
                    Evaluation ev = t.evaluate(batch);
                    seedLoss += ev.loss();
                    testSum += ev.loss() * batch.size();
                    correct += ev.correct();
                }
                seedLoss /= test.size();
                console.printf("%nTest set: Average loss: %.4f, Accuracy: %d/%d (%.0f%%)%n%n", seedLoss, correct, test.size(),
                        100.0 * correct / test.size());
                epochs.add(new Epoch(e, sum / train.size(), testSum / test.size(), seedLoss, correct, test.size(), seconds));
            }
            Epoch last = epochs.get(epochs.size() - 1);
            double accuracy = (double) last.correct() / last.total();
            int[] predicted = t.predict(test);
            int[] truth = data.testLabels();
            Outputs.png(dir.resolve("loss.png"), lossChart(trainCurve, epochs, name));
            Outputs.png(dir.resolve("accuracy.png"), accuracyChart(epochs, name));
            Outputs.write(dir.resolve("predictions.png"), predictionsPng(data.testImages(), predicted, truth, data.classNames()));
            Outputs.png(dir.resolve("confusion.png"), confusionChart(predicted, truth, data.classNames(), name));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", name);
            m.put("data", Map.of("set", data.kind().directoryName(), "source", data.source(), "train_samples", train.size(),
                    "test_samples", test.size()));
            m.put("device", t.device());
            m.put("epochs", epochs.stream().map(ep -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("epoch", ep.epoch());
                row.put("train_loss", ep.trainLoss());
                row.put("test_loss", ep.testLoss());
                row.put("seed_printed_test_loss", ep.seedPrintedTestLoss());
                row.put("accuracy", (double) ep.correct() / ep.total());
                row.put("seconds", ep.seconds());
                return row;
            }).toList());
            m.put("test_accuracy", accuracy);
            m.put("batch_size", o.batchSize());
            m.put("lr", o.lr());
            m.put("seed", o.seed());
            m.put("final_relu", o.finalRelu());
            m.put("seconds_per_epoch", epochs.stream().mapToDouble(Epoch::seconds).average().orElse(0));
            Outputs.json(dir.resolve("metrics.json"), m);
            t.handOver(trained);
            console.printf("test accuracy %.2f%% after %d epochs (%.2f s per epoch); wrote %s%n", 100 * accuracy, o.epochs(),
                    epochs.stream().mapToDouble(Epoch::seconds).average().orElse(0), dir);
            return new Result(epochs, accuracy, data.source(), dir);
        }
    }

    /** The seed's {@code nn.Sequential} MLP through {@link Net#sequential}. */
    private static Trainer sequential(Options o) {
        Model model = MnistMlp.sequential(o.finalRelu()).crossEntropy().sgd(o.lr()).seed(o.seed()).build(o.device()).progress(false);
        return new Trainer() {
            @Override
            public float step(Dataset batch) {
                return model.step(batch);
            }

            @Override
            public Evaluation evaluate(Dataset batch) {
                return model.evaluate(batch);
            }

            @Override
            public int[] predict(Dataset data) {
                return argmax(model.predict(data.x()));
            }

            @Override
            public String device() {
                return model.device().toString();
            }

            @Override
            public void handOver(Trained trained) {
                trained.model("mnist", model);
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    /** The seed's hand-written weights and forward pass through {@link Autograd}. */
    private static Trainer raw(Options o) {
        Autograd ag = Autograd.open(o.seed(), o.device());
        Input x = ag.input("x", -1, 784);
        Input y = ag.input("y", -1, 10);
        Expr out = MnistMlp.raw(ag, x, o.finalRelu());
        // nn.CrossEntropyLoss on one-hot targets: -sum(y * log_softmax(logits)) per row, averaged.
        Expr perExample = y.times(out.logSoftmax()).sum(1).neg();
        Minimizer opt = ag.minimize(perExample.mean(), Optimizers.sgd(o.lr()));
        return new Trainer() {
            @Override
            public float step(Dataset batch) {
                return opt.step(feeds(batch));
            }

            @Override
            public Evaluation evaluate(Dataset batch) {
                Feeds f = feeds(batch);
                float[] losses = ag.eval(perExample, f);
                int[] predicted = argmax(ag.eval(out, f), 10);
                int[] labels = batch.labels();
                double sum = 0;
                int correct = 0;
                for (int i = 0; i < labels.length; i++) {
                    sum += losses[i];
                    correct += predicted[i] == labels[i] ? 1 : 0;
                }
                return new Evaluation(sum / labels.length, correct, labels.length);
            }

            @Override
            public int[] predict(Dataset data) {
                return argmax(ag.eval(out, feeds(data)), 10);
            }

            @Override
            public String device() {
                return ag.device().toString();
            }

            @Override
            public void handOver(Trained trained) {
                trained.graph("mnist-raw", ag, Map.of("x", x), Map.of("y", out));
            }

            @Override
            public void close() {
                ag.close();
            }

            private Feeds feeds(Dataset batch) {
                int n = batch.size();
                float[] oneHot = new float[n * 10];
                int[] labels = batch.labels();
                for (int i = 0; i < n; i++) {
                    oneHot[i * 10 + labels[i]] = 1;
                }
                return Feeds.of(x, batch.xRowMajor(), n, 784).and(y, oneHot, n, 10);
            }
        };
    }

    static int[] argmax(float[][] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int c = 1; c < rows[i].length; c++) {
                if (rows[i][c] > rows[i][out[i]]) {
                    out[i] = c;
                }
            }
        }
        return out;
    }

    static int[] argmax(float[] flat, int width) {
        int[] out = new int[flat.length / width];
        for (int i = 0; i < out.length; i++) {
            for (int c = 1; c < width; c++) {
                if (flat[i * width + c] > flat[i * width + out[i]]) {
                    out[i] = c;
                }
            }
        }
        return out;
    }

    private static XYChart lossChart(List<double[]> train, List<Epoch> epochs, String name) {
        XYChart chart = new XYChartBuilder().width(860).height(520).title(name + ": cross-entropy loss")
                .xAxisTitle("epoch").yAxisTitle("loss").build();
        chart.getStyler().setMarkerSize(6);
        XYSeries s = chart.addSeries("train (each batch)", train.stream().mapToDouble(p -> p[0]).toArray(),
                train.stream().mapToDouble(p -> p[1]).toArray());
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(new Color(31, 119, 180, 140));
        XYSeries t = chart.addSeries("test (mean per example, end of epoch)",
                epochs.stream().mapToDouble(e -> e.epoch() + 1).toArray(), epochs.stream().mapToDouble(Epoch::testLoss).toArray());
        t.setLineColor(Color.RED);
        t.setMarkerColor(Color.RED);
        t.setLineStyle(new BasicStroke(2.5f));
        return chart;
    }

    private static XYChart accuracyChart(List<Epoch> epochs, String name) {
        XYChart chart = new XYChartBuilder().width(760).height(480).title(name + ": test accuracy per epoch")
                .xAxisTitle("epoch").yAxisTitle("accuracy (%)").build();
        chart.getStyler().setLegendVisible(false).setMarkerSize(8);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.addSeries("accuracy", epochs.stream().mapToDouble(e -> e.epoch() + 1).toArray(),
                epochs.stream().mapToDouble(e -> 100.0 * e.correct() / e.total()).toArray());
        return chart;
    }

    private static HeatMapChart confusionChart(int[] predicted, int[] truth, List<String> classes, String name) {
        int[][] counts = new int[10][10];
        for (int i = 0; i < truth.length; i++) {
            counts[truth[i]][predicted[i]]++;
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(820).height(760).title(name + ": confusion matrix (test set)")
                .xAxisTitle("predicted").yAxisTitle("true").build();
        chart.getStyler().setShowValue(true).setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
                .setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)});
        chart.getStyler().setLegendVisible(false);
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                cells.add(new Number[] {p, 9 - t, counts[t][p]});
            }
        }
        List<String> reversed = new ArrayList<>(classes);
        java.util.Collections.reverse(reversed);
        chart.addSeries("counts", classes, reversed, cells);
        return chart;
    }

    /** A grid of the first 32 test images with predicted and true labels (green right, red wrong). */
    private static byte[] predictionsPng(Idx.Images images, int[] predicted, int[] truth, List<String> classes) {
        int cols = 8;
        int rows = 4;
        int scale = 4;
        int cell = 28 * scale;
        int caption = 34;
        int width = cols * (cell + 10) + 10;
        int height = rows * (cell + caption + 10) + 50;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Test images: predicted / true label", 12, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int k = 0; k < Math.min(rows * cols, images.count()); k++) {
            int x0 = 10 + (k % cols) * (cell + 10);
            int y0 = 45 + (k / cols) * (cell + caption + 10);
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    int v = 255 - images.pixel(k, r, c);
                    g.setColor(new Color(v, v, v));
                    g.fillRect(x0 + c * scale, y0 + r * scale, scale, scale);
                }
            }
            boolean right = predicted[k] == truth[k];
            g.setColor(right ? new Color(0, 130, 0) : new Color(200, 0, 0));
            g.drawString("pred " + classes.get(predicted[k]), x0, y0 + cell + 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString("true " + classes.get(truth[k]), x0, y0 + cell + 29);
        }
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
