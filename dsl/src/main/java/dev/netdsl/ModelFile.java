package dev.netdsl;

import dev.netdsl.internal.CheckedFile;
import dev.netdsl.internal.WeightsFile;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole-model file of {@link Model#saveAll} / {@link Model#open}: the spec (layers, names, a
 * module's forward pass as an expression graph, loss, optimizer, seed), how far it was trained, and
 * the parameters, with magic {@code NETDSLM}, a format version and a CRC32. No user code is needed
 * to open it: a module's {@code forward} is stored as the expression it built.
 */
final class ModelFile {
    private static final byte[] MAGIC = {'N', 'E', 'T', 'D', 'S', 'L', 'M', 0};
    private static final int VERSION = 1;

    private ModelFile() {
    }

    /** What a file holds. */
    record Contents(Net net, long stepsTaken, List<Parameter> parameters) {
    }

    static void write(Path target, Net net, long seed, long stepsTaken, List<Parameter> params) {
        CheckedFile.write(target, MAGIC, VERSION, out -> {
            out.writeUTF(net.toString());
            if (net.sizes().isPresent()) {
                out.writeByte(0);
                int[] sizes = net.sizes().get();
                out.writeInt(sizes.length);
                for (int v : sizes) {
                    out.writeInt(v);
                }
                writeLayer(out, net.hiddenActivation().get());
            } else {
                out.writeByte(net.isModule() ? 2 : 1);
                out.writeInt(net.layers().size());
                for (int i = 0; i < net.layers().size(); i++) {
                    out.writeUTF(net.layerNames().get(i));
                    writeLayer(out, net.layers().get(i));
                }
                if (net.isModule()) {
                    writeExpr(out, net.forward(Expr.modelInput(-1, net.inputSize())), net.layers());
                }
            }
            out.writeByte(net.loss().map(Enum::ordinal).orElse(-1));
            writeOptimizer(out, net.optimizer().orElse(null));
            out.writeLong(seed);
            out.writeLong(stepsTaken);
            WeightsFile.writeParameters(out, params);
        });
    }

    static Contents read(Path source) {
        return CheckedFile.read(source, MAGIC, VERSION, "model", "not a NetDSL model file (no NETDSLM header); pass a file"
                + " written by Model.saveAll (weights-only files from Model.save load with Model.load)", in -> {
                    in.readUTF();
                    int kind = in.readByte();
                    Net net;
                    if (kind == 0) {
                        int[] sizes = new int[in.readInt()];
                        for (int i = 0; i < sizes.length; i++) {
                            sizes[i] = in.readInt();
                        }
                        Activation hidden = (Activation) readLayer(in);
                        net = Net.of(sizes);
                        net = hidden.equals(Activation.TANH) ? net.tanh() : hidden.equals(Activation.SIGMOID) ? net.sigmoid() : net.relu();
                    } else {
                        int count = in.readInt();
                        List<String> names = new ArrayList<>();
                        List<Layer> layers = new ArrayList<>();
                        for (int i = 0; i < count; i++) {
                            names.add(in.readUTF());
                            layers.add(readLayer(in));
                        }
                        if (kind == 1) {
                            net = Net.sequential();
                            for (int i = 0; i < count; i++) {
                                net = net.add(names.get(i), layers.get(i));
                            }
                        } else {
                            net = Net.module(new SavedModule(names, layers, readExpr(in, layers)));
                        }
                    }
                    int loss = in.readByte();
                    if (loss >= 0) {
                        net = net.loss(Loss.values()[loss]);
                    }
                    Optimizer optimizer = readOptimizer(in);
                    if (optimizer != null) {
                        net = net.optimizer(optimizer);
                    }
                    net = net.seed(in.readLong());
                    long steps = in.readLong();
                    return new Contents(net, steps, WeightsFile.readParameters(in));
                });
    }

    private static void writeLayer(DataOutputStream out, Layer layer) throws IOException {
        if (layer instanceof Linear l) {
            out.writeByte(0);
            out.writeInt(l.in());
            out.writeInt(l.out());
        } else {
            Activation a = (Activation) layer;
            out.writeByte(1);
            out.writeByte(a.kind.ordinal());
            out.writeDouble(a.a);
            out.writeDouble(a.b);
        }
    }

    private static Layer readLayer(DataInputStream in) throws IOException {
        if (in.readByte() == 0) {
            return new Linear(in.readInt(), in.readInt());
        }
        return new Activation(Activation.Kind.values()[in.readByte()], in.readDouble(), in.readDouble());
    }

    private static void writeOptimizer(DataOutputStream out, Optimizer o) throws IOException {
        if (o == null) {
            out.writeByte(-1);
        } else if (o instanceof Optimizer.Sgd s) {
            out.writeByte(0);
            out.writeDouble(s.learningRate());
            out.writeDouble(s.momentum());
        } else if (o instanceof Optimizer.Adam a) {
            out.writeByte(1);
            out.writeDouble(a.learningRate());
            out.writeDouble(a.beta1());
            out.writeDouble(a.beta2());
            out.writeDouble(a.epsilon());
        } else if (o instanceof Optimizer.RmsProp r) {
            out.writeByte(2);
            out.writeDouble(r.learningRate());
            out.writeDouble(r.alpha());
            out.writeDouble(r.epsilon());
        } else if (o instanceof Optimizer.AdaGrad g) {
            out.writeByte(3);
            out.writeDouble(g.learningRate());
            out.writeDouble(g.epsilon());
        } else {
            Optimizer.AdaDelta d = (Optimizer.AdaDelta) o;
            out.writeByte(4);
            out.writeDouble(d.learningRate());
            out.writeDouble(d.rho());
            out.writeDouble(d.epsilon());
        }
    }

    private static Optimizer readOptimizer(DataInputStream in) throws IOException {
        return switch (in.readByte()) {
            case 0 -> new Optimizer.Sgd(in.readDouble(), in.readDouble());
            case 1 -> new Optimizer.Adam(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
            case 2 -> new Optimizer.RmsProp(in.readDouble(), in.readDouble(), in.readDouble());
            case 3 -> new Optimizer.AdaGrad(in.readDouble(), in.readDouble());
            case 4 -> new Optimizer.AdaDelta(in.readDouble(), in.readDouble(), in.readDouble());
            default -> null;
        };
    }

    /** The expression DAG, nodes after their arguments; a LINEAR node names its layer by index. */
    private static void writeExpr(DataOutputStream out, Expr root, List<Layer> layers) throws IOException {
        List<Expr> order = new ArrayList<>();
        Map<Expr, Integer> ids = new IdentityHashMap<>();
        visit(root, order, ids);
        out.writeInt(order.size());
        for (Expr e : order) {
            out.writeByte(e.op.ordinal());
            out.writeInt(e.shape.length);
            for (long d : e.shape) {
                out.writeLong(d);
            }
            out.writeInt(e.values == null ? -1 : e.values.length);
            if (e.values != null) {
                for (float v : e.values) {
                    out.writeFloat(v);
                }
            }
            out.writeInt(e.index);
            out.writeInt(e.args.length);
            for (Expr a : e.args) {
                out.writeInt(ids.get(a));
            }
            if (e instanceof Expr.LinearExpr l) {
                int index = -1;
                for (int i = 0; i < layers.size(); i++) {
                    if (layers.get(i) == l.layer) {
                        index = i;
                    }
                }
                out.writeInt(index);
            }
            if (e.op == Expr.Op.VAR || e.op == Expr.Op.INPUT) {
                throw new IllegalArgumentException("saveAll: the module's forward() uses an Autograd variable or input ("
                        + e + "); a saved model can only use its own layers");
            }
        }
    }

    private static void visit(Expr e, List<Expr> order, Map<Expr, Integer> ids) {
        if (ids.containsKey(e)) {
            return;
        }
        for (Expr a : e.args) {
            visit(a, order, ids);
        }
        ids.put(e, order.size());
        order.add(e);
    }

    private static Expr readExpr(DataInputStream in, List<Layer> layers) throws IOException {
        int n = in.readInt();
        Expr[] nodes = new Expr[n];
        for (int k = 0; k < n; k++) {
            Expr.Op op = Expr.Op.values()[in.readByte()];
            long[] shape = new long[in.readInt()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
            }
            int nv = in.readInt();
            float[] values = nv < 0 ? null : new float[nv];
            for (int v = 0; v < nv; v++) {
                values[v] = in.readFloat();
            }
            int index = in.readInt();
            Expr[] args = new Expr[in.readInt()];
            for (int a = 0; a < args.length; a++) {
                args[a] = nodes[in.readInt()];
            }
            nodes[k] = op == Expr.Op.LINEAR ? new Expr.LinearExpr((Linear) layers.get(in.readInt()), args[0])
                    : new Expr(op, shape, args, values, index);
        }
        return nodes[n - 1];
    }

    /** A module rebuilt from a file: its registered layers and the saved forward expression. */
    static final class SavedModule extends Module {
        private final Expr forward;

        SavedModule(List<String> names, List<Layer> layers, Expr forward) {
            for (int i = 0; i < names.size(); i++) {
                add(names.get(i), layers.get(i));
            }
            this.forward = forward;
        }

        @Override
        public Expr forward(Expr x) {
            return substitute(forward, x, new IdentityHashMap<>());
        }

        private static Expr substitute(Expr e, Expr x, Map<Expr, Expr> done) {
            if (e.op == Expr.Op.MODEL_INPUT) {
                return x;
            }
            Expr known = done.get(e);
            if (known != null) {
                return known;
            }
            Expr[] args = new Expr[e.args.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = substitute(e.args[i], x, done);
            }
            Expr copy = e instanceof Expr.LinearExpr l ? new Expr.LinearExpr(l.layer, args[0])
                    : new Expr(e.op, e.shape, args, e.values, e.index);
            done.put(e, copy);
            return copy;
        }
    }
}
