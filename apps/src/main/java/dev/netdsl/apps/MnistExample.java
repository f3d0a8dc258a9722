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
        // The tutorial's MLP takes x.view(-1, 28*28): the images as vectors.
        Dataset train = data.train().reshape(784);
        Dataset test = data.test().reshape(784);
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
            Outputs.png(dir.resolve("accuracy.png"), ClassifierPlots.accuracy(epochs.stream().mapToDouble(e -> e.epoch() + 1)
                    .toArray(), epochs.stream().mapToDouble(e -> 100.0 * e.correct() / e.total()).toArray(), name));
            Outputs.write(dir.resolve("predictions.png"), ClassifierPlots.predictions(data.testImages(), predicted, truth,
                    data.classNames()));
            Outputs.png(dir.resolve("confusion.png"), ClassifierPlots.confusion(predicted, truth, data.classNames(), name));
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
                return ClassifierPlots.argmax(model.predict(data.x()));
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
                int[] predicted = ClassifierPlots.argmax(ag.eval(out, f), 10);
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
                return ClassifierPlots.argmax(ag.eval(out, feeds(data)), 10);
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
}
