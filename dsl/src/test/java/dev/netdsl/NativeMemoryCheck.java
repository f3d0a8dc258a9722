package dev.netdsl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds, trains, predicts with and closes many models, then predicts many times with one, and
 * prints the process's resident memory after warm-up and at the end. Run in a forked JVM (fixed,
 * pre-touched heap) by {@link NativeMemoryTest}.
 *
 * <p>Usage: {@code NativeMemoryCheck MODELS PREDICTS}
 */
public final class NativeMemoryCheck {
    public static void main(String[] args) throws IOException {
        int models = Integer.parseInt(args[0]);
        int predicts = Integer.parseInt(args[1]);
        Dataset data = Dataset.of(new float[][] {{0f}, {0.5f}, {1f}, {1.5f}}, new float[][] {{0f}, {0.48f}, {0.84f}, {1f}});
        float[][] x = {{0.25f}, {0.75f}};
        // Warm-up: class loading, JIT, TensorFlow's kernel registry and thread pools.
        cycle(50, data, x);
        predictMany(predicts / 10, x);
        System.gc();
        long before = rssKb();
        cycle(models, data, x);
        predictMany(predicts, x);
        System.gc();
        long after = rssKb();
        System.out.println("RSS_KB " + before + " " + after);
    }

    private static void cycle(int n, Dataset data, float[][] x) {
        for (int i = 0; i < n; i++) {
            try (Model m = Net.of(1, 20, 1).relu().mse().sgd(0.05).seed(i).build().progress(false)) {
                m.fit(data, 3);
                m.predict(x);
            }
        }
    }

    private static void predictMany(int n, float[][] x) {
        try (Model m = Net.of(1, 20, 1).relu().mse().sgd(0.05).seed(1).build()) {
            for (int i = 0; i < n; i++) {
                m.predict(x);
            }
        }
    }

    /** VmRSS of this process in kB, from /proc/self/status. */
    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }
}
