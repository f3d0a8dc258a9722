package dev.netdsl.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The machine's float32 matrix-multiply rate: a 2048 x 2048 by 2048 x 2048 product (2 n^3 FLOPs per
 * run), best of 10 runs after warm-up, through TensorFlow (a MatMul of constants, its default thread
 * pool) and through PyTorch ({@code peers/matmul.py}, {@code torch.mm}, the faster of 1 thread and all
 * cores). The higher of the two is the limit the GFLOP/s of the large workloads are compared with.
 */
final class MatmulPeak {
    private MatmulPeak() {
    }

    /** Both measurements (torch 0 if PyTorch is not available) and PyTorch's thread count. */
    record Peak(double tf, double torch, int torchThreads) {
        /** The limit: the higher of the two. */
        double higher() {
            return Math.max(tf, torch);
        }

        /** One sentence for under a section's title. */
        String describe() {
            return String.format("Matrix-multiply peak measured in this run (2048 x 2048 float32, best of 10): TensorFlow MatMul"
                    + " %.1f GFLOP/s (its default thread pool, %d cores), PyTorch `torch.mm` %s; the GFLOP/s column's"
                    + " percentages are of the higher, %.1f GFLOP/s.", tf, Peer.allCores(),
                    torch > 0 ? String.format("%.1f GFLOP/s (%s)", torch, Peer.threadText(torchThreads)) : "not available",
                    higher());
        }
    }

    /** The 2048 x 2048 peak through TensorFlow and through PyTorch. */
    static Peak both(String python, Path peers) {
        int n = 2048;
        int runs = 10;
        double tf = measure(n, runs);
        Peer.Choice torch = Peer.fastest(python, peers.resolve("matmul.py"), 0, p -> Arrays.stream(p.seconds()).min().orElse(1e9),
                Integer.toString(n), Integer.toString(runs));
        double best = torch.kept() == null ? 0 : 2.0 * n * n * n / Arrays.stream(torch.kept().seconds()).min().orElse(1e9) / 1e9;
        return new Peak(tf, best, torch.threads());
    }

    /**
     * Best GFLOP/s of {@code runs} runs of one graph holding a MatMul of each {@code m x k} by
     * {@code k x n} shape in {@code shapes} (rows of {m, k, n}): what TensorFlow's matrix multiplies
     * alone reach at a workload's sizes, with nothing else in the step. Fetches one number of each
     * product, so the results are not copied out.
     */
    static double measureShapes(int[][] shapes, int warmUps, int runs) {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            SplittableRandom r = new SplittableRandom(2);
            java.util.List<Operand<TFloat32>> outs = new java.util.ArrayList<>();
            double flops = 0;
            for (int[] mkn : shapes) {
                Operand<TFloat32> a = tf.variable(tf.constant(Shape.of(mkn[0], mkn[1]), DataBuffers.of(random(r, mkn[0] * mkn[1]))));
                Operand<TFloat32> b = tf.variable(tf.constant(Shape.of(mkn[1], mkn[2]), DataBuffers.of(random(r, mkn[1] * mkn[2]))));
                outs.add(tf.slice(tf.linalg.matMul(a, b), tf.constant(new int[] {0, 0}), tf.constant(new int[] {1, 1})));
                flops += 2.0 * mkn[0] * mkn[1] * mkn[2];
            }
            s.initialize();
            double best = 0;
            for (int i = 0; i < warmUps + runs; i++) {
                Session.Runner runner = s.runner();
                outs.forEach(runner::fetch);
                long t0 = System.nanoTime();
                runner.run().close();
                double sec = (System.nanoTime() - t0) / 1e9;
                if (i >= warmUps) {
                    best = Math.max(best, flops / sec / 1e9);
                }
            }
            return best;
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Best GFLOP/s of {@code runs} runs of an {@code n x n} by {@code n x n} MatMul, after one warm-up run. */
    static double measure(int n, int runs) {
        return measureShapes(new int[][] {{n, n, n}}, 1, runs);
    }
}
