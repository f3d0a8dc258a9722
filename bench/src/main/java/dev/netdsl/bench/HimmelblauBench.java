package dev.netdsl.bench;

import dev.netdsl.Autograd;
import dev.netdsl.Minimizer;
import dev.netdsl.Optimizers;
import dev.netdsl.Var;
import dev.netdsl.models.Himmelblau;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * 20,000 Adam steps on Himmelblau's function from [0, 0] (seed 001): NetDSL fused
 * ({@code Minimizer.steps(20000)}), NetDSL one {@code step()} per step, the same loop hand-written in
 * TensorFlow Java, and PyTorch running the seed's loop ({@code bench/peers/himmelblau.py}).
 */
final class HimmelblauBench {
    private static final int STEPS = 20_000;

    private HimmelblauBench() {
    }

    static List<String> run(int repeats, Path peers, String python) {
        List<String> rows = new ArrayList<>();
        double[] fused = new double[repeats];
        double warmUp;
        try (Autograd ag = Autograd.open(0)) {
            Var xy = ag.variable("x_y", 0f, 0f);
            Minimizer opt = ag.minimize(Himmelblau.of(xy), Optimizers.adam(1e-3));
            long t0 = System.nanoTime();
            opt.steps(STEPS);
            warmUp = (System.nanoTime() - t0) / 1e9;
            for (int r = 0; r < repeats; r++) {
                xy.set(0f, 0f);
                long t = System.nanoTime();
                opt.steps(STEPS);
                fused[r] = (System.nanoTime() - t) / 1e9;
            }
        }
        double[] stepped = new double[Math.min(repeats, 5)];
        try (Autograd ag = Autograd.open(0)) {
            Var xy = ag.variable("x_y", 0f, 0f);
            Minimizer opt = ag.minimize(Himmelblau.of(xy), Optimizers.adam(1e-3));
            for (int i = 0; i < 2000; i++) {
                opt.step();
            }
            for (int r = 0; r < stepped.length; r++) {
                xy.set(0f, 0f);
                long t = System.nanoTime();
                for (int i = 0; i < STEPS; i++) {
                    opt.step();
                }
                stepped[r] = (System.nanoTime() - t) / 1e9;
            }
        }
        double[] hand = new double[stepped.length];
        try (HandWrittenHimmelblau tf = new HandWrittenHimmelblau(1e-3f)) {
            for (int i = 0; i < 2000; i++) {
                tf.step();
            }
            for (int r = 0; r < hand.length; r++) {
                tf.reset();
                long t = System.nanoTime();
                for (int i = 0; i < STEPS; i++) {
                    tf.step();
                }
                hand[r] = (System.nanoTime() - t) / 1e9;
            }
        }
        Peer peer = pytorch(python, peers.resolve("himmelblau.py"), hand.length);
        Stats torch = peer == null ? null : peer.stats();
        Stats f = Stats.of(fused);
        Stats s = Stats.of(stepped);
        Stats h = Stats.of(hand);
        rows.add(row("NetDSL `steps(20000)` (fused, XLA)", f, torch, String.format("warm-up (build + XLA compile + first run) %.2f s", warmUp)));
        rows.add(row("NetDSL 20,000 x `step()`", s, torch, ""));
        rows.add(row("hand-written TF Java, 1 `Session.run` per step", h, torch, ""));
        rows.add(torch == null ? "| PyTorch (seed's loop) | not available | | `python3-torch` missing |"
                : row("PyTorch " + peer.version() + " (seed's loop)", torch, torch, ""));
        rows.add(String.format("| fused vs PyTorch | %.0fx faster | | |", torch == null ? Double.NaN : torch.median() / f.median()));
        return rows;
    }

    /** The PyTorch peer's timings and version. */
    private record Peer(Stats stats, String version) {
    }

    private static String row(String name, Stats s, Stats torch, String note) {
        String ratio = torch == null ? "n/a" : String.format("%.3f", s.median() / torch.median());
        return String.format("| %s | %s | %s | %s |", name, s.format(3), ratio, note);
    }

    /** Runs the PyTorch peer, or returns null if it can't run here. */
    private static Peer pytorch(String python, Path script, int repeats) {
        try {
            Process p = new ProcessBuilder(python, script.toString(), Integer.toString(repeats), Integer.toString(STEPS))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                System.err.println("PyTorch peer failed: " + out.strip());
                return null;
            }
            Matcher version = Pattern.compile("\"torch\": \"([^\"]+)\"").matcher(out);
            String torchVersion = version.find() ? version.group(1) : "";
            Matcher m = Pattern.compile("\"seconds\": \\[([^\\]]*)\\]").matcher(out);
            if (!m.find()) {
                System.err.println("PyTorch peer printed no timings: " + out.strip());
                return null;
            }
            String[] parts = m.group(1).split(",");
            double[] v = new double[parts.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = Double.parseDouble(parts[i].trim());
            }
            return new Peer(Stats.of(v), torchVersion);
        } catch (IOException e) {
            System.err.println("PyTorch peer not runnable (" + e.getMessage() + ")");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
