package dev.netdsl.apps;

import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.gru;
import static dev.netdsl.layers.Layers.linear;

import dev.netdsl.DType;
import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.Evaluation;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.datasets.Corpora;
import dev.netdsl.datasets.Texts;
import dev.netdsl.datasets.Tokenizer;
import dev.netdsl.training.Fit;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which fortunes file a quote comes from ({@code computers}, {@code food}, {@code science}, {@code wisdom}):
 * words as ids (a vocabulary from the training quotes), an embedding with a padding row, a bidirectional GRU's
 * final states and a linear layer; the test accuracy and a confusion matrix.
 */
public final class TextClassExample {
    /** What to run. */
    public record Options(int epochs, int length, int dim, int batchSize, double lr, long seed, Path out, boolean quiet,
                          Device device) {
        /** 15 epochs, quotes as 32 words, embeddings and GRU states of 64. */
        public static Options defaults() {
            return new Options(15, 32, 64, 32, 3e-3, 1, Path.of("out"), false, Device.AUTO);
        }

        /** A short run for tests: 2 epochs, 16 words, 16-wide. */
        public static Options quick() {
            return new Options(2, 16, 16, 32, 1e-2, 1, Path.of("out"), true, Device.AUTO);
        }

        /** A copy writing under {@code dir}. */
        public Options withOut(Path dir) {
            return new Options(epochs, length, dim, batchSize, lr, seed, dir, quiet, device);
        }
    }

    /** What a run did. */
    public record Result(double testAccuracy, int[][] confusion, Path dir) {
    }

    private TextClassExample() {
    }

    /** Trains on 80% of the quotes, tests on the rest; prints the accuracy per class. */
    public static Result run(Options o, PrintStream console) {
        if (o.epochs() < 1 || o.length() < 1 || o.dim() < 1 || o.batchSize() < 1) {
            throw new IllegalArgumentException("--epochs, --length, --dim and --batch-size must be at least 1");
        }
        Texts quotes = Corpora.fortunes();
        int n = quotes.texts().size();
        // The vocabulary comes from the training quotes only: the seeded split of the quotes' indices, the same split
        // Dataset.split makes of the id sequences below.
        float[] index = new float[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        java.util.List<String> trainTexts = new java.util.ArrayList<>();
        for (float i : Dataset.of(index, new int[] {1}, new float[n], 1).split(0.2, o.seed()).train().xRowMajor()) {
            trainTexts.add(quotes.texts().get((int) i));
        }
        Tokenizer words = Tokenizer.words(trainTexts, 2, 5000);
        Dataset all = quotes.dataset(words, o.length());
        Dataset.Split parts = all.split(0.2, o.seed());
        PrintStream chat = Outputs.unlessQuiet(console, o.quiet());
        chat.printf(Locale.ROOT, "quotes: %d (%d train / %d test), classes %s, vocabulary %,d words%n", all.size(),
                parts.train().size(), parts.test().size(), quotes.classNames(), words.size());
        Path dir = Outputs.directory(o.out().resolve("textclass"));
        Net spec = Net.sequential(embedding(words.size(), o.dim()).paddingIdx(Tokenizer.PAD), gru(o.dim(), o.dim()).bidirectional()
                .finalState(), linear(2 * o.dim(), quotes.classNames().size())).input(DType.INT32, o.length()).crossEntropy()
                .adam(o.lr()).seed(o.seed());
        try (Model model = spec.build(o.device())) {
            Fit fit = Fit.epochs(o.epochs()).batchSize(o.batchSize()).validation(parts.test());
            History h = model.fit(parts.train(), o.quiet() ? fit.quiet() : fit.printTo(console));
            Evaluation ev = model.evaluate(parts.test());
            chat.printf(Locale.ROOT, "test accuracy %.1f%% (%d/%d); a guess of the commonest class gives %.1f%%%n",
                    100 * ev.accuracy(), ev.correct(), ev.total(), 100 * commonest(parts.test()));
            int[] predicted = model.predictClasses(toRows(parts.test()));
            Outputs.png(dir.resolve("confusion.png"), ClassifierPlots.confusion(predicted, parts.test().labels(),
                    quotes.classNames(), "Which fortunes file? Test quotes"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", "textclass");
            m.put("classes", quotes.classNames());
            m.put("vocabulary", words.size());
            m.put("test_accuracy", ev.accuracy());
            m.put("confusion", ev.confusion());
            m.put("epochs", h.epochs());
            m.put("seconds", h.seconds());
            Outputs.json(dir.resolve("metrics.json"), m);
            return new Result(ev.accuracy(), ev.confusion(), dir);
        }
    }

    private static double commonest(Dataset d) {
        int[] counts = new int[64];
        for (int l : d.labels()) {
            counts[l]++;
        }
        return (double) java.util.Arrays.stream(counts).max().orElse(0) / d.size();
    }

    private static dev.netdsl.Tensor toRows(Dataset d) {
        return dev.netdsl.Tensor.ofInts(d.xIds(), d.size(), d.exampleShape()[0]);
    }
}
