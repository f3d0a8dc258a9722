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
 * The cnn example's net: training epochs over 60,000 images (batch 128, Adam) and inference throughput at batch
 * 1000, NetDSL next to PyTorch running the same net on tensors already in memory (the faster of 1 thread and all
 * cores), at float32 and at bfloat16 ({@link PrecisionTable}). Each side trains a number of epochs from its seed,
 * the first an untimed warm-up, then reads the test accuracy; NetDSL's predict throughput is measured after each
 * float32 epoch, PyTorch's after its last.
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

    /** The peers' data argument: Fashion-MNIST's directory, or "random" as {@link #data()} has it. */
    static String source() {
        return Files.isDirectory(FASHION) ? FASHION.toString() : "random";
    }

    /**
     * {@code images}: the training images per epoch (60,000, or fewer for a quick check); {@code epochs}: the epochs
     * each side trains (the first a warm-up); {@code peak}: the higher matrix-multiply peak, for the GFLOP/s column.
     */
    static List<String> run(int images, int epochs, Path peers, String python, double peak) {
        Dataset[] data = data();
        Dataset train = data[0];
        if (images < train.size()) {
            int[] first = new int[images];
            for (int i = 0; i < images; i++) {
                first[i] = i;
            }
            train = train.subset(first);
        }
        Tensor test = data[1].xTensor();
        List<String> args = new ArrayList<>(List.of(source(), Integer.toString(epochs)));
        if (images < 60_000) {
            args.addAll(List.of("--limit", Integer.toString(images)));
        }
        List<PrecisionTable.Side> sides = PrecisionTable.both(Cnn.mnist().crossEntropy().adam(1e-3).seed(1), train, data[1], 128,
                epochs, model -> predictMicros(model, test), python, peers.resolve("cnn.py"), args);
        PrecisionTable.Side float32 = sides.get(0);
        Peer.Choice torch = float32.torch();
        Peer best = torch.kept();
        notes.clear();
        notes.add("cnn: PyTorch, tensors in memory (randperm, index slicing), median epoch after a warm-up epoch: " + torch.tried()
                + "; the faster is kept, also for its predict row");
        List<String> rows = new ArrayList<>();
        // A training epoch of 60,000 is about 0.95 TFLOP (forward, and twice that backward, of the convolutions and linear layers).
        double gflop = images * 3 * 2.0 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 32 * 9 + 1600 * 128 + 1280) / 1e9;
        rows.add(Row.of(String.format("cnn example's net, one epoch of %,d images in batches of 128 (Adam)", images), "s/epoch",
                float32.netdsl()).tutorialText("n/a (no tutorial)").memory(torch.stats(), torch.threads()).flops(gflop, peak)
                .markdown(2));
        double torchPerSample = best == null ? Double.NaN : 1e6 / best.predictPerSecond();
        rows.add(Row.of("cnn predict, batch 1000 (NetDSL: " + String.format("%,.0f", 1e6 / float32.after().median())
                + " images/s)", "us/image", float32.after()).tutorialText("n/a (no tutorial)")
                .memory(Double.isNaN(torchPerSample) ? null : Stats.of(new double[] {torchPerSample}), torch.threads()).markdown(1));
        rows.addAll(PrecisionTable.markdown("cnn", String.format("%,d training images of %s in batches of 128, Adam 1e-3", images,
                dataName()), epochs, 2, sides));
        notes.add(PrecisionTable.note("cnn", sides.get(1)));
        notes.add("cnn: data " + dataName() + (best == null ? "" : "; PyTorch " + best.version())
                + "; no hand-written TF Java or tutorial code for this net");
        return rows;
    }

    /** "Fashion-MNIST", or what {@link #data()} uses without it. */
    static String dataName() {
        return Files.isDirectory(FASHION) ? "Fashion-MNIST" : "random data (Fashion-MNIST not installed)";
    }

    /** Microseconds per image of {@code predict} over the 10,000 test images in batches of 1000. */
    private static double predictMicros(Model model, Tensor test) {
        long t0 = System.nanoTime();
        for (int from = 0; from < 10_000; from += 1000) {
            float[] chunk = java.util.Arrays.copyOfRange(test.values(), from * 784, (from + 1000) * 784);
            model.predict(Tensor.of(chunk, 1000, 1, 28, 28));
        }
        return (System.nanoTime() - t0) / 1e9 / 10_000 * 1e6;
    }
}
