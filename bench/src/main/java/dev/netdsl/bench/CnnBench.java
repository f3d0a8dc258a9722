package dev.netdsl.bench;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Tensor;
import dev.netdsl.datasets.Mnist;
import dev.netdsl.models.Cnn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The cnn example's net: one training epoch over 60,000 images (batch 128, Adam) and inference
 * throughput at batch 1000, NetDSL next to PyTorch running the same net on tensors already in memory
 * (the faster of 1 and 2 threads).
 */
final class CnnBench {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    static final List<String> notes = new ArrayList<>();

    private CnnBench() {
    }

    /** Fashion-MNIST when installed, else random data of its shape: [n, 1, 28, 28]. */
    static Dataset[] data() {
        if (Files.isDirectory(FASHION)) {
            Mnist m = Mnist.load(FASHION, Mnist.Kind.FASHION);
            return new Dataset[] {m.train(), m.test()};
        }
        SplittableRandom r = new SplittableRandom(0);
        Dataset[] out = new Dataset[2];
        int[] sizes = {60_000, 10_000};
        for (int k = 0; k < 2; k++) {
            float[] x = new float[sizes[k] * 784];
            int[] labels = new int[sizes[k]];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < labels.length; i++) {
                labels[i] = r.nextInt(10);
            }
            out[k] = Dataset.of(x, labels, 1, 28, 28);
        }
        return out;
    }

    static List<String> run(int repeats, Path peers, String python) {
        Dataset[] data = data();
        double[] epochs = new double[repeats];
        double[] predict = new double[repeats];
        Tensor test = data[1].xTensor();
        try (Model model = Cnn.mnist().crossEntropy().adam(1e-3).seed(1).build().progress(false)) {
            model.fit(data[0], 1, 128); // warm-up
            for (int i = 0; i < repeats; i++) {
                epochs[i] = model.fit(data[0], 1, 128).seconds();
                long t0 = System.nanoTime();
                for (int from = 0; from < 10_000; from += 1000) {
                    float[] chunk = java.util.Arrays.copyOfRange(test.values(), from * 784, (from + 1000) * 784);
                    model.predict(Tensor.of(chunk, 1000, 1, 28, 28));
                }
                predict[i] = (System.nanoTime() - t0) / 1e9 / 10_000 * 1e6;
            }
        }
        String source = Files.isDirectory(FASHION) ? FASHION.toString() : "random";
        Peer best = null;
        double bestEpoch = Double.MAX_VALUE;
        for (String threads : new String[] {"1", "2"}) {
            Peer p = Peer.run(python, peers.resolve("cnn.py"), source, Integer.toString(Math.max(2, repeats)), threads);
            if (p != null && Stats.of(p.seconds()).median() < bestEpoch) {
                best = p;
                bestEpoch = Stats.of(p.seconds()).median();
            }
            notes.add("PyTorch cnn epoch with " + threads + " thread(s): " + (p == null ? "not available"
                    : String.format("%.1f s (median)", Stats.of(p.seconds()).median())));
        }
        List<String> rows = new ArrayList<>();
        // A training epoch is about 0.95 TFLOP (forward, and twice that backward, of the convolutions and linear layers).
        double gflop = 60_000 * 3 * 2.0 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 32 * 9 + 1600 * 128 + 1280) / 1e9;
        rows.add(new Row("cnn example's net, one epoch of 60,000 images in batches of 128 (Adam)", "s/epoch", Stats.of(epochs), null,
                best == null ? null : Stats.of(best.seconds()), gflop, 0).markdown(2));
        double torchPerSample = best == null ? Double.NaN : 1e6 / best.predictPerSecond();
        rows.add(new Row("cnn predict, batch 1000 (NetDSL: " + String.format("%,.0f", 1e6 / Stats.of(predict).median())
                + " images/s)", "us/image", Stats.of(predict), null, Double.isNaN(torchPerSample) ? null
                : Stats.of(new double[] {torchPerSample}), 0, 0).markdown(1));
        notes.add("cnn: data " + (Files.isDirectory(FASHION) ? "Fashion-MNIST" : "random (Fashion-MNIST not installed)")
                + (best == null ? "" : "; the PyTorch column is " + best.label() + ", the faster setting, tensors in memory"));
        return rows;
    }
}
