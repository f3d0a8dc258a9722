package dev.netdsl.apps;

import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.lstm;

import dev.netdsl.DType;
import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Tensor;
import dev.netdsl.datasets.Corpora;
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
import java.util.SplittableRandom;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * A character-level language model (the classic char-RNN): the quotes of Debian's fortunes files as one text,
 * windows of {@code seqLen} characters, an embedding, an LSTM and a linear layer per position trained to give
 * the next character; prints the loss per epoch and samples of generated text at a few temperatures.
 */
public final class TextGenExample {
    /** What to run. */
    public record Options(int epochs, int seqLen, int hidden, int batchSize, double lr, int chars, int sample, long seed,
                          Path out, boolean quiet, Device device) {
        /** Checks the values. */
        public Options {
            Checks.atLeast("--epochs", epochs, 1);
            Checks.atLeast("--seq-len", seqLen, 2);
            Checks.atLeast("--hidden", hidden, 1);
            Checks.atLeast("--batch-size", batchSize, 1);
            Checks.atLeast("--chars", chars, 0);
            Checks.atLeast("--sample", sample, 1);
            Optimizers.adam(lr);
        }

        /** 30 epochs of 64-character windows over every quote, an LSTM of 128. */
        public static Options defaults() {
            return new Options(30, 64, 128, 32, 3e-3, 0, 240, 1, Path.of("out"), false, Device.AUTO);
        }

        /** A short run for tests: 3 epochs over 6,000 characters, 24-character windows, an LSTM of 32. */
        public static Options quick() {
            return new Options(3, 24, 32, 16, 1e-2, 6000, 60, 1, Path.of("out"), true, Device.AUTO);
        }

        /** A copy writing under {@code dir}. */
        public Options withOut(Path dir) {
            return new Options(epochs, seqLen, hidden, batchSize, lr, chars, sample, seed, dir, quiet, device);
        }
    }

    /** What a run did: the loss per epoch, the samples by temperature, where the files are. */
    public record Result(double[] losses, Map<String, String> samples, Path dir) {
    }

    private TextGenExample() {
    }

    /** Trains and samples; prints the loss per epoch and the samples. */
    public static Result run(Options o, PrintStream console) {
        String text = String.join("\n", Corpora.fortunes().texts());
        if (o.chars() > 0 && o.chars() < text.length()) {
            text = text.substring(0, o.chars());
        }
        Tokenizer chars = Tokenizer.characters(text);
        int[] ids = chars.encode(text);
        int n = (ids.length - 1) / o.seqLen();
        Dataset windows = Dataset.ofTokens(java.util.Arrays.copyOf(ids, n * o.seqLen()), o.seqLen())
                .withLabels(java.util.Arrays.copyOfRange(ids, 1, n * o.seqLen() + 1));
        PrintStream chat = Outputs.unlessQuiet(console, o.quiet());
        chat.printf(Locale.ROOT, "text: %,d characters of quotes (Debian fortunes), %d distinct, %,d windows of %d%n",
                text.length(), chars.size() - 2, n, o.seqLen());
        Path dir = Outputs.directory(o.out().resolve("textgen"));
        Net spec = Net.sequential(embedding(chars.size(), 32), lstm(32, o.hidden()), linear(o.hidden(), chars.size()))
                .input(DType.INT32, o.seqLen()).crossEntropy().adam(o.lr()).seed(o.seed());
        try (Model model = spec.build(o.device())) {
            Fit fit = Fit.epochs(o.epochs()).batchSize(o.batchSize()).validationSplit(0.1);
            History h = model.fit(windows, o.quiet() ? fit.quiet() : fit.printTo(console));
            double[] losses = h.epochs().stream().mapToDouble(e -> e.get("loss")).toArray();
            double[] val = h.epochs().stream().mapToDouble(e -> e.get("val_loss")).toArray();
            Map<String, String> samples = new LinkedHashMap<>();
            SplittableRandom random = new SplittableRandom(o.seed());
            int start = random.nextInt(n) * o.seqLen();
            int[] prompt = java.util.Arrays.copyOfRange(ids, start, start + o.seqLen());
            for (double temperature : new double[] {0.5, 0.8, 1.0}) {
                String s = generate(model, chars, prompt, o.sample(), temperature, random);
                samples.put(String.format(Locale.ROOT, "%.1f", temperature), s);
                console.printf(Locale.ROOT, "--- temperature %.1f, after \"%s\":%n%s%n", temperature, chars.decode(prompt), s);
            }
            Outputs.png(dir.resolve("loss.png"), chart(losses, val));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", "textgen");
            m.put("characters", text.length());
            m.put("vocabulary", chars.size());
            m.put("epochs", o.epochs());
            m.put("loss", losses);
            m.put("val_loss", val);
            m.put("samples", samples);
            m.put("seconds", h.seconds());
            Outputs.json(dir.resolve("metrics.json"), m);
            return new Result(losses, samples, dir);
        }
    }

    /** {@code count} characters after {@code prompt}, each drawn from the softmax of the last position's logits / temperature. */
    static String generate(Model model, Tokenizer chars, int[] prompt, int count, double temperature, SplittableRandom random) {
        int[] window = prompt.clone();
        int t = window.length;
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            float[] logits = model.predict(Tensor.ofInts(window, 1, t)).values();
            int v = logits.length / t;
            double[] p = new double[v];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < v; c++) {
                max = Math.max(max, logits[(t - 1) * v + c] / temperature);
            }
            double sum = 0;
            for (int c = 2; c < v; c++) { // never padding or unknown
                p[c] = Math.exp(logits[(t - 1) * v + c] / temperature - max);
                sum += p[c];
            }
            double u = random.nextDouble() * sum;
            int next = v - 1;
            for (int c = 2; c < v; c++) {
                u -= p[c];
                if (u <= 0) {
                    next = c;
                    break;
                }
            }
            out.add(next);
            System.arraycopy(window, 1, window, 0, t - 1);
            window[t - 1] = next;
        }
        return chars.decode(out.stream().mapToInt(Integer::intValue).toArray());
    }

    private static XYChart chart(double[] loss, double[] val) {
        XYChart chart = new XYChartBuilder().width(820).height(480).title("Character LSTM: cross-entropy per character")
                .xAxisTitle("epoch").yAxisTitle("loss").build();
        double[] epochs = new double[loss.length];
        java.util.Arrays.setAll(epochs, i -> i + 1);
        chart.addSeries("training", epochs, loss);
        chart.addSeries("validation (10% of the windows)", epochs, val);
        return Charts.prepare(chart);
    }
}
