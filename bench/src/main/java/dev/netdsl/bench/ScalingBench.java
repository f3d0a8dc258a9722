package dev.netdsl.bench;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.relu;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the MNIST MLP's epoch time grows with the batch size (32 to 1024 at hidden width 200) and the
 * hidden width (200 to 2000 at batch 200): the tutorial's net 784-w-w-10 (ReLU after every layer, SGD
 * 0.01), one epoch of 60,000 after a warm-up epoch, NetDSL's {@code Model.fit(train, 1, batch)} next to
 * PyTorch with the data as tensors in memory ({@code peers/mnist.py --memory}, the faster of 1 thread and
 * all cores), on the data {@link MnistBench} uses. The cost curve, not one point.
 */
final class ScalingBench {
    static final String HEADER = "| batch | hidden width | NetDSL s/epoch | PyTorch in memory s/epoch (threads) | NetDSL / PyTorch"
            + " | NetDSL GFLOP/s (% of the higher matmul peak) | PyTorch GFLOP/s |\n|---|---|---|---|---|---|---|";
    static final List<String> notes = new ArrayList<>();

    private ScalingBench() {
    }

    /** The rows: {batch, width}; {@code quick} keeps two of each series. */
    static int[][] configs(boolean quick) {
        int[] batches = quick ? new int[] {128, 1024} : new int[] {32, 64, 128, 256, 512, 1024};
        int[] widths = quick ? new int[] {200, 1000} : new int[] {200, 500, 1000, 2000};
        List<int[]> out = new ArrayList<>();
        for (int b : batches) {
            out.add(new int[] {b, 200});
        }
        for (int w : widths) {
            out.add(new int[] {200, w});
        }
        return out.toArray(int[][]::new);
    }

    static List<String> run(boolean quick, Path peers, String python, double peak) {
        Dataset train = MnistBench.train();
        String source = Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")) ? "/usr/share/datasets/fashion-mnist" : "random";
        List<String> rows = new ArrayList<>();
        notes.clear();
        List<String> tried = new ArrayList<>();
        String version = null;
        for (int[] c : configs(quick)) {
            int batch = c[0];
            int width = c[1];
            double dsl;
            // NetDSL and PyTorch one after the other for each row, so a slow spell of the machine hits one row, not one column.
            try (Model model = Net.sequential(linear(784, width), relu(), linear(width, width), relu(), linear(width, 10), relu())
                    .crossEntropy().sgd(0.01).seed(1).build().progress(false)) {
                model.fit(train, 1, batch); // warm-up
                dsl = model.fit(train, 1, batch).seconds();
            }
            Peer.Choice torch = Peer.fastest(python, peers.resolve("mnist.py"), 1, source, "2", "1", "--memory",
                    "--batch", Integer.toString(batch), "--width", Integer.toString(width));
            double gflop = SineBench.flopsPerStep(new int[] {784, width, width, 10}, train.size()) / 1e9;
            String torchCell = "n/a";
            String ratio = "n/a";
            String torchFlops = "";
            if (torch.kept() != null) {
                double t = torch.kept().seconds()[0];
                torchCell = String.format("%.3f (%s)", t, Peer.threadText(torch.threads()));
                ratio = String.format("%.2f", dsl / t);
                torchFlops = String.format("%.1f", gflop / t);
                version = torch.kept().version();
            }
            rows.add(String.format("| %d | %d | %.3f | %s | %s | %s | %s |", batch, width, dsl, torchCell, ratio,
                    Row.gflops(gflop / dsl, peak), torchFlops));
            tried.add(batch + "/" + width + ": " + torch.tried());
            System.err.println("scaling: " + rows.get(rows.size() - 1));
        }
        notes.add("scaling: one timed epoch of " + String.format("%,d", train.size()) + " after a warm-up epoch, each side; data: "
                + MnistBench.dataName() + "; net 784-w-w-10 with a ReLU after every layer, cross-entropy, SGD 0.01; NetDSL"
                + " `Model.fit(train, 1, batch)`, PyTorch " + (version == null ? "not available" : version)
                + " `peers/mnist.py --memory` (randperm, index slicing)");
        notes.add("scaling: PyTorch's epoch at each thread count, per batch/width: " + String.join("; ", tried) + "; the faster is kept");
        return rows;
    }
}
