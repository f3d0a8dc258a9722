package dev.netdsl.bench;

import static dev.netdsl.layers.Layers.embedding;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.lstm;
import static dev.netdsl.layers.Layers.sequenceMean;
import static dev.netdsl.layers.Layers.sinusoidalEncoding;
import static dev.netdsl.layers.Layers.transformerEncoderLayer;

import dev.netdsl.DType;
import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Precision;
import dev.netdsl.Tensor;
import dev.netdsl.datasets.Corpora;
import dev.netdsl.datasets.Texts;
import dev.netdsl.datasets.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The sequence examples' nets (issue 26) on their own data, the fortunes quotes: one training epoch of the textgen
 * character LSTM (embedding 32, LSTM 128, linear per position; windows of 64, batches of 32, Adam 3e-3) and of the
 * textclass Transformer encoder (embedding 64 with a padding row, sinusoidal positions, one encoder layer of 4 heads
 * with a padding mask, masked mean, linear; quotes of 32 words, batches of 32, Adam 1e-3), and forward throughput at
 * batch 256, NetDSL next to PyTorch 1.13 running the same nets on the same ids held in memory (the faster of 1 thread
 * and all cores). Both get one untimed warm-up epoch. The textgen LSTM also trains at bfloat16 mixed precision
 * ({@link PrecisionTable}; no test split, so no accuracy).
 */
final class SeqBench {
    static final List<String> notes = new ArrayList<>();

    private SeqBench() {
    }

    /** The textgen windows: ids {@code [n, 64]} and the next character at each position. */
    static Dataset textgen(int[] vocabulary) {
        String text = String.join("\n", Corpora.fortunes().texts());
        Tokenizer chars = Tokenizer.characters(text);
        int[] ids = chars.encode(text);
        int n = (ids.length - 1) / 64;
        vocabulary[0] = chars.size();
        return Dataset.ofTokens(Arrays.copyOf(ids, n * 64), 64).withLabels(Arrays.copyOfRange(ids, 1, n * 64 + 1));
    }

    /** Every quote as 32 word ids (a vocabulary of the words seen twice) with its fortunes file as the class. */
    static Dataset textclass(int[] vocabulary) {
        Texts quotes = Corpora.fortunes();
        Tokenizer words = Tokenizer.words(quotes.texts(), 2, 5000);
        vocabulary[0] = words.size();
        return quotes.dataset(words, 32);
    }

    static List<String> run(int repeats, Path peers, String python) {
        List<String> rows = new ArrayList<>();
        notes.clear();
        int[] v = new int[1];
        Dataset gen = textgen(v);
        int genVocabulary = v[0];
        List<PrecisionTable.Side> lstm = bench("textgen", "character LSTM (embedding 32, LSTM 128, linear), windows of 64, batch 32,"
                + " Adam", Net.sequential(embedding(genVocabulary, 32), lstm(32, 128), linear(128, genVocabulary))
                .input(DType.INT32, 64).crossEntropy().adam(3e-3).seed(1), gen, genVocabulary, 0, repeats, true, rows, peers, python);
        Dataset cls = textclass(v);
        int clsVocabulary = v[0];
        bench("textclass", "Transformer encoder (embedding 64, 4 heads, feed-forward 256, padding mask, mean), quotes of 32 words,"
                + " batch 32, Adam", Net.sequential(embedding(clsVocabulary, 64).paddingIdx(0), sinusoidalEncoding(64),
                transformerEncoderLayer(64, 4).dimFeedforward(256).paddingMask(0), sequenceMean().paddingMask(0), linear(64, 4))
                .input(DType.INT32, 32).crossEntropy().adam(1e-3).seed(1), cls, clsVocabulary, 4, repeats * 5, false, rows, peers, python);
        rows.addAll(PrecisionTable.markdown("textgen LSTM", String.format("the %,d windows of 64 characters in batches of 32, Adam 3e-3",
                gen.size()), repeats + 1, 3, lstm));
        notes.add(PrecisionTable.note("textgen LSTM", lstm.get(1)));
        notes.add("textgen LSTM, bf16: PyTorch 1.13's CPU autocast leaves nn.LSTM in float32 (its output stays float32), so only"
                + " the output linear layer runs in bfloat16; NetDSL's bf16 computes the LSTM's matrix multiplies in bfloat16 too");
        return rows;
    }

    /**
     * Adds {@code name}'s epoch and predict rows to {@code rows} (float32, {@code repeats} timed epochs after a warm-up) and
     * returns its precision sides: float32, and bfloat16 too if {@code bf16}.
     */
    private static List<PrecisionTable.Side> bench(String name, String what, Net spec, Dataset data, int vocabulary, int classes,
                                                   int repeats, boolean bf16, List<String> rows, Path peers, String python) {
        int t = data.exampleShape()[0];
        int[] ids = data.xIds();
        Path file = write(data, vocabulary, classes);
        List<String> peerArgs = List.of(name, file.toString(), Integer.toString(repeats + 1));
        Path script = peers.resolve("seq.py");
        ToDoubleFunction<Model> predict = model -> {
            long t0 = System.nanoTime();
            int rounds = 0;
            do {
                for (int from = 0; from + 256 <= data.size(); from += 256) {
                    model.predict(Tensor.ofInts(Arrays.copyOfRange(ids, from * t, (from + 256) * t), 256, t));
                }
                rounds++;
            } while (rounds < 3 && System.nanoTime() - t0 < 1_000_000_000L);
            return (System.nanoTime() - t0) / 1e9 / (rounds * (data.size() / 256 * 256)) * 1e6;
        };
        List<PrecisionTable.Side> sides = bf16
                ? PrecisionTable.both(spec, data, null, 32, repeats + 1, predict, python, script, peerArgs)
                : List.of(PrecisionTable.measure(Precision.FLOAT32, spec, data, null, 32, repeats + 1, predict, python, script, peerArgs));
        Peer.Choice torch = sides.get(0).torch();
        Peer best = torch.kept();
        notes.add(name + ": " + String.format("%,d", data.size()) + " sequences of " + t + "; PyTorch, tensors in memory, median"
                + " epoch after a warm-up epoch: " + torch.tried() + "; the faster is kept, also for its predict row"
                + (best == null ? "" : "; PyTorch " + best.version()));
        rows.add(Row.of(name + ": " + what + ", one epoch", "s/epoch", sides.get(0).netdsl()).tutorialText("n/a (no tutorial)")
                .memory(torch.stats(), torch.threads()).markdown(3));
        double torchPerSequence = best == null ? Double.NaN : 1e6 / best.predictPerSecond();
        Stats predicted = sides.get(0).after();
        rows.add(Row.of(name + " predict, batch 256 (NetDSL: " + String.format("%,.0f", 1e6 / predicted.median())
                + " sequences/s)", "us/sequence", predicted).tutorialText("n/a (no tutorial)")
                .memory(Double.isNaN(torchPerSequence) ? null : Stats.of(new double[] {torchPerSequence}), torch.threads()).markdown(1));
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file
        }
        return sides;
    }

    /** The ids and labels for the PyTorch peer: a header line, the ids, the labels (seq.py's format). */
    private static Path write(Dataset data, int vocabulary, int classes) {
        try {
            Path file = Files.createTempFile("netdsl-seq", ".ids");
            int[] labels = data.labels();
            String text = data.size() + " " + data.exampleShape()[0] + " " + vocabulary + " " + classes + "\n"
                    + IntStream.of(data.xIds()).mapToObj(Integer::toString).collect(Collectors.joining(" ")) + "\n"
                    + IntStream.of(labels).mapToObj(Integer::toString).collect(Collectors.joining(" ")) + "\n";
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
