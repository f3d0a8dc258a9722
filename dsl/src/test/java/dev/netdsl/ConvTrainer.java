package dev.netdsl;

import static dev.netdsl.layers.Layers.conv2d;
import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.relu;

/**
 * Trains one convolution per argument for 20 steps and prints its final loss: {@code ConvTrainer
 * CHANNELS,SIZE,KERNEL,STRIDE,PADDING ...}. Run in a forked JVM by {@link ConvCrashTest}, which looks for a
 * native crash (oneDNN's backprop-filter kernel).
 */
public final class ConvTrainer {
    public static void main(String[] args) {
        for (String arg : args) {
            int[] a = java.util.Arrays.stream(arg.split(",")).mapToInt(Integer::parseInt).toArray();
            int ch = a[0];
            int size = a[1];
            int n = 16;
            float[] x = new float[n * ch * size * size];
            java.util.SplittableRandom r = new java.util.SplittableRandom(7);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 3;
            }
            Dataset data = Dataset.of(x, labels, ch, size, size);
            int o = (size + 2 * a[4] - a[2]) / a[3] + 1;
            try (Model m = Net.sequential(conv2d(ch, 4, a[2], a[3], a[4]), relu(), flatten(), linear(4 * o * o, 3))
                    .input(ch, size, size).crossEntropy().sgd(0.01).seed(1).build()) {
                for (int i = 0; i < 20; i++) {
                    m.step(data);
                }
                System.out.println("OK " + arg + " " + m.loss(data));
            }
        }
    }
}
