package dev.netdsl.bench;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.tanh;

import dev.netdsl.Dataset;
import dev.netdsl.Expr;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Feeds;
import dev.netdsl.autograd.Input;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.autograd.Var;
import dev.netdsl.datasets.PlanarFlower;
import dev.netdsl.layers.Initializers;
import dev.netdsl.training.Loss;
import dev.netdsl.training.Optimizers;
import dev.netdsl.training.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The Sequential-and-Module tutorial's two-layer tanh net (2-4-1, BCE with logits, SGD lr 1) on the 400 planar points, 10,000
 * full-batch steps: NetDSL's {@code Model.fit(data, 10000)} (cheap steps: fused, 500 per call) and its fused
 * {@code Minimizer.steps(10000)} on the tutorial's raw weights, hand-written TF Java, PyTorch.
 */
final class PlanarBench {
    static final int STEPS = 10_000;

    private PlanarBench() {
    }

    static List<String> run(int repeats, Path peers, String python) {
        Dataset data = PlanarFlower.generate(400, 1);
        float[] xs = data.xRowMajor();
        float[] ys = new float[400];
        for (int i = 0; i < 400; i++) {
            ys[i] = data.y()[i][0];
        }
        double[] model;
        double[] hand;
        try (Model net = Net.sequential(linear(2, 4), tanh(), linear(4, 1)).bceWithLogits().sgd(1.0).seed(1).build().progress(false);
             HandWrittenMlp tf = new HandWrittenMlp(new int[] {2, 4, 1}, true, false, HandWrittenMlp.Loss.BCE, 1f, 1);
             TFloat32 xt = TFloat32.tensorOf(Shape.of(400, 2), DataBuffers.of(xs));
             TFloat32 yt = TFloat32.tensorOf(Shape.of(400, 1), DataBuffers.of(ys))) {
            net.fit(data, 1000);
            for (int i = 0; i < 1000; i++) {
                tf.step(xt, yt);
            }
            Pairs p = Pairs.measure(repeats, () -> net.fit(data, STEPS).seconds(), () -> tf.seconds(xt, yt, STEPS));
            model = p.netdsl();
            hand = p.peer();
        }
        double[] fused = new double[repeats];
        try (Autograd ag = Autograd.open(1)) {
            Input x = ag.input("x", -1, 2);
            Input t = ag.input("y", -1, 1);
            Var w1 = ag.variable("w1", new long[] {2, 4}, Initializers.normal(0, 0.01));
            Var b1 = ag.variable("b1", new long[] {4}, Initializers.zeros());
            Var w2 = ag.variable("w2", new long[] {4, 1}, Initializers.normal(0, 0.01));
            Var b2 = ag.variable("b2", new long[] {1}, Initializers.zeros());
            Expr z = x.matmul(w1).plus(b1).tanh().matmul(w2).plus(b2);
            Minimizer opt = ag.minimize(z.bceWithLogits(t).mean(), Optimizers.sgd(1.0));
            Feeds feeds = Feeds.of(x, xs, 400, 2).and(t, ys, 400, 1);
            opt.steps(STEPS, feeds);
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                opt.steps(STEPS, feeds);
                fused[r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        Peer.Choice torch = Peer.fastest(python, peers.resolve("workloads.py"), 0, "planar", Integer.toString(STEPS),
                Integer.toString(repeats));
        Stats tfStats = Stats.of(hand);
        Stats torchStats = torch.kept() == null ? null : torch.kept().stats(1);
        notes.clear();
        notes.add("planar: PyTorch (" + (torch.kept() == null ? "not available" : torch.kept().version()) + ", the tutorial's"
                + " hand-written two-layer net, tensors in memory), median time of 10,000 steps: " + torch.tried() + "; the faster is kept");
        List<String> rows = new ArrayList<>();
        rows.add(Row.of("planar two-layer tanh 2-4-1, 10,000 SGD steps: NetDSL `Model.fit(data, 10000)` (fused: 500 steps per call)", "s",
                Stats.of(model)).tf(tfStats, Row.pairs(model, hand)).tutorialText(Row.SAME_CODE)
                .memory(torchStats, torch.threads()).markdown(3));
        rows.add(Row.of("planar two-layer, 10,000 SGD steps: NetDSL `Minimizer.steps(10000)` (fused, XLA)", "s",
                Stats.of(fused)).tf(tfStats, null).tutorialText(Row.SAME_CODE).memory(torchStats, torch.threads()).markdown(3));
        return rows;
    }

    /** Lines for under the table. */
    static final List<String> notes = new ArrayList<>();
}
