package dev.netdsl.bench;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.models.MnistMlp;
import dev.netdsl.training.Loss;
import dev.netdsl.training.SGD;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The MNIST tutorial's MLP 784-200-200-10 (final ReLU, SGD 0.01, shuffled batches of 200): seconds per
 * training epoch of 60,000 samples for NetDSL's {@code Model.fit(train, 1, 200)}, the same loop
 * hand-written in TF Java (gather a batch, make its tensors, one {@code Session.run}), PyTorch
 * running the tutorial's code (a DataLoader) and PyTorch with the data as tensors in memory (randperm and
 * index slicing, the faster of 1 thread and all cores); prediction throughput at batch 1 and 1000; and the
 * {@link PrecisionTable}: epoch time and test accuracy at float32 and at bfloat16, NetDSL next to PyTorch.
 */
final class MnistBench {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    private static final int[] CFG = {784, 200, 200, 10};

    private MnistBench() {
    }

    /** Fashion-MNIST's training and test sets as rows of 784 when installed, else random data of their shape. */
    static Dataset[] data() {
        Dataset[] images = CnnBench.data();
        return new Dataset[] {images[0].reshape(784), images[1].reshape(784)};
    }

    /** {@link #data()}'s training set. */
    static Dataset train() {
        return data()[0];
    }

    /** The tutorial's net as NetDSL builds it: cross-entropy, SGD 0.01, seed 1. */
    private static Net net() {
        return MnistMlp.sequential(true).crossEntropy().sgd(0.01).seed(1);
    }

    static String dataName() {
        return Files.isDirectory(FASHION) ? "Fashion-MNIST" : "random data of MNIST's shape (Fashion-MNIST not installed)";
    }

    /**
     * The section's rows: the epoch row ({@code epochRepeats} NetDSL/TF pairs), the predict rows, then the precision
     * table (each side {@code epochs} epochs from its seed, test accuracy after the last), whose PyTorch float32 run is
     * also the epoch row's in-memory column. {@code peak}: the higher matrix-multiply peak, for the GFLOP/s column.
     */
    static List<String> run(int epochRepeats, int predictRepeats, int epochs, Path peers, String python, double peak) {
        Dataset[] data = data();
        String source = CnnBench.source();
        List<PrecisionTable.Side> sides = PrecisionTable.both(net(), data[0], data[1], 200, epochs, null, python,
                peers.resolve("mnist.py"), List.of(source, Integer.toString(epochs), "1", "--memory"));
        List<String> rows = epoch(epochRepeats, data[0], peers, python, peak, sides.get(0).torch());
        rows.addAll(predict(predictRepeats, peers, python));
        rows.addAll(PrecisionTable.markdown("MNIST MLP", "the 60,000 training images of " + dataName() + " in batches of 200, SGD 0.01",
                epochs, 3, sides));
        SineBench.pairedNotes.add(PrecisionTable.note("MNIST MLP", sides.get(1)));
        return rows;
    }

    /** The epoch row; {@code memory}: PyTorch's run on tensors in memory (the precision table's float32 side). */
    private static List<String> epoch(int repeats, Dataset train, Path peers, String python, double peak, Peer.Choice memory) {
        double[] dsl;
        double[] hand;
        try (Model model = net().build().progress(false);
             HandWrittenMlp tf = new HandWrittenMlp(CFG, false, true, HandWrittenMlp.Loss.CROSS_ENTROPY, 0.01f, 1)) {
            model.fit(train, 1, 200);
            handEpoch(tf, train, new SplittableRandom(1));
            SplittableRandom shuffle = new SplittableRandom(2);
            Pairs p = Pairs.measure(repeats, () -> model.fit(train, 1, 200).seconds(), () -> handEpoch(tf, train, shuffle));
            dsl = p.netdsl();
            hand = p.peer();
        }
        // The tutorial's code: a DataLoader, PyTorch's default thread count. The peer's first epoch is its warm-up.
        Peer tutorial = Peer.run(python, peers.resolve("mnist.py"), CnnBench.source(), Integer.toString(repeats + 1), "1");
        double gflop = SineBench.flopsPerStep(CFG, 60_000) / 1e9;
        List<String> rows = new ArrayList<>();
        rows.add(Row.of("MNIST MLP 784-200-200-10, one epoch of 60,000 in batches of 200", "s/epoch", Stats.of(dsl))
                .tf(Stats.of(hand), Row.pairs(dsl, hand))
                .tutorial(tutorial == null ? null : Stats.of(tutorial.dropFirst(1).seconds()))
                .memory(memory.stats(), memory.threads())
                .flops(gflop, peak).markdown(3));
        SineBench.pairedNotes.add("MNIST epoch: data: " + dataName() + "; the tutorial's code (DataLoader): "
                + (tutorial == null ? "not available" : tutorial.label()) + "; tensors in memory (randperm, index slicing, no"
                + " DataLoader; the precision table's float32 run), median epoch: " + memory.tried() + "; the faster is kept");
        // The limit: the step's eight matrix multiplies alone (forward, weight gradients, input gradients) at batch 200.
        int[][] shapes = {{200, 784, 200}, {200, 200, 200}, {200, 200, 10}, {784, 200, 200}, {200, 200, 200}, {200, 200, 10},
            {200, 10, 200}, {200, 200, 200}};
        double alone = MatmulPeak.measureShapes(shapes, 20, 200);
        SineBench.pairedNotes.add(String.format("MNIST epoch: the step's eight matrix multiplies with the same shapes, independent"
                + " of each other in one TensorFlow graph: %.1f GFLOP/s (%.0f%% of the higher peak). In a step they run one after another (forward,"
                + " then backward); a TensorFlow trace puts 89%% of the step's op time in them.", alone, 100 * alone / peak));
        return rows;
    }

    /** One epoch the way a TF Java user writes it: shuffle, gather each batch, two tensors, one run. */
    private static double handEpoch(HandWrittenMlp tf, Dataset train, SplittableRandom random) {
        long t0 = System.nanoTime();
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] x = train.xRowMajor();
        int[] labels = train.labels();
        for (int from = 0; from < n; from += 200) {
            int rows = Math.min(200, n - from);
            float[] bx = new float[rows * 784];
            int[] by = new int[rows];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, order[from + r] * 784, bx, r * 784, 784);
                by[r] = labels[order[from + r]];
            }
            try (TFloat32 xt = TFloat32.tensorOf(Shape.of(rows, 784), DataBuffers.of(bx, true, false));
                 TInt32 yt = TInt32.tensorOf(Shape.of(rows), DataBuffers.of(by, true, false))) {
                tf.step(xt, yt);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Samples per second of {@code predict} at batch 1 and 1000, as time per sample for the ratios. */
    private static List<String> predict(int repeats, Path peers, String python) {
        List<String> rows = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int batch : new int[] {1, 1000}) {
            int calls = batch == 1 ? 5000 : 100;
            float[][] rowsX = new float[batch][784];
            float[] flat = new float[batch * 784];
            for (int r = 0; r < batch; r++) {
                for (int c = 0; c < 784; c++) {
                    rowsX[r][c] = (float) random.nextGaussian();
                    flat[r * 784 + c] = rowsX[r][c];
                }
            }
            double[] dsl;
            double[] hand;
            try (Model model = net().build();
                 HandWrittenMlp tf = new HandWrittenMlp(CFG, false, true, HandWrittenMlp.Loss.CROSS_ENTROPY, 0.01f, 1)) {
                for (int i = 0; i < calls; i++) {
                    model.predict(rowsX);
                    handPredict(tf, flat, batch);
                }
                double perSample = 1e6 / calls / batch;
                Pairs p = Pairs.measure(repeats, () -> perSample * Pairs.seconds(() -> {
                    for (int i = 0; i < calls; i++) {
                        model.predict(rowsX);
                    }
                }), () -> perSample * Pairs.seconds(() -> {
                    for (int i = 0; i < calls; i++) {
                        handPredict(tf, flat, batch);
                    }
                }));
                dsl = p.netdsl();
                hand = p.peer();
            }
            Peer.Choice torch = Peer.fastest(python, peers.resolve("workloads.py"), 0, "predict", Integer.toString(batch),
                    Integer.toString(calls), Integer.toString(repeats));
            Stats d = Stats.of(dsl);
            rows.add(Row.of(String.format("MNIST MLP predict, batch %d (NetDSL: %,.0f samples/s)", batch, 1e6 / d.median()),
                    "us/sample", d).tf(Stats.of(hand), Row.pairs(dsl, hand))
                    .memory(torch.kept() == null ? null : torch.kept().stats((double) calls * batch / 1e6), torch.threads())
                    .markdown(2));
            SineBench.pairedNotes.add("MNIST predict, batch " + batch + ": PyTorch forward passes under no_grad over rows in"
                    + " memory (the tutorial has no timed inference loop, hence n/a), median time of " + calls + " calls: " + torch.tried()
                    + "; the faster is kept");
        }
        return rows;
    }

    private static void handPredict(HandWrittenMlp tf, float[] flat, int batch) {
        try (TFloat32 xt = TFloat32.tensorOf(Shape.of(batch, 784), DataBuffers.of(flat, true, false))) {
            tf.predict(xt);
        }
    }
}
