package dev.netdsl.apps;

import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.multiheadAttention;
import static dev.netdsl.layers.Layers.sequenceMean;
import static dev.netdsl.layers.Layers.sinusoidalEncoding;
import static dev.netdsl.layers.Layers.transformerEncoderLayer;

import dev.netdsl.DType;
import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.Evaluation;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.Tensor;
import dev.netdsl.datasets.Corpora;
import dev.netdsl.datasets.Texts;
import dev.netdsl.datasets.Tokenizer;
import dev.netdsl.training.Fit;
import dev.netdsl.training.Optimizers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which fortunes file a quote comes from ({@code computers}, {@code food}, {@code science}, {@code wisdom}):
 * words as ids (a vocabulary from the training quotes), an embedding with a padding row plus sinusoidal positions, a
 * Transformer encoder layer that ignores the padding, the mean of its outputs over the words and a linear layer; the
 * test accuracy, a confusion matrix and what the trained self-attention looks at in a few test quotes.
 */
public final class TextClassExample {
    /** What to run. */
    public record Options(int epochs, int length, int dim, int heads, int batchSize, double lr, long seed, Path out, boolean quiet,
                          Device device) {
        /** Checks the values. */
        public Options {
            Checks.atLeast("--epochs", epochs, 1);
            Checks.atLeast("--length", length, 1);
            Checks.atLeast("--dim", dim, 1);
            Checks.atLeast("--heads", heads, 1);
            Checks.atLeast("--batch-size", batchSize, 1);
            if (dim % heads != 0) {
                throw new IllegalArgumentException("--dim " + dim + " must be a multiple of --heads " + heads);
            }
            Optimizers.adam(lr);
        }

        /** 15 epochs, quotes as 32 words, 64-wide embeddings, 4 heads, Adam 1e-3. */
        public static Options defaults() {
            return new Options(15, 32, 64, 4, 32, 1e-3, 1, Path.of("out"), false, Device.AUTO);
        }

        /** A short run for tests: 10 epochs, 24 words, 32-wide, 2 heads. */
        public static Options quick() {
            return new Options(10, 24, 32, 2, 32, 1e-3, 1, Path.of("out"), true, Device.AUTO);
        }

        /** A copy writing under {@code dir}. */
        public Options withOut(Path dir) {
            return new Options(epochs, length, dim, heads, batchSize, lr, seed, dir, quiet, device);
        }
    }

    /** What a run did. */
    public record Result(double testAccuracy, int[][] confusion, Path dir) {
    }

    private TextClassExample() {
    }

    /** Trains on 80% of the quotes, tests on the rest; prints the accuracy per class. */
    public static Result run(Options o, PrintStream console) {
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
        Net spec = Net.sequential(embedding(words.size(), o.dim()).paddingIdx(Tokenizer.PAD), sinusoidalEncoding(o.dim()),
                transformerEncoderLayer(o.dim(), o.heads()).dimFeedforward(4 * o.dim()).paddingMask(Tokenizer.PAD),
                sequenceMean().paddingMask(Tokenizer.PAD), linear(o.dim(), quotes.classNames().size()))
                .input(DType.INT32, o.length()).crossEntropy().adam(o.lr()).seed(o.seed());
        try (Model model = spec.build(o.device())) {
            Fit fit = Fit.epochs(o.epochs()).batchSize(o.batchSize()).validation(parts.test());
            History h = model.fit(parts.train(), o.quiet() ? fit.quiet() : fit.printTo(console));
            Evaluation ev = model.evaluate(parts.test());
            console.printf(Locale.ROOT, "test accuracy %.1f%% (%d/%d); a guess of the commonest class gives %.1f%%%n",
                    100 * ev.accuracy(), ev.correct(), ev.total(), 100 * commonest(parts.test()));
            Outputs.write(dir.resolve("confusion.png"), ClassifierPlots.confusion(ev.confusion(), quotes.classNames(),
                    "textclass (which fortunes file)", "test quotes"));
            Outputs.write(dir.resolve("attention.png"), attention(model, o, words, parts.test()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", "textclass");
            m.put("classes", quotes.classNames());
            m.put("vocabulary", words.size());
            m.put("net", spec.toString());
            m.put("parameters", model.parameters().stream().mapToInt(Parameter::size).sum());
            m.put("commonest_class_accuracy", commonest(parts.test()));
            m.put("test_accuracy", ev.accuracy());
            m.put("confusion", ev.confusion());
            m.put("epochs", h.epochs());
            m.put("seconds", h.seconds());
            Outputs.json(dir.resolve("metrics.json"), m);
            return new Result(ev.accuracy(), ev.confusion(), dir);
        }
    }

    /**
     * What the trained self-attention looks at: for the first test quotes of 6 to 14 words, each word's attention
     * weights over the quote's words (averaged over the heads), from a probe net of the same embedding, positions and
     * attention given the trained weights (the encoder layer normalises after attending, so its attention sees the
     * embedded words themselves).
     */
    static byte[] attention(Model model, Options o, Tokenizer words, Dataset test) {
        Net probe = Net.sequential(embedding(words.size(), o.dim()).paddingIdx(Tokenizer.PAD), sinusoidalEncoding(o.dim()),
                multiheadAttention(o.dim(), o.heads()).paddingMask(Tokenizer.PAD).averageWeights()).input(DType.INT32, o.length())
                .crossEntropy().adam(o.lr());
        List<Parameter> trained = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (p.name().startsWith("0.")) {
                trained.add(p);
            } else if (p.name().startsWith("2.self_attn.")) {
                trained.add(new Parameter("2." + p.name().substring("2.self_attn.".length()), p.shape(), p.values()));
            }
        }
        int t = o.length();
        int[] ids = test.xIds();
        List<int[]> chosen = new ArrayList<>();
        for (int i = 0; i < test.size() && chosen.size() < 2; i++) {
            int[] row = java.util.Arrays.copyOfRange(ids, i * t, (i + 1) * t);
            long n = java.util.Arrays.stream(row).filter(id -> id != Tokenizer.PAD).count();
            if (n >= Math.min(6, t) && n <= 14) {
                chosen.add(row);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(java.util.Arrays.copyOfRange(ids, 0, t));
        }
        int[] rows = new int[chosen.size() * t];
        for (int k = 0; k < chosen.size(); k++) {
            System.arraycopy(chosen.get(k), 0, rows, k * t, t);
        }
        try (Model p = probe.build(o.device())) {
            p.setParameters(trained);
            float[] w = p.predict(Tensor.ofInts(rows, chosen.size(), t)).values();
            List<List<String>> tokens = new ArrayList<>();
            List<float[][]> maps = new ArrayList<>();
            for (int k = 0; k < chosen.size(); k++) {
                List<Integer> at = new ArrayList<>();
                List<String> ws = new ArrayList<>();
                for (int j = 0; j < t; j++) {
                    if (chosen.get(k)[j] != Tokenizer.PAD) {
                        at.add(j);
                        ws.add(words.decode(new int[] {chosen.get(k)[j]}));
                    }
                }
                float[][] map = new float[at.size()][at.size()];
                for (int q = 0; q < at.size(); q++) {
                    for (int key = 0; key < at.size(); key++) {
                        map[q][key] = w[(k * t + at.get(q)) * t + at.get(key)];
                    }
                }
                tokens.add(ws);
                maps.add(map);
            }
            return ClassifierPlots.attention(tokens, maps, "textclass: what the trained self-attention looks at (test quotes)");
        }
    }

    private static double commonest(Dataset d) {
        int[] counts = new int[64];
        for (int l : d.labels()) {
            counts[l]++;
        }
        return (double) java.util.Arrays.stream(counts).max().orElse(0) / d.size();
    }
}
