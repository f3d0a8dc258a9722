package dev.netdsl.internal.files;

import dev.netdsl.Expr;
import dev.netdsl.Net;
import dev.netdsl.internal.Node;
import dev.netdsl.internal.Nodes;
import dev.netdsl.internal.OpCode;
import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Layers;
import dev.netdsl.layers.Settings;
import dev.netdsl.training.Losses;
import dev.netdsl.training.Optimizer;
import dev.netdsl.training.Optimizers;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads whole-model files of format version 1 (NetDSL before 2026-11-24), which stored layer kinds,
 * losses, optimizers and expression ops as enum ordinals. Kept so that old files still open; the
 * ordinals below are frozen as they were then and must never change. Version 2 ({@link ModelFile})
 * stores names.
 */
public final class ModelFileV1 {
    /** Activation type names in their version-1 order. */
    private static final String[] KINDS = {"ReLU", "Tanh", "Sigmoid", "Identity", "Hardtanh", "LeakyReLU", "ELU", "GELU",
        "Softplus"};
    /** Losses in their version-1 order. */
    private static final String[] LOSSES = {"MSELoss", "CrossEntropyLoss", "BCEWithLogitsLoss"};
    /** Expression ops in their version-1 order. */
    private static final String[] OPS = {"VAR", "INPUT", "CONST", "ADD", "SUB", "MUL", "DIV", "POW", "MATMUL", "NEG", "SQUARE",
        "SQRT", "EXP", "LOG", "ABS", "RELU", "TANH", "SIGMOID", "SOFTMAX", "LOG_SOFTMAX", "TRANSPOSE", "HARDTANH", "LEAKY_RELU",
        "ELU", "GELU", "SOFTPLUS", "ERF", "MODEL_INPUT", "LINEAR", "SUM", "MEAN", "MAX", "SUM_AXIS", "MEAN_AXIS", "AT", "RESHAPE"};

    private ModelFileV1() {
    }

    /** The body of a version-1 file. */
    static ModelFile.Contents read(DataInputStream in) throws IOException {
        in.readUTF();
        int kind = in.readByte();
        Net net;
        if (kind == 0) {
            int[] sizes = new int[count(in, 4, "layer sizes")];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = in.readInt();
            }
            Layer hidden = readLayer(in);
            net = Net.of(sizes);
            net = hidden.equals(Activation.TANH) ? net.tanh() : hidden.equals(Activation.SIGMOID) ? net.sigmoid() : net.relu();
        } else {
            int count = count(in, 3, "layers");
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
                net = Net.module(new SavedModule(null, names, layers, readExpr(in, layers)));
            }
        }
        int loss = in.readByte();
        if (loss >= 0) {
            net = net.loss(Losses.fromSettings(LOSSES[index(loss, LOSSES.length, "loss")], Settings.empty()));
        }
        Optimizer optimizer = readOptimizer(in);
        if (optimizer != null) {
            net = net.optimizer(optimizer);
        }
        net = net.seed(in.readLong());
        long steps = in.readLong();
        return new ModelFile.Contents(net, steps, WeightsFile.readParameters(in), List.of(), null);
    }

    private static Layer readLayer(DataInputStream in) throws IOException {
        if (in.readByte() == 0) {
            return Layers.linear(in.readInt(), in.readInt());
        }
        String type = KINDS[index(in.readByte(), KINDS.length, "activation")];
        double a = in.readDouble();
        double b = in.readDouble();
        return Layers.fromSettings(type, Settings.of("min_val", a, "max_val", b, "negative_slope", a, "alpha", a));
    }

    private static Optimizer readOptimizer(DataInputStream in) throws IOException {
        return switch (in.readByte()) {
            case 0 -> Optimizers.sgd(in.readDouble(), in.readDouble());
            case 1 -> Optimizers.adam(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
            case 2 -> Optimizers.rmsprop(in.readDouble(), in.readDouble(), in.readDouble());
            case 3 -> Optimizers.adagrad(in.readDouble(), in.readDouble());
            case 4 -> Optimizers.adadelta(in.readDouble(), in.readDouble(), in.readDouble());
            default -> null;
        };
    }

    /** A count read from {@code in}, of items of at least {@code bytes} bytes each that the rest of the file must hold. */
    private static int count(DataInputStream in, int bytes, String what) throws IOException {
        return checked(in, in.readInt(), bytes, what);
    }

    private static int checked(DataInputStream in, int n, int bytes, String what) throws IOException {
        if (n < 0 || (long) n * bytes > in.available()) {
            throw new IllegalArgumentException("the file declares " + n + " " + what + ", more than it holds; it is corrupt");
        }
        return n;
    }

    /** {@code i} if it is in [0, size), else an error naming {@code what}. */
    private static int index(int i, int size, String what) {
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException("the file names " + what + " " + i + ", which does not exist; it is corrupt");
        }
        return i;
    }

    private static Expr readExpr(DataInputStream in, List<Layer> layers) throws IOException {
        int n = count(in, 10, "forward pass nodes");
        if (n == 0) {
            throw new IllegalArgumentException("the saved module has no forward pass");
        }
        Expr[] nodes = new Expr[n];
        for (int k = 0; k < n; k++) {
            String op = OPS[index(in.readByte(), OPS.length, "operation")];
            long[] shape = new long[count(in, 8, "dimensions")];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
            }
            int nv = in.readInt();
            float[] values = nv < 0 ? null : new float[checked(in, nv, 4, "values")];
            for (int v = 0; v < nv; v++) {
                values[v] = in.readFloat();
            }
            int index = in.readInt();
            Expr[] args = new Expr[count(in, 4, "arguments")];
            for (int a = 0; a < args.length; a++) {
                args[a] = nodes[index(in.readInt(), k, "argument node")];
            }
            // LINEAR (a Linear applied to its input) is a layer application now.
            Object layer = op.equals("LINEAR") ? layers.get(index(in.readInt(), layers.size(), "layer")) : null;
            OpCode code = op.equals("LINEAR") ? OpCode.APPLY : OpCode.valueOf(op);
            nodes[k] = Nodes.expr(new Node(code, shape, args, values, index, layer));
        }
        return nodes[n - 1];
    }
}
