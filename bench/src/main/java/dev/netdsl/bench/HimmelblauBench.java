package dev.netdsl.bench;

import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.autograd.Var;
import dev.netdsl.models.Himmelblau;
import dev.netdsl.training.Adam;
import dev.netdsl.training.Optimizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * 20,000 Adam steps on Himmelblau's function from [0, 0] (the gradient-descent tutorial): NetDSL fused
 * ({@code Minimizer.steps(20000)}), NetDSL one {@code step()} per step, the same loop hand-written in
 * TensorFlow Java, and PyTorch running the tutorial's loop ({@code bench/peers/himmelblau.py}).
 */
final class HimmelblauBench {
    private static final int STEPS = 20_000;

    private HimmelblauBench() {
    }

    /** {@code pairs}: the number of alternating NetDSL / TF pairs of the one-call-per-step row (and PyTorch's repeats). */
    static List<String> run(int repeats, int pairs, Path peers, String python) {
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
        // One call per step: NetDSL and the hand-written graph in alternating order, both open at once.
        double[] stepped;
        double[] hand;
        try (Autograd ag = Autograd.open(0); HandWrittenHimmelblau tf = new HandWrittenHimmelblau(1e-3f)) {
            Var xy = ag.variable("x_y", 0f, 0f);
            Minimizer opt = ag.minimize(Himmelblau.of(xy), Optimizers.adam(1e-3));
            for (int i = 0; i < 2000; i++) {
                opt.step();
                tf.step();
            }
            Pairs p = Pairs.measure(pairs, () -> {
                xy.set(0f, 0f);
                return Pairs.seconds(() -> {
                    for (int i = 0; i < STEPS; i++) {
                        opt.step();
                    }
                });
            }, () -> {
                tf.reset();
                return Pairs.seconds(() -> {
                    for (int i = 0; i < STEPS; i++) {
                        tf.step();
                    }
                });
            });
            stepped = p.netdsl();
            hand = p.peer();
        }
        Peer.Choice peer = Peer.fastest(python, peers.resolve("himmelblau.py"), 0, Integer.toString(hand.length),
                Integer.toString(STEPS));
        Stats torch = peer.kept() == null ? null : peer.kept().stats(1);
        Stats f = Stats.of(fused);
        Stats s = Stats.of(stepped);
        Stats h = Stats.of(hand);
        rows.add(Row.of("Himmelblau 20,000 Adam steps: NetDSL `steps(20000)` (fused, XLA) vs TF and PyTorch step by step", "s", f)
                .tf(h, null).tutorialText(Row.SAME_CODE).memory(torch, peer.threads()).markdown(3));
        rows.add(Row.of("Himmelblau 20,000 Adam steps, one call per step", "s", s).tf(h, Row.pairs(stepped, hand))
                .tutorialText(Row.SAME_CODE).memory(torch, peer.threads()).markdown(3));
        notes.clear();
        notes.add(String.format("Himmelblau: fused warm-up (build + XLA compile + first run) %.2f s; fused is %.0fx faster than"
                + " PyTorch", warmUp, torch == null ? Double.NaN : torch.median() / f.median()));
        notes.add("Himmelblau: PyTorch (" + (peer.kept() == null ? "not available" : peer.kept().version()) + ", the tutorial's loop;"
                + " its point is a tensor already), median time of 20,000 steps: " + peer.tried() + "; the faster is kept");
        return rows;
    }

    /** Lines for under the table. */
    static final List<String> notes = new ArrayList<>();

}
