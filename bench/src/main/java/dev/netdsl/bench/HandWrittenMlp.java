package dev.netdsl.bench;

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

/**
 * The same MLP written directly against TensorFlow Java, the way a TF Java user would: placeholders,
 * {@code [in, out]} weights, MatMul + BiasAdd (as Keras's Dense does), MSE, {@code tf.gradients} and ApplyGradientDescent, one
 * {@code Session.run} per step feeding x and y. Updates wait for the whole backward pass (control
 * edges), which correctness needs (docs/tensorflow-notes.md).
 */
final class HandWrittenMlp implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TFloat32> x;
    private final Placeholder<TFloat32> y;
    private final Operand<TFloat32> loss;
    private final Op train;

    HandWrittenMlp(int[] cfg, float lr, long seed) {
        Ops tf = Ops.create(graph);
        SplittableRandom random = new SplittableRandom(seed);
        x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, cfg[0])));
        y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, cfg[cfg.length - 1])));
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
            if (i + 2 < cfg.length) {
                h = tf.nn.relu(h);
            }
        }
        loss = tf.math.mean(tf.math.square(tf.math.sub(h, y)), tf.constant(new int[] {0, 1}));
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

    /** One SGD step on fed tensors; returns the loss. */
    float step(TFloat32 xt, TFloat32 yt) {
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
