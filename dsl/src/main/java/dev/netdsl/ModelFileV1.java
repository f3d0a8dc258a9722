package dev.netdsl;

import dev.netdsl.internal.WeightsFile;
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
final class ModelFileV1 {
    /** Activation kinds in their version-1 order. */
    private static final Activation.Kind[] KINDS = {Activation.Kind.RELU, Activation.Kind.TANH, Activation.Kind.SIGMOID,
        Activation.Kind.IDENTITY, Activation.Kind.HARDTANH, Activation.Kind.LEAKY_RELU, Activation.Kind.ELU,
        Activation.Kind.GELU, Activation.Kind.SOFTPLUS};
    /** Losses in their version-1 order. */
    private static final Loss[] LOSSES = {Loss.MSE, Loss.CROSS_ENTROPY, Loss.BCE_WITH_LOGITS};
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
                net = Net.module(new SavedModule(null, names, layers, readExpr(in, layers)));
            }
        }
        int loss = in.readByte();
        if (loss >= 0) {
            net = net.loss(LOSSES[loss]);
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
            return new Linear(in.readInt(), in.readInt());
        }
        return new Activation(KINDS[in.readByte()], in.readDouble(), in.readDouble());
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

    private static Expr readExpr(DataInputStream in, List<Layer> layers) throws IOException {
        int n = in.readInt();
        Expr[] nodes = new Expr[n];
        for (int k = 0; k < n; k++) {
            Expr.Op op = Expr.Op.valueOf(OPS[in.readByte()]);
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

}
