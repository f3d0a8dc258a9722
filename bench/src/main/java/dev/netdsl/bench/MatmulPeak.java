package dev.netdsl.bench;

import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The machine's float32 matrix-multiply rate through TensorFlow: a 2048 x 2048 by 2048 x 2048
 * MatMul of constants (2 n^3 FLOPs per run), best of 10 runs after warm-up. The reference for the
 * GFLOP/s of the large workloads.
 */
final class MatmulPeak {
    private MatmulPeak() {
    }

    /**
     * Best GFLOP/s of {@code runs} runs of one graph holding a MatMul of each {@code m x k} by
     * {@code k x n} shape in {@code shapes} (rows of {m, k, n}): what TensorFlow's matrix multiplies
     * alone reach at a workload's sizes, with nothing else in the step.
     */
    static double measureShapes(int[][] shapes, int runs) {
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
            for (int i = 0; i < runs + 20; i++) {
                Session.Runner runner = s.runner();
                outs.forEach(runner::fetch);
                long t0 = System.nanoTime();
                runner.run().close();
                double sec = (System.nanoTime() - t0) / 1e9;
                if (i >= 20) {
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

    /** Best GFLOP/s of {@code runs} runs. */
    static double measure(int n, int runs) {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            SplittableRandom r = new SplittableRandom(1);
            float[] a = new float[n * n];
            float[] b = new float[n * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
                b[i] = (float) r.nextGaussian();
            }
            Operand<TFloat32> va = tf.variable(tf.constant(Shape.of(n, n), DataBuffers.of(a)));
            Operand<TFloat32> vb = tf.variable(tf.constant(Shape.of(n, n), DataBuffers.of(b)));
            // Fetch one number of the product, so the 16 MB result is not copied out.
            Operand<TFloat32> c = tf.slice(tf.linalg.matMul(va, vb), tf.constant(new int[] {0, 0}), tf.constant(new int[] {1, 1}));
            s.initialize();
            s.runner().fetch(c).run().close();
            double best = 0;
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                s.runner().fetch(c).run().close();
                double sec = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 2.0 * n * n * n / sec / 1e9);
            }
            return best;
        }
    }
}
