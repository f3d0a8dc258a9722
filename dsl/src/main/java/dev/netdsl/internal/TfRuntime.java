package dev.netdsl.internal;

import dev.netdsl.Device;
import dev.netdsl.NetDslException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * One TensorFlow graph and its session, with float variables that are initialised and overwritten
 * from Java arrays. Owned by a public runtime type (a model) and never returned to callers.
 *
 * <p>Every variable gets an assign-from-placeholder op when it is created, so initial values come
 * from Java (reproducible, PyTorch-compatible initialisation) and later loads reuse the same ops.
 * Reads go through {@code Identity}: building {@code Square}/{@code Pow} straight on a ref-typed
 * variable crashes TF Java 1.1.0's gradient code (docs/tensorflow-notes.md).
 */
public final class TfRuntime implements AutoCloseable {
    static {
        // JavaCPP (under TF Java) reads /proc/self/statm on every native allocation to enforce maxPhysicalBytes;
        // that check took more than half the time of building a small model (docs/tensorflow-notes.md). NetDSL
        // closes every tensor it opens, so the check buys nothing here. A value set by the user wins.
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        }
    }

    private final Graph graph = new Graph();
    private final Ops tf;
    private final Device device;
    private final List<Slot> slots = new ArrayList<>();
    private final java.util.Set<String> names = new java.util.HashSet<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final String owner;
    private Session session;
    private boolean closed;

    /** A variable, its read, its initial value and the op that overwrites it from a fed tensor. */
    public record Slot(String name, long[] shape, Variable<TFloat32> variable, Operand<TFloat32> read,
                       Placeholder<TFloat32> feed, Op assign, float[] initial) {
        /** Number of elements. */
        public int size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return (int) n;
        }
    }

    /**
     * @param owner the public type using this runtime, for messages like "can't predict with a
     *     closed Model"
     * @param device where to place the graph; {@link Device#AUTO} is resolved here
     */
    public TfRuntime(String owner, Device device) {
        this.owner = owner;
        this.device = device.resolve();
        this.tf = Ops.create(graph).withDevice(DeviceSpec.newBuilder()
                .deviceType(this.device == Device.GPU ? DeviceSpec.DeviceType.GPU : DeviceSpec.DeviceType.CPU).deviceIndex(0).build());
    }

    /** The device every op is placed on (ops without a kernel there fall back to the CPU). */
    public Device device() {
        return device;
    }

    /** The graph, for control flow that {@link Ops} does not offer (while-loops). */
    public Graph graph() {
        return graph;
    }

    /** The graph-building API. Use only while building, before {@link #start()}. */
    public Ops tf() {
        return tf;
    }

    /**
     * The graph-building API that names its next op after {@code path}, e.g. {@code "0/weight"} as {@code 0.weight}:
     * one name, with no name scope opened. Opening one ({@code withSubScope}) reads the name of every op in the graph
     * (NameScope.importIdsFrom), so naming the guard's and optimizer's variables after an unrolled recurrent net was
     * quadratic in the graph's size; and TensorFlow Java's {@code withName} takes no '/' (docs/tensorflow-notes.md).
     */
    public Ops named(String path) {
        return tf.withName(opName(path));
    }

    private static String opName(String path) {
        return path.replace('/', '.');
    }

    /** {@link #named(String)} for an op that runs only after {@code after}. */
    public Ops named(String path, List<? extends Op> after) {
        return named(path).withControlDependencies(new ArrayList<Op>(after));
    }

    /**
     * {@code path} if no op of this runtime was given that name yet, else {@code path_1},
     * {@code path_2}, ...: for ops built more than once (two minimizers in one graph).
     */
    public String unique(String path) {
        String candidate = path;
        for (int i = 1; !names.add(opName(candidate)); i++) {
            candidate = path + "_" + i;
        }
        return candidate;
    }

    /** A float placeholder named {@code name}; {@code -1} marks an unknown dimension. */
    public Placeholder<TFloat32> placeholder(String name, long... dims) {
        return named(name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(dims)));
    }

    /**
     * A float variable named {@code name} that starts from {@code initial} (row-major, written when
     * the session starts). The array is kept, not copied (checkpoint copies of a variable share its
     * array): the caller must not change it afterwards.
     */
    public Slot variable(String path, long[] shape, float[] initial) {
        String name = unique(path);
        Variable<TFloat32> v = named(name).variable(Shape.of(shape), TFloat32.class);
        Operand<TFloat32> read = named(name + "/read").identity(v);
        Placeholder<TFloat32> feed = named(name + "/value").placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
        Op assign = named(name + "/assign").assign(v, feed);
        Slot slot = new Slot(name, shape.clone(), v, read, feed, assign, initial);
        if (slot.size() != initial.length) {
            throw new IllegalArgumentException(name + ": initial value has " + initial.length + " numbers but the shape "
                    + Shape.of(shape) + " needs " + slot.size());
        }
        slots.add(slot);
        if (session != null) {
            assign(List.of(slot), List.of(slot.initial()));
        }
        return slot;
    }

    /** Every variable created so far, in creation order. */
    public List<Slot> slots() {
        return List.copyOf(slots);
    }

    /** True once {@link #start} ran. */
    public boolean started() {
        return session != null;
    }

    /**
     * Creates the session and writes every variable's initial value. Variables created later are
     * written as they are created.
     */
    public void start() {
        session = new Session(graph, false, ConfigProto.newBuilder().setAllowSoftPlacement(true).build());
        List<float[]> values = new ArrayList<>();
        for (Slot s : slots) {
            values.add(s.initial());
        }
        assign(slots, values);
    }

    /**
     * Work below this many floating-point operations per run executes on the calling thread
     * ({@code RunOptions.inter_op_thread_pool = -1}): handing each op to TensorFlow's inter-op pool
     * costs more than a small op itself (docs/tensorflow-notes.md, "Thread pools").
     */
    public static final double INLINE_FLOPS = 50e6;

    private static final RunOptions INLINE = RunOptions.newBuilder().setInterOpThreadPool(-1).build();

    /**
     * A runner for work of about {@code flops} floating-point operations: on the calling thread
     * below {@link #INLINE_FLOPS}, else on TensorFlow's thread pools.
     */
    public Session.Runner runner(double flops) {
        Session.Runner r = session().runner();
        return flops < INLINE_FLOPS ? r.setOptions(INLINE) : r;
    }

    /** Overwrites {@code targets} with {@code values} in one session run. */
    public void assign(List<Slot> targets, List<float[]> values) {
        if (targets.isEmpty()) {
            return;
        }
        List<TFloat32> tensors = new ArrayList<>();
        try {
            Session.Runner r = session().runner();
            for (int i = 0; i < targets.size(); i++) {
                Slot s = targets.get(i);
                TFloat32 t = tensor(values.get(i), s.shape());
                tensors.add(t);
                r.feed(s.feed(), t).addTarget(s.assign());
            }
            run(r, "assign variables").close();
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    /** Reads the current values of {@code targets} in one session run. */
    public List<float[]> read(List<Slot> targets) {
        Session.Runner r = session().runner();
        targets.forEach(s -> r.fetch(s.read()));
        List<float[]> out = new ArrayList<>();
        try (Result result = run(r, "read variables")) {
            for (int i = 0; i < targets.size(); i++) {
                out.add(floats((TFloat32) result.get(i)));
            }
        }
        return out;
    }

    /** The session; throws if not started or closed. */
    public Session session() {
        if (closed) {
            throw new IllegalStateException("this " + owner + " is closed; build a new one");
        }
        if (session == null) {
            throw new IllegalStateException("the " + owner + "'s session has not started");
        }
        return session;
    }

    /**
     * Runs {@code runner}, turning TensorFlow's native errors into {@link NetDslException} that
     * names {@code what}.
     */
    public Result run(Session.Runner runner, String what) {
        try {
            return runner.run();
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new NetDslException(owner + ": TensorFlow failed to " + what + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} while holding the shared lock, so {@link #close()} waits for it. */
    public <T> T shared(String action, Supplier<T> work) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("can't " + action + " with a closed " + owner);
            }
            return work.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code work} while holding the exclusive lock (training steps, loads). */
    public <T> T exclusive(String action, Supplier<T> work) {
        lock.writeLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("can't " + action + " with a closed " + owner);
            }
            return work.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the session and graph; safe to call twice. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (session != null) {
                session.close();
            }
            graph.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A float tensor of {@code shape} holding a copy of {@code values}. The caller closes it. */
    public static TFloat32 tensor(float[] values, long... shape) {
        return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    /**
     * A {@code [rows.length, width]} float tensor holding {@code rows}, written row by row straight
     * into the tensor's memory (no intermediate flat array). Rows must have {@code width} values.
     */
    public static TFloat32 tensor(float[][] rows, int width) {
        TFloat32 t = TFloat32.tensorOf(Shape.of(rows.length, width));
        try {
            org.tensorflow.ndarray.buffer.FloatDataBuffer data = t.asRawTensor().data().asFloats();
            for (int r = 0; r < rows.length; r++) {
                data.offset((long) r * width).write(rows[r]);
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** The rows of a {@code [n, width]} float tensor: one bulk read, then split (narrow rows make per-row views slow). */
    public static float[][] rows(TFloat32 t, int width) {
        float[] flat = floats(t);
        float[][] out = new float[flat.length / width][width];
        for (int r = 0; r < out.length; r++) {
            System.arraycopy(flat, r * width, out[r], 0, width);
        }
        return out;
    }

    /** A copy of a float tensor's values in row-major order. */
    public static float[] floats(TFloat32 t) {
        float[] out = new float[(int) t.shape().size()];
        t.copyTo(DataBuffers.of(out, false, false));
        return out;
    }
}
