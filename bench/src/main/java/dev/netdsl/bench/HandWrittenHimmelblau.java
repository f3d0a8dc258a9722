package dev.netdsl.bench;

import dev.netdsl.training.Adam;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The gradient-descent tutorial's Himmelblau loop written directly against TensorFlow Java: a variable {@code x_y}, the
 * function through slices, {@code tf.gradients}, {@code ApplyAdam}, one {@code Session.run} per step.
 */
final class HandWrittenHimmelblau implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Operand<TFloat32> loss;
    private final Op train;
    private final Op reset;

    HandWrittenHimmelblau(float lr) {
        Ops tf = Ops.create(graph);
        Variable<TFloat32> xy = tf.variable(Shape.of(2), TFloat32.class);
        Variable<TFloat32> m = tf.variable(Shape.of(2), TFloat32.class);
        Variable<TFloat32> v = tf.variable(Shape.of(2), TFloat32.class);
        Variable<TFloat32> b1p = tf.variable(Shape.scalar(), TFloat32.class);
        Variable<TFloat32> b2p = tf.variable(Shape.scalar(), TFloat32.class);
        Operand<TFloat32> zeros = tf.constant(new float[] {0, 0});
        reset = tf.withControlDependencies(List.of(tf.assign(xy, zeros), tf.assign(m, zeros), tf.assign(v, zeros),
                tf.assign(b1p, tf.constant(1f)), tf.assign(b2p, tf.constant(1f)))).noOp();
        Operand<TFloat32> read = tf.identity(xy);
        Operand<TFloat32> x = tf.reshape(tf.slice(read, tf.constant(new int[] {0}), tf.constant(new int[] {1})), tf.constant(new int[0]));
        Operand<TFloat32> y = tf.reshape(tf.slice(read, tf.constant(new int[] {1}), tf.constant(new int[] {1})), tf.constant(new int[0]));
        Operand<TFloat32> a = tf.math.sub(tf.math.add(tf.math.square(x), y), tf.constant(11f));
        Operand<TFloat32> b = tf.math.sub(tf.math.add(x, tf.math.square(y)), tf.constant(7f));
        loss = tf.math.add(tf.math.square(a), tf.math.square(b));
        Output<?> grad = tf.gradients(loss, List.of(read)).dy().get(0);
        Operand<TFloat32> b1 = tf.constant(0.9f);
        Operand<TFloat32> b2 = tf.constant(0.999f);
        Operand<TFloat32> p1 = tf.identity(tf.assign(b1p, tf.math.mul(tf.identity(b1p), b1)));
        Operand<TFloat32> p2 = tf.identity(tf.assign(b2p, tf.math.mul(tf.identity(b2p), b2)));
        train = tf.train.applyAdam(xy, m, v, p1, p2, tf.constant(lr), b1, b2, tf.constant(1e-8f), grad.expect(TFloat32.class));
        session = new Session(graph);
        session.run(reset);
    }

    /** Back to [0, 0] with fresh Adam state. */
    void reset() {
        session.run(reset);
    }

    /** One Adam step; returns f before it. */
    float step() {
        try (Result r = session.runner().addTarget(train).fetch(loss).run()) {
            return ((TFloat32) r.get(0)).getFloat();
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
