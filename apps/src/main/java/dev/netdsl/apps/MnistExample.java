package dev.netdsl.apps;

import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.Expr;
import dev.netdsl.Model;
import dev.netdsl.Precision;
import dev.netdsl.Net;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Feeds;
import dev.netdsl.autograd.Input;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.datasets.Batches;
import dev.netdsl.datasets.Mnist;
import dev.netdsl.models.MnistMlp;
import dev.netdsl.training.Fit;
import dev.netdsl.training.Optimizers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MNIST tutorial's programs: the 784-200-200-10 MLP trained with SGD on batches of 200,
 * either as an {@code nn.Sequential} ({@code mnist}) or with hand-written weights, Kaiming-normal
 * initialisation and a hand-written forward pass through {@link Autograd} ({@code mnist-raw}).
 * Like the tutorial, both end with a ReLU on the logits unless {@code finalRelu} is off.
 */
public final class MnistExample {
    /** What to run; defaults are the tutorial's. */
    public record Options(boolean raw, int epochs, int batchSize, double lr, long seed, Path dataDir, boolean fashion,
                          Device device, Path out, boolean finalRelu, boolean offline, boolean quiet, Precision precision) {
        public Options {
            Checks.atLeast("--epochs", epochs, 1);
            Checks.atLeast("--batch-size", batchSize, 1);
            Optimizers.sgd(lr);
            java.util.Objects.requireNonNull(precision, "precision");
            if (raw && precision != Precision.FLOAT32) {
                throw new IllegalArgumentException("--precision " + precision.fileName() + ": mnist-raw computes its hand-written"
                        + " graph in float32; bf16 is for models built from a Net (use mnist)");
            }
        }

        /** In float32. */
        public Options(boolean raw, int epochs, int batchSize, double lr, long seed, Path dataDir, boolean fashion,
                       Device device, Path out, boolean finalRelu, boolean offline, boolean quiet) {
            this(raw, epochs, batchSize, lr, seed, dataDir, fashion, device, out, finalRelu, offline, quiet, Precision.FLOAT32);
        }
    }

    /** What a run produced. */
    public record Result(List<Epoch> epochs, double testAccuracy, String data, Path dir) {
    }

    /** One of the two programs behind a common face. */
    private interface Trainer extends AutoCloseable {
        /** Trains for the options' epochs, telling {@code lines} each batch and epoch (with the test set's numbers). */
        void train(Dataset train, Dataset test, TutorialLines lines);

        int[] predict(Dataset data);

        /** Hands the trained model or graph to {@code trained}. */
        void handOver(Trained trained);

        String device();

        /** What the products ran in: {@code float32} or {@code bf16}. */
        default String precision() {
            return Precision.FLOAT32.fileName();
        }

        @Override
        void close();
    }

    private MnistExample() {
    }

    /** Trains, prints the tutorial's lines, and writes plots and metrics. */
    public static Result run(Options o, PrintStream console) {
        return run(o, console, Trained.NONE);
    }

    /** {@link #run(Options, PrintStream)}, handing the trained model ("mnist" or "mnist-raw") to {@code trained}. */
    public static Result run(Options o, PrintStream console, Trained trained) {
        String name = o.raw() ? "mnist-raw" : "mnist";
        PrintStream chat = Outputs.unlessQuiet(console, o.quiet());
        Mnist data = Mnist.find(o.fashion() ? Mnist.Kind.FASHION : Mnist.Kind.MNIST, o.dataDir(), System.getenv(),
                Path.of(System.getProperty("user.home")), !o.offline(), chat::println);
        // The tutorial's MLP takes x.view(-1, 28*28): the images as vectors.
        Dataset train = data.train().reshape(784);
        Dataset test = data.test().reshape(784);
        chat.printf("data: %s, %d train / %d test samples%n", data.source(), train.size(), test.size());
        Path dir = Outputs.directory(o.out().resolve(name));
        TutorialLines lines = new TutorialLines(chat, train.size(), o.batchSize(), test.size(), o.epochs(), !o.quiet());
        try (Trainer t = o.raw() ? raw(o, console) : sequential(o, console)) {
            chat.println("device: " + t.device());
            if (o.precision() != Precision.FLOAT32) {
                chat.println("precision: " + t.precision());
            }
            t.train(train, test, lines);
            List<Epoch> epochs = lines.epochs;
            double accuracy = epochs.get(epochs.size() - 1).testAccuracy();
            int[] predicted = t.predict(test);
            int[] truth = data.testLabels();
            Outputs.png(dir.resolve("loss.png"), lines.lossChart(name));
            Outputs.png(dir.resolve("accuracy.png"), lines.accuracyChart(name));
            Outputs.write(dir.resolve("predictions.png"), ClassifierPlots.predictions(data.testImages(), predicted, truth,
                    data.classNames()));
            int[][] confusion = ClassifierPlots.confusionCounts(predicted, truth, data.classNames().size());
            Outputs.write(dir.resolve("confusion.png"), ClassifierPlots.confusion(confusion, data.classNames(), name));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", name);
            m.put("data", Outputs.record("set", data.kind().directoryName(), "source", data.source(), "train_samples", train.size(),
                    "test_samples", test.size()));
            m.put("device", t.device());
            m.put("precision", t.precision());
            m.put("epochs", Outputs.epochRows(epochs));
            m.put("test_accuracy", accuracy);
            m.put("batch_size", o.batchSize());
            m.put("lr", o.lr());
            m.put("seed", o.seed());
            m.put("final_relu", o.finalRelu());
            m.put("seconds_per_epoch", epochs.stream().mapToDouble(Epoch::seconds).average().orElse(0));
            m.put("never_predicted", ClassifierPlots.neverPredicted(confusion, data.classNames()));
            m.put("confusion", confusion);
            Outputs.json(dir.resolve("metrics.json"), m);
            t.handOver(trained);
            console.printf("test accuracy %.2f%% after %s (%.2f s per epoch); wrote %s%n", 100 * accuracy,
                    Checks.count(o.epochs(), "epoch"),
                    epochs.stream().mapToDouble(Epoch::seconds).average().orElse(0), dir);
            return new Result(epochs, accuracy, data.source(), dir);
        }
    }

    /** The tutorial's {@code nn.Sequential} MLP through {@link Net#sequential}, trained by {@code Model.fit} with the test set as validation. */
    private static Trainer sequential(Options o, PrintStream console) {
        Model model = MnistMlp.sequential(o.finalRelu()).crossEntropy().sgd(o.lr()).seed(o.seed())
                .precision(o.precision()).build(o.device());
        return new Trainer() {
            @Override
            public void train(Dataset train, Dataset test, TutorialLines lines) {
                // The tutorial's lines and a bar per epoch come from the callback; the fit's own epoch line would repeat them.
                model.fit(train, Fit.epochs(o.epochs()).batchSize(o.batchSize()).validation(test).callbacks(lines).quiet());
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
            public String precision() {
                return model.precision().fileName();
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

    /**
     * The tutorial's hand-written weights and forward pass through {@link Autograd}, with its own loop (an
     * {@code Autograd} graph has no {@code fit}): shuffled batches, then the test set's numbers per epoch.
     */
    private static Trainer raw(Options o, PrintStream console) {
        Autograd ag = Autograd.open(o.seed(), o.device());
        Input x = ag.input("x", -1, 784);
        Input y = ag.input("y", -1, 10);
        Expr out = MnistMlp.raw(ag, x, o.finalRelu());
        // nn.CrossEntropyLoss on one-hot targets: -sum(y * log_softmax(logits)) per row, averaged.
        Expr perExample = y.times(out.logSoftmax()).sum(1).neg();
        Minimizer opt = ag.minimize(perExample.mean(), Optimizers.sgd(o.lr()));
        return new Trainer() {
            @Override
            public void train(Dataset train, Dataset test, TutorialLines lines) {
                Batches batches = Batches.of(train, o.batchSize()).shuffle(o.seed());
                for (int e = 0; e < o.epochs(); e++) {
                    long t0 = System.nanoTime();
                    double sum = 0;
                    List<Dataset> list = batches.epoch(e);
                    for (int b = 0; b < list.size(); b++) {
                        float loss = opt.step(feeds(list.get(b)));
                        sum += loss * list.get(b).size();
                        lines.batch(e + 1, b + 1, loss);
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double testSum = 0;
                    int correct = 0;
                    for (Dataset batch : Batches.of(test, o.batchSize()).epoch(0)) {
                        Feeds f = feeds(batch);
                        float[] losses = ag.eval(perExample, f);
                        int[] predicted = ClassifierPlots.argmax(ag.eval(out, f), 10);
                        int[] labels = batch.labels();
                        for (int i = 0; i < labels.length; i++) {
                            testSum += losses[i];
                            correct += predicted[i] == labels[i] ? 1 : 0;
                        }
                    }
                    lines.epoch(e + 1, sum / train.size(), Double.NaN, testSum / test.size(), (double) correct / test.size(), o.lr(),
                            seconds);
                }
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
}
