package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Models free their native memory, and predict is safe from several threads. */
class NativeMemoryTest {

    @Test
    @EnabledOnOs(OS.LINUX) // reads /proc/self/status
    // The work is bounded by counts; the time limits only guard against a hang, at ten times the quiet time (117 s here):
    // a fresh-clone CI run with the load at ~14 failed when the child's limit was 300 s.
    @org.junit.jupiter.api.Timeout(value = 25, unit = java.util.concurrent.TimeUnit.MINUTES)
    void five_hundred_models_and_100k_predicts_grow_resident_memory_by_less_than_50_mb() throws Exception {
        // A fixed, pre-touched heap: resident memory then moves only with native (and JIT) memory.
        PropertyTest.Forked run = PropertyTest.fork(1200, NativeMemoryCheck.class,
                List.of("-Xms192m", "-Xmx192m", "-XX:+AlwaysPreTouch"), "500", "100000");
        assertThat(run.exit()).as(run.out()).isZero();
        String[] rss = run.out().lines().filter(l -> l.startsWith("RSS_KB ")).findFirst().orElseThrow().split(" ");
        long growthKb = Long.parseLong(rss[2]) - Long.parseLong(rss[1]);
        System.out.println("resident memory after warm-up " + rss[1] + " kB, after 500 models and 100k predicts " + rss[2]
                + " kB, growth " + growthKb + " kB");
        assertThat(growthKb).isLessThan(50 * 1024);
    }

    @Test
    void predict_from_eight_threads_gives_the_serial_answers() throws Exception {
        try (Model model = Net.of(3, 32, 32, 2).tanh().mse().sgd(0.1).seed(5).build()) {
            List<float[][]> inputs = new ArrayList<>();
            java.util.SplittableRandom r = new java.util.SplittableRandom(9);
            for (int i = 0; i < 64; i++) {
                float[][] x = new float[1 + r.nextInt(50)][3];
                for (float[] row : x) {
                    for (int c = 0; c < 3; c++) {
                        row[c] = (float) r.nextGaussian();
                    }
                }
                inputs.add(x);
            }
            List<float[][]> serial = new ArrayList<>();
            inputs.forEach(x -> serial.add(model.predict(x)));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int offset = t;
                    Callable<Boolean> job = () -> {
                        for (int round = 0; round < 20; round++) {
                            for (int k = 0; k < inputs.size(); k++) {
                                int i = (k + offset * 7) % inputs.size();
                                if (!java.util.Arrays.deepEquals(model.predict(inputs.get(i)), serial.get(i))) {
                                    return false;
                                }
                            }
                        }
                        return true;
                    };
                    results.add(pool.submit(job));
                }
                for (Future<Boolean> f : results) {
                    assertThat(f.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
