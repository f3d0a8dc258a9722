package dev.netdsl.bench;

import dev.netdsl.Tensor;
import dev.netdsl.training.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.NoOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The same MLP written directly against TensorFlow Java, the way a TF Java user would: placeholders,
 * {@code [in, out]} weights, MatMul + BiasAdd (as Keras's Dense does), the loss (MSE, softmax
 * cross-entropy on in-graph one-hot labels, or BCE with logits), {@code tf.gradients} and
 * ApplyGradientDescent, one {@code Session.run} per step feeding x and y. Updates wait for the whole
 * backward pass (control edges), which correctness needs (docs/tensorflow-notes.md).
 */
final class HandWrittenMlp implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TFloat32> x;
    private final Placeholder<?> y;
    private final Operand<TFloat32> output;
    private final Operand<TFloat32> loss;
    private final Op train;

    /** Loss kinds. */
    enum Loss { MSE, CROSS_ENTROPY, BCE }

    /** A ReLU MLP with MSE, as in the sine-fitting tutorial. */
    HandWrittenMlp(int[] cfg, float lr, long seed) {
        this(cfg, false, false, Loss.MSE, lr, seed);
    }

    /**
     * @param tanh tanh between layers instead of ReLU
     * @param finalRelu a ReLU on the output too (the MNIST tutorial's)
     */
    HandWrittenMlp(int[] cfg, boolean tanh, boolean finalRelu, Loss kind, float lr, long seed) {
        Ops tf = Ops.create(graph);
        SplittableRandom random = new SplittableRandom(seed);
        x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, cfg[0])));
        int out = cfg[cfg.length - 1];
        y = kind == Loss.CROSS_ENTROPY ? tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)))
                : tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, out)));
        List<Variable<TFloat32>> vars = new ArrayList<>();
        List<Operand<?>> reads = new ArrayList<>();
        List<Op> inits = new ArrayList<>();
        Operand<TFloat32> h = x;
        for (int i = 0; i + 1 < cfg.length; i++) {
            float bound = (float) (1 / Math.sqrt(cfg[i]));
            Variable<TFloat32> w = tf.variable(Shape.of(cfg[i], cfg[i + 1]), TFloat32.class);
            Variable<TFloat32> b = tf.variable(Shape.of(cfg[i + 1]), TFloat32.class);
            inits.add(tf.assign(w, tf.constant(Shape.of(cfg[i], cfg[i + 1]), DataBuffers.of(uniform(random, cfg[i] * cfg[i + 1], bound)))));
            inits.add(tf.assign(b, tf.constant(Shape.of(cfg[i + 1]), DataBuffers.of(uniform(random, cfg[i + 1], bound)))));
            Operand<TFloat32> wr = tf.identity(w);
            Operand<TFloat32> br = tf.identity(b);
            vars.add(w);
            vars.add(b);
            reads.add(wr);
            reads.add(br);
            h = tf.nn.biasAdd(tf.linalg.matMul(h, wr), br);
            if (i + 2 < cfg.length || finalRelu) {
                h = tanh && i + 2 < cfg.length ? tf.math.tanh(h) : tf.nn.relu(h);
            }
        }
        output = h;
        loss = switch (kind) {
            case MSE -> tf.math.mean(tf.math.square(tf.math.sub(h, y.asOutput().expect(TFloat32.class))),
                    tf.constant(new int[] {0, 1}));
            case CROSS_ENTROPY -> tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(h, tf.oneHot(y.asOutput().expect(TInt32.class),
                    tf.constant(out), tf.constant(1f), tf.constant(0f))).loss(), tf.constant(0));
            case BCE -> {
                Operand<TFloat32> t = y.asOutput().expect(TFloat32.class);
                yield tf.math.mean(tf.math.add(tf.math.sub(tf.nn.relu(h), tf.math.mul(h, t)),
                        tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(h))))), tf.constant(new int[] {0, 1}));
            }
        };
        List<Output<?>> grads = tf.gradients(loss, reads).dy();
        List<Operation> producers = new ArrayList<>();
        grads.forEach(g -> producers.add(g.op()));
        NoOp done = NoOp.create(tf.scope().withControlDependencyOps(producers));
        Ops after = tf.withControlDependencies(List.of(done));
        Operand<TFloat32> rate = tf.constant(lr);
        List<Op> updates = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            updates.add(after.train.applyGradientDescent(vars.get(i), rate, grads.get(i).expect(TFloat32.class)));
        }
        train = tf.withControlDependencies(updates).noOp();
        NoOp init = tf.withControlDependencies(inits).noOp();
        session = new Session(graph);
        session.runner().addTarget(init).run().close();
    }

    private static float[] uniform(SplittableRandom random, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    /** The outputs for {@code xt}, copied into a Java array as a caller would need them. */
    float[] predict(TFloat32 xt) {
        try (Result r = session.runner().feed(x, xt).fetch(output).run()) {
            TFloat32 t = (TFloat32) r.get(0);
            float[] out = new float[(int) t.shape().size()];
            t.copyTo(DataBuffers.of(out, false, false));
            return out;
        }
    }

    /** Seconds that {@code steps} full-batch SGD steps on {@code xt}, {@code yt} take. */
    double seconds(TFloat32 xt, org.tensorflow.Tensor yt, int steps) {
        return Pairs.seconds(() -> {
            for (int i = 0; i < steps; i++) {
                step(xt, yt);
            }
        });
    }

    /** One SGD step on fed tensors; returns the loss. */
    float step(TFloat32 xt, org.tensorflow.Tensor yt) {
        try (Result r = session.runner().feed(x, xt).feed(y, yt).addTarget(train).fetch(loss).run()) {
            return ((TFloat32) r.get(0)).getFloat();
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
