package dev.netdsl.bench;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.datasets.Mnist;
import dev.netdsl.models.MnistMlp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seconds per training epoch of the seed's MNIST MLP 784-200-200-10 (SGD 0.01, shuffled batches of
 * 200) on Fashion-MNIST: NetDSL's {@code Model.fit(train, 1, 200)} next to PyTorch running the seed's
 * code ({@code bench/peers/mnist.py}).
 */
final class MnistBench {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    private MnistBench() {
    }

    static List<String> run(int repeats, Path peers, String python) {
        List<String> rows = new ArrayList<>();
        if (!Files.isDirectory(FASHION)) {
            rows.add("| Fashion-MNIST not installed (apt-get install dataset-fashion-mnist) | | | |");
            return rows;
        }
        Mnist data = Mnist.load(FASHION, Mnist.Kind.FASHION);
        Dataset train = data.train();
        double[] epochs = new double[repeats];
        try (Model model = MnistMlp.sequential(true).crossEntropy().sgd(0.01).seed(1).build().progress(false)) {
            model.fit(train, 1, 200);
            for (int r = 0; r < repeats; r++) {
                epochs[r] = model.fit(train, 1, 200).seconds();
            }
        }
        Stats netdsl = Stats.of(epochs);
        Stats torch = pytorch(python, peers.resolve("mnist.py"), repeats + 1);
        rows.add(String.format("| NetDSL `Model.fit(train, 1, 200)` | %s | %s |", netdsl.format(3),
                torch == null ? "n/a" : String.format("%.2f", netdsl.median() / torch.median())));
        rows.add(torch == null ? "| PyTorch (seed's code) | not available | |"
                : String.format("| PyTorch (seed's code, DataLoader) | %s | 1.00 |", torch.format(3)));
        return rows;
    }

    /** Runs the peer for {@code epochs} epochs and keeps all but the first (warm-up). */
    private static Stats pytorch(String python, Path script, int epochs) {
        try {
            Process p = new ProcessBuilder(python, script.toString(), FASHION.toString(), Integer.toString(epochs), "1")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                System.err.println("PyTorch MNIST peer failed: " + out.strip());
                return null;
            }
            Matcher m = Pattern.compile("\"seconds\": \\[([^\\]]*)\\]").matcher(out);
            if (!m.find()) {
                return null;
            }
            String[] parts = m.group(1).split(",");
            double[] v = new double[parts.length - 1];
            for (int i = 1; i < parts.length; i++) {
                v[i - 1] = Double.parseDouble(parts[i].trim());
            }
            return Stats.of(v);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
