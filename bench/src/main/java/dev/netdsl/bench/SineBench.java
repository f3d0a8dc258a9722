package dev.netdsl.bench;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.datasets.SineWave;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.types.TFloat32;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * Per-step time of a full-batch SGD step on the seed's sine data (1000 points): NetDSL's
 * {@code Model.fit} next to {@link HandWrittenMlp}, measured alternately in one JVM.
 * Usage: {@code SineBench [repeats] [stepsSmall] [stepsLarge]}.
 */
public final class SineBench {
    private SineBench() {
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int stepsSmall = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int stepsLarge = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Dataset data = SineWave.of(1000, -10, 10);
        List<String> rows = new ArrayList<>();
        for (int[] cfg : new int[][] {{1, 20, 50, 20, 1}, {1, 20, 50, 100, 500, 100, 50, 20, 1}}) {
            int steps = cfg.length > 5 ? stepsLarge : stepsSmall;
            double[] dsl = new double[repeats];
            double[] hand = new double[repeats];
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
                for (int r = 0; r < repeats; r++) {
                    // Alternate which side goes first (ABBA) so slow drift of the machine cancels out.
                    if (r % 2 == 0) {
                        dsl[r] = model.fit(data, steps).seconds() / steps * 1e6;
                        hand[r] = handWritten(tf, xt, yt, steps);
                    } else {
                        hand[r] = handWritten(tf, xt, yt, steps);
                        dsl[r] = model.fit(data, steps).seconds() / steps * 1e6;
                    }
                }
            }
            String cfgText = Arrays.toString(cfg).replace(" ", "").replace("[", "").replace("]", "");
            rows.add(String.format("| sine %-22s | %9.1f (%.1f-%.1f) | %9.1f (%.1f-%.1f) | %5.2f |", cfgText,
                    median(dsl), min(dsl), max(dsl), median(hand), min(hand), max(hand), median(dsl) / median(hand)));
        }
        System.out.println("| workload (full-batch SGD step) | NetDSL us/step median (min-max) | hand-written TF Java us/step | NetDSL / TF |");
        System.out.println("|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static double handWritten(HandWrittenMlp tf, TFloat32 xt, TFloat32 yt, int steps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            tf.step(xt, yt);
        }
        return (System.nanoTime() - t0) / 1e3 / steps;
    }

    private static float[] flat(float[][] m) {
        float[] f = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, f, i * m[i].length, m[i].length);
        }
        return f;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
