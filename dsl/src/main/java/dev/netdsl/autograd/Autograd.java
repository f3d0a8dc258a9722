package dev.netdsl.autograd;

import dev.netdsl.Device;
import dev.netdsl.Expr;
import dev.netdsl.internal.ExprCompiler;
import dev.netdsl.internal.Node;
import dev.netdsl.internal.OpCode;
import dev.netdsl.internal.TfRuntime;
import dev.netdsl.layers.Initializer;
import dev.netdsl.training.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

/**
 * Raw variables and automatic differentiation, like PyTorch tensors with {@code requires_grad}:
 * create {@link Var variables} and {@link Input inputs}, write a loss as an {@link Expr}, and
 * {@link #minimize} it. Owns one TensorFlow graph and session; close it when done.
 *
 * <pre>{@code
 * try (Autograd ag = Autograd.open()) {
 *     Var xy = ag.variable("x_y", 0f, 0f);
 *     Expr x = xy.at(0), y = xy.at(1);
 *     Expr f = x.square().plus(y).minus(11).square().plus(x.plus(y.square()).minus(7).square());
 *     Minimizer opt = ag.minimize(f, Optimizers.adam(1e-3));
 *     opt.steps(20_000);
 *     float[] found = xy.value();
 * }
 * }</pre>
 */
public final class Autograd implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    final TfRuntime rt;
    /** Guards every minimizer's variables and state (one journal for the whole graph). */
    final dev.netdsl.internal.Guard guard;
    private final SplittableRandom random;
    private final Set<String> names = new HashSet<>();
    private final ExprCompiler main;
    private final List<Minimizer> minimizers = new ArrayList<>();
    /** Gradients built so far, by the compiled value of f (equal expressions compile to the same value). */
    private final Map<Operand<TFloat32>, Map<Var, Operand<TFloat32>>> gradients = new IdentityHashMap<>();

    private Autograd(long seed, Device device) {
        this.rt = new TfRuntime("Autograd", device);
        this.guard = new dev.netdsl.internal.Guard(rt);
        this.random = new SplittableRandom(seed);
        this.main = new ExprCompiler(rt.tf(), Leaves.binder(leaf -> leaf instanceof Var v ? v.slot.read() : ((Input) leaf).placeholder));
    }

    /** A new graph whose random initial values come from a fresh seed. */
    public static Autograd open() {
        return open(new Random().nextLong());
    }

    /** A new graph whose random initial values are reproducible from {@code seed}. */
    public static Autograd open(long seed) {
        return open(seed, Device.AUTO);
    }

    /**
     * A new graph on {@code device} whose random initial values are reproducible from {@code seed}.
     *
     * @throws IllegalStateException for {@link Device#GPU} when TensorFlow sees no GPU
     */
    public static Autograd open(long seed, Device device) {
        return new Autograd(seed, java.util.Objects.requireNonNull(device, "device"));
    }

    /** The device the graph runs on (CPU or GPU, never AUTO). */
    public Device device() {
        return rt.device();
    }

    /**
     * A vector variable holding {@code values}, like {@code torch.tensor([...], requires_grad=True)}.
     *
     * @throws IllegalArgumentException if the name is taken or invalid, no value is given, or a
     *     value is not finite
     */
    public Var variable(String name, float... values) {
        Objects.requireNonNull(values, "values");
        return create(name, new long[] {values.length}, values);
    }

    /**
     * A variable of {@code shape} whose values come from {@code init}, e.g.
     * {@code variable("w1", new long[] {200, 784}, Initializers.kaimingNormal())}.
     */
    public Var variable(String name, long[] shape, Initializer init) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(init, "init");
        for (long d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("variable '" + name + "': shape " + Arrays.toString(shape)
                        + " must have every dimension at least 1");
            }
        }
        return create(name, shape.clone(), init.values(shape.clone(), random));
    }

    private Var create(String name, long[] shape, float[] values) {
        checkName("variable", name);
        if (values.length == 0 || values.length != size(shape)) {
            throw new IllegalArgumentException("variable '" + name + "': shape " + Arrays.toString(shape) + " needs "
                    + size(shape) + " values but got " + values.length);
        }
        checkFinite("variable '" + name + "'", values);
        return inGraph("create a variable", () -> new Var(this, name, shape, rt.variable(name, shape, values.clone())));
    }

    /**
     * Data fed at each step, of {@code shape}; {@code -1} marks a dimension (a batch) known only when
     * fed.
     */
    public Input input(String name, long... shape) {
        checkName("input", name);
        for (long d : shape) {
            if (d < 1 && d != -1) {
                throw new IllegalArgumentException("input '" + name + "': dimension " + d + " in " + Arrays.toString(shape)
                        + " must be at least 1, or -1 for a batch size known when fed");
            }
        }
        return inGraph("create an input", () -> new Input(this, name, shape.clone(), rt.placeholder(name, shape)));
    }

    private void checkName(String what, String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "' may hold only letters, digits, '_', '.' and '-'"
                    + " and must start with a letter or digit");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException(what + " name '" + name + "' is already taken in this Autograd; pick another");
        }
        names.add(name);
    }

    /**
     * A minimizer of the scalar {@code loss} with {@code optimizer} over every variable the loss
     * uses (PyTorch's {@code optimizer = Adam([x_y]); loss.backward(); optimizer.step()}).
     *
     * @throws IllegalArgumentException if the loss is not a scalar, uses no variable, or belongs to
     *     another Autograd
     */
    public Minimizer minimize(Expr loss, Optimizer optimizer) {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(optimizer, "optimizer");
        requireScalar("minimize", "the loss", loss);
        List<Var> vars = new ArrayList<>();
        List<Input> ins = new ArrayList<>();
        Leaves.collect(this, loss, vars, ins);
        if (vars.isEmpty()) {
            throw new IllegalArgumentException("minimize: the loss uses no variable, so there is nothing to train");
        }
        Expr scalar = loss.rank() == 0 ? loss : loss.reshape();
        return inGraph("minimize", () -> {
            Minimizer m = new Minimizer(this, scalar, optimizer, vars, ins);
            minimizers.add(m);
            return m;
        });
    }

    /**
     * The value of {@code e} with the current variables, row-major. The first evaluation of an
     * expression adds its ops to this Autograd's graph; an equal expression (same operations, shapes
     * and constants over the same variables and inputs), even one rebuilt in Java, reuses them, so
     * evaluating it again does not grow the graph. Each new, different expression (and each new
     * {@link #gradient} or {@link #minimize}) adds ops that stay until {@link #close()}.
     *
     * @throws IllegalArgumentException if {@code e} needs inputs; use {@link #eval(Expr, Feeds)}
     */
    public float[] eval(Expr e) {
        return eval(e, Feeds.none());
    }

    /** The value of {@code e} with the current variables and {@code feeds}, row-major. */
    public float[] eval(Expr e, Feeds feeds) {
        Objects.requireNonNull(e, "e");
        List<Input> ins = new ArrayList<>();
        Leaves.collect(this, e, new ArrayList<>(), ins);
        Operand<TFloat32> out = inGraph("evaluate", () -> main.compile(e));
        return fetch(out, feeds, ins, "evaluate " + e);
    }

    /** Runs the graph up to {@code out} with {@code feeds} for {@code needed} and returns its values. */
    private float[] fetch(Operand<TFloat32> out, Feeds feeds, List<Input> needed, String what) {
        return rt.shared(what, () -> {
            List<Tensor> fed = new ArrayList<>();
            try {
                Session.Runner r = rt.session().runner();
                Leaves.feed(r, feeds, needed, fed);
                try (Result result = rt.run(r.fetch(out), what)) {
                    return TfRuntime.floats((TFloat32) result.get(0));
                }
            } finally {
                fed.forEach(Tensor::close);
            }
        });
    }

    /**
     * The gradient of the scalar {@code f} with respect to {@code v} at the current values
     * ({@code torch.autograd.grad(f, v)}), same shape as {@code v}, row-major.
     *
     * @throws IllegalArgumentException if {@code f} is not a scalar or does not depend on {@code v}
     */
    public float[] gradient(Expr f, Var v) {
        return gradient(f, v, Feeds.none());
    }

    /** {@link #gradient(Expr, Var)} with {@code feeds} for the inputs {@code f} reads. */
    public float[] gradient(Expr f, Var v, Feeds feeds) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(v, "v");
        requireScalar("gradient", "f", f);
        List<Var> vars = new ArrayList<>();
        List<Input> ins = new ArrayList<>();
        Leaves.collect(this, f, vars, ins);
        if (!vars.contains(v)) {
            throw new IllegalArgumentException("gradient: " + f + " does not depend on " + v);
        }
        Operand<TFloat32> g = inGraph("differentiate", () -> {
            Operand<TFloat32> value = main.compile(f);
            return gradients.computeIfAbsent(value, k -> new IdentityHashMap<>())
                    .computeIfAbsent(v, k -> rt.tf().gradients(value, List.of(v.slot.read())).<TFloat32>dy(0));
        });
        return fetch(g, feeds, ins, "differentiate " + f);
    }

    private static void requireScalar(String where, String name, Expr e) {
        if (size(e.shape()) != 1) {
            throw new IllegalArgumentException(where + ": " + name + " must be a scalar but has shape " + Arrays.toString(e.shape())
                    + "; reduce it with .sum() or .mean()");
        }
    }

    /** Builds graph ops under the exclusive lock, starting the session the first time. */
    <T> T inGraph(String action, java.util.function.Supplier<T> work) {
        return rt.exclusive(action, () -> {
            T out = work.get();
            if (!rt.started()) {
                rt.start();
            }
            return out;
        });
    }

    float[] read(Var v) {
        inGraph("read a variable", () -> null);
        return rt.shared("read a variable", () -> rt.read(List.of(v.slot)).get(0));
    }

    void write(Var v, float[] values) {
        Objects.requireNonNull(values, "values");
        if (values.length != v.slot.size()) {
            throw new IllegalArgumentException(v + ".set: got " + values.length + " values but the shape needs " + v.slot.size());
        }
        checkFinite(v + ".set", values);
        inGraph("write a variable", () -> {
            rt.assign(List.of(v.slot), List.of(values.clone()));
            guard.keepCurrent();
            return null;
        });
    }

    private static void checkFinite(String where, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(where + ": value " + values[i] + " at index " + i + " is not finite");
            }
        }
    }

    /**
     * Exports this graph as a TensorFlow SavedModel (tag {@code serve}, signature
     * {@code serving_default}) that maps the named {@code inputs} to the named {@code outputs}, e.g.
     * {@code exportSavedModel(dir, Map.of("x", x), Map.of("y", logits))}. Shapes and dtypes are the
     * inputs' and outputs' own; a {@code -1} batch dimension stays unknown. The variables are saved
     * with their current values. Written beside {@code dir} and renamed into place.
     *
     * @throws IllegalArgumentException if a map is empty, a name is not a valid signature key, an
     *     output reads an input that is not in {@code inputs}, or {@code dir} is a file or a
     *     non-empty directory
     */
    public void exportSavedModel(java.nio.file.Path dir, Map<String, Input> inputs, Map<String, Expr> outputs) {
        exportSavedModel(dir, inputs, outputs, false);
    }

    /** {@link #exportSavedModel(java.nio.file.Path, Map, Map)}, replacing an old export if {@code overwrite}. */
    public void exportSavedModel(java.nio.file.Path dir, Map<String, Input> inputs, Map<String, Expr> outputs,
                                 boolean overwrite) {
        AutogradExport.export(this, dir, inputs, outputs, overwrite);
    }

    /** Frees the graph and session; safe to call more than once. */
    @Override
    public void close() {
        if (rt.isClosed()) {
            return;
        }
        rt.exclusive("close", () -> {
            minimizers.forEach(Minimizer::close);
            return null;
        });
        rt.close();
    }

    /** The number of elements of {@code shape}, or -1 if a dimension is unknown. */
    static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            n *= d;
        }
        return n;
    }
}
