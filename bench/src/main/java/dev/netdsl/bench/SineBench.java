package dev.netdsl.bench;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.datasets.SineWave;
import dev.netdsl.training.SGD;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Per-step time of a full-batch SGD step on the sine-fitting tutorial's data (1000 points): NetDSL's
 * {@code Model.fit} next to {@link HandWrittenMlp}, measured alternately in one JVM, and PyTorch
 * running the tutorial's loop ({@code peers/workloads.py sine}; its data are tensors in memory already, so it fills the
 * in-memory column, at the faster of 1 thread and all cores).
 */
final class SineBench {
    private SineBench() {
    }

    /** Training FLOPs of one full-batch step: forward 2 n in out per layer, backward twice that (no input gradient for the first layer). */
    static double flopsPerStep(int[] cfg, int n) {
        double f = 0;
        for (int i = 0; i + 1 < cfg.length; i++) {
            f += (i == 0 ? 4.0 : 6.0) * n * cfg[i] * cfg[i + 1];
        }
        return f;
    }

    static List<String> run(int repeats, int stepsSmall, int stepsLarge, String python, java.nio.file.Path peers, double peak) {
        Dataset data = SineWave.of(1000, -10, 10);
        List<String> rows = new ArrayList<>();
        pairedNotes.clear();
        for (int[] cfg : new int[][] {{1, 20, 50, 20, 1}, {1, 20, 50, 100, 500, 100, 50, 20, 1}}) {
            int steps = cfg.length > 5 ? stepsLarge : stepsSmall;
            double[] dsl;
            double[] hand;
            float[] xs = flat(data.x());
            float[] ys = flat(data.y());
            try (Model model = Net.of(cfg).relu().mse().sgd(0.05).seed(1).build().progress(false);
                 HandWrittenMlp tf = new HandWrittenMlp(cfg, 0.05f, 1);
                 TFloat32 xt = TFloat32.tensorOf(Shape.of(1000, 1), DataBuffers.of(xs));
                 TFloat32 yt = TFloat32.tensorOf(Shape.of(1000, 1), DataBuffers.of(ys))) {
                model.fit(data, steps / 4);
                for (int i = 0; i < steps / 4; i++) {
                    tf.step(xt, yt);
                }
                Pairs p = Pairs.measure(repeats, () -> model.fit(data, steps).seconds() / steps * 1e6,
                        () -> tf.seconds(xt, yt, steps) / steps * 1e6);
                dsl = p.netdsl();
                hand = p.peer();
            }
            String cfgText = Arrays.toString(cfg).replace(" ", "").replace("[", "").replace("]", "");
            Stats d = Stats.of(dsl);
            Stats h = Stats.of(hand);
            // Each repeat times both sides back to back, so its ratio is free of the machine's slow drift;
            // the median of those paired ratios is steadier than the ratio of the two medians.
            double[] ratios = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                ratios[r] = dsl[r] / hand[r];
            }
            Stats q = Stats.of(ratios);
            // The tutorial's loop already holds its 1000 points as tensors: it is the in-memory column, at the
            // faster of 1 thread and all cores.
            Peer.Choice torch = Peer.fastest(python, peers.resolve("workloads.py"), 0,
                    "sine", cfgText, Integer.toString(steps), Integer.toString(Math.min(repeats, 7)));
            boolean large = cfg.length > 5;
            rows.add(Row.of("sine " + cfgText + " full-batch SGD step (1000 points)", "us/step", d).tf(h, q)
                    .tutorialText(Row.SAME_CODE)
                    .memory(torch.kept() == null ? null : torch.kept().stats(steps / 1e6), torch.threads())
                    .flops(large ? flopsPerStep(cfg, 1000) / 1e3 : 0, large ? peak : 0)
                    .markdown(1));
            pairedNotes.add("sine " + cfgText + ": PyTorch (" + (torch.kept() == null ? "not available" : torch.kept().version())
                    + ", the tutorial's loop, tensors in memory), median time of " + steps + " steps: " + torch.tried()
                    + "; the faster is kept");
        }
        return rows;
    }

    /** Lines for under the sine table (one per net: PyTorch's time at each thread count); the MNIST section reuses the list. */
    static final List<String> pairedNotes = new ArrayList<>();

    private static float[] flat(float[][] m) {
        float[] f = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, f, i * m[i].length, m[i].length);
        }
        return f;
    }



}
