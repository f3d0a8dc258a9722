package dev.netdsl.internal.files;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import dev.netdsl.internal.files.OnnxModule.Const;
import dev.netdsl.internal.files.OnnxModule.Unavailable;
import dev.netdsl.internal.files.OnnxModule.Zeros;
import dev.netdsl.internal.onnx.OnnxProto.AttributeProto;
import dev.netdsl.internal.onnx.OnnxProto.NodeProto;
import dev.netdsl.internal.onnx.OnnxProto.TensorProto;
import dev.netdsl.internal.onnx.OnnxReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX nodes {@link OnnxModule} runs as {@link Expr} ops (every node that is not a layer): element-wise math and
 * activations, pooling, reshaping, slicing and joining, reductions, and shape arithmetic on {@link Const} values.
 */
public final class OnnxOps {
    private final OnnxModule module;

    OnnxOps(OnnxModule module) {
        this.module = module;
    }

    // ---- Ops -------------------------------------------------------------------------------------------------

    Object[] op(NodeProto n, Map<String, Object> env) {
        Object a = module.in(n, env, 0);
        return switch (n.getOpType()) {
            case "Identity" -> new Object[] {a};
            case "Dropout" -> new Object[] {a, new Unavailable("a dropout mask, which inference graphs do not have")};
            case "Constant" -> new Object[] {constant(n)};
            default -> new Object[] {single(n, env, a)};
        };
    }

    private Object single(NodeProto n, Map<String, Object> env, Object a) {
        if (Set.of("Add", "Sub", "Mul", "Div").contains(n.getOpType()) && a instanceof Const x && module.in(n, env, 1) instanceof Const y) {
            return arithmetic(n.getOpType(), x, y);
        }
        switch (n.getOpType()) {
            case "Add": return OnnxModule.expr(a).plus(module.expr(n, env, 1));
            case "Sub": return OnnxModule.expr(a).minus(module.expr(n, env, 1));
            case "Mul": return OnnxModule.expr(a).times(module.expr(n, env, 1));
            case "Div": return OnnxModule.expr(a).div(module.expr(n, env, 1));
            case "Pow": return OnnxModule.expr(a).pow(module.expr(n, env, 1));
            case "Relu": return OnnxModule.expr(a).relu();
            case "Tanh": return OnnxModule.expr(a).tanh();
            case "Sigmoid": return OnnxModule.expr(a).sigmoid();
            case "Exp": return OnnxModule.expr(a).exp();
            case "Log": return OnnxModule.expr(a).log();
            case "Sqrt": return OnnxModule.expr(a).sqrt();
            case "Neg": return OnnxModule.expr(a).neg();
            case "Abs": return OnnxModule.expr(a).abs();
            case "Erf": return OnnxModule.expr(a).erf();
            case "Softplus": return OnnxModule.expr(a).softplus();
            case "LeakyRelu": return OnnxModule.expr(a).leakyRelu(OnnxImport.attrF(n, "alpha", 0.01f));
            case "Elu": return OnnxModule.expr(a).elu(OnnxImport.attrF(n, "alpha", 1f));
            case "Clip": return clip(n, env, OnnxModule.expr(a));
            case "Softmax":
            case "LogSoftmax": {
                Expr x = OnnxModule.expr(a);
                long axis = OnnxImport.attrI(n, "axis", module.opset < 13 ? 1 : -1);
                if (axis != -1 && axis != x.rank() - 1) {
                    throw new IllegalArgumentException("NetDSL takes " + n.getOpType() + " over the last axis only, not axis " + axis);
                }
                return n.getOpType().equals("Softmax") ? x.softmax() : x.logSoftmax();
            }
            case "MatMul": return OnnxModule.expr(a).matmul(module.expr(n, env, 1));
            case "Gemm": {
                Expr b = module.expr(n, env, 1);
                Expr y = OnnxModule.expr(a).matmul(OnnxImport.attrI(n, "transB", 0) == 1 ? b.t() : b);
                return n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? y.plus(module.expr(n, env, 2)) : y;
            }
            case "MaxPool":
            case "AveragePool": return pool(n, OnnxModule.expr(a));
            case "Pad": return pad(n, env, a);
            case "Flatten": {
                Expr x = OnnxModule.expr(a);
                if (OnnxImport.attrI(n, "axis", 1) != 1) {
                    throw new IllegalArgumentException("NetDSL flattens from axis 1 only");
                }
                long features = 1;
                for (int i = 1; i < x.rank(); i++) {
                    features *= x.shape()[i];
                }
                return x.reshape(-1, features);
            }
            case "Reshape": return reshape(OnnxModule.expr(a), (Const) module.in(n, env, 1), module.fixedBatch);
            case "Transpose": {
                Expr x = OnnxModule.expr(a);
                long[] perm = OnnxImport.attrInts(n, "perm", null);
                int[] order = new int[x.rank()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = perm != null ? (int) perm[i] : order.length - 1 - i;
                }
                return x.permute(order);
            }
            case "Squeeze":
            case "Unsqueeze": return squeeze(n, env, a);
            case "Shape": {
                long[] shape = OnnxModule.expr(a).shape();
                double[] v = new double[shape.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = shape[i] < 0 ? Double.NaN : shape[i];
                }
                return new Const(v, new long[] {v.length}, TensorProto.DataType.INT64_VALUE, true);
            }
            case "Gather": return gather(n, env, a);
            case "Slice": return slice(n, env, a);
            case "Concat": return concat(n, env);
            case "ConstantOfShape": {
                Const shape = (Const) a;
                Const fill = OnnxImport.attr(n, "value") == null ? null : Const.of(OnnxImport.attr(n, "value").getT(), "a Constant");
                double value = fill == null ? 0 : fill.v()[0];
                boolean open = Arrays.stream(shape.v()).anyMatch(Double::isNaN);
                if (open) {
                    if (value != 0) {
                        throw new IllegalArgumentException("it fills a batch-shaped tensor with " + value + "; NetDSL takes zeros only");
                    }
                    return new Zeros(shape.longs());
                }
                long[] dims = shape.longs();
                double[] v = new double[(int) Arrays.stream(dims).reduce(1, (p, q) -> p * q)];
                Arrays.fill(v, value);
                return new Const(v, dims, fill == null ? TensorProto.DataType.FLOAT_VALUE : fill.dataType(), false);
            }
            case "Cast": {
                int to = (int) OnnxImport.attrI(n, "to", 0);
                if (a instanceof Const c) {
                    return new Const(c.v(), c.dims(), to, c.symbolic());
                }
                return OnnxModule.expr(a).cast(switch (to) {
                    case TensorProto.DataType.FLOAT_VALUE -> DType.FLOAT32;
                    case TensorProto.DataType.INT32_VALUE -> DType.INT32;
                    case TensorProto.DataType.INT64_VALUE -> DType.INT64;
                    default -> throw new IllegalArgumentException("NetDSL casts to float, int32 or int64, not "
                            + OnnxReader.typeName(to));
                });
            }
            case "ReduceMean":
            case "ReduceSum": return reduce(n, env, OnnxModule.expr(a));
            default: throw new IllegalArgumentException("NetDSL has no op for it here");
        }
    }

    /**
     * Shape arithmetic on constants, element-wise with a scalar broadcast; NaN (the open batch size) stays NaN, so
     * {@code batch * heads} is still "the batch" to a reshape. Integer division truncates, as ONNX's does.
     */
    private static Const arithmetic(String op, Const x, Const y) {
        int n = Math.max(x.v().length, y.v().length);
        if ((x.v().length != n && x.v().length != 1) || (y.v().length != n && y.v().length != 1)) {
            throw new IllegalArgumentException("NetDSL computes with constants of one shape or a scalar only");
        }
        boolean integer = x.integer() && y.integer();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double p = x.v()[x.v().length == 1 ? 0 : i];
            double q = y.v()[y.v().length == 1 ? 0 : i];
            double r = switch (op) {
                case "Add" -> p + q;
                case "Sub" -> p - q;
                case "Mul" -> p * q;
                default -> p / q;
            };
            v[i] = integer && !Double.isNaN(r) && !Double.isInfinite(r) ? (double) (long) r : r;
        }
        return new Const(v, x.v().length == n ? x.dims() : y.dims(), x.dataType(), x.symbolic() || y.symbolic());
    }

    private Expr clip(NodeProto n, Map<String, Object> env, Expr x) {
        Double lo = null;
        Double hi = null;
        if (module.opset < 11) {
            lo = OnnxImport.attr(n, "min") == null ? null : (double) OnnxImport.attrF(n, "min", 0);
            hi = OnnxImport.attr(n, "max") == null ? null : (double) OnnxImport.attrF(n, "max", 0);
        } else {
            lo = module.in(n, env, 1) instanceof Const c ? c.v()[0] : null;
            hi = module.in(n, env, 2) instanceof Const c ? c.v()[0] : null;
        }
        if (lo != null && hi != null) {
            return x.hardtanh(lo, hi);
        }
        Expr y = lo != null ? x.maximum(Expr.scalar(lo)) : x;
        return hi != null ? y.minimum(Expr.scalar(hi)) : y;
    }

    private Expr pool(NodeProto n, Expr x) {
        long[] k = OnnxImport.attrInts(n, "kernel_shape", null);
        long[] s = OnnxImport.attrInts(n, "strides", new long[] {1, 1});
        long[] pads = OnnxImport.attrInts(n, "pads", new long[4]);
        long[] dil = OnnxImport.attrInts(n, "dilations", new long[] {1, 1});
        if (k == null || k.length != 2 || Arrays.stream(pads).anyMatch(p -> p != 0) || OnnxImport.attrI(n, "ceil_mode", 0) != 0
                || Arrays.stream(dil).anyMatch(d -> d != 1) || !OnnxImport.attrS(n, "auto_pad", "NOTSET").equals("NOTSET")) {
            throw new IllegalArgumentException("NetDSL pools 2-D windows without padding, dilation or ceil mode");
        }
        int[] kernel = {(int) k[0], (int) k[1]};
        int[] stride = {(int) s[0], (int) s[1]};
        return n.getOpType().equals("MaxPool") ? x.maxPool2d(kernel, stride) : x.avgPool2d(kernel, stride);
    }

    /** The all-zero Pad PyTorch 1.13 writes before AveragePool: nothing to do; any real padding is refused. */
    private Object pad(NodeProto n, Map<String, Object> env, Object a) {
        long[] pads = module.opset < 11 ? OnnxImport.attrInts(n, "pads", new long[0]) : ((Const) module.in(n, env, 1)).longs();
        if (Arrays.stream(pads).anyMatch(p -> p != 0)) {
            throw new IllegalArgumentException("NetDSL reads Pad only when it pads nothing (as PyTorch writes before AveragePool);"
                    + " this one pads " + Arrays.toString(pads));
        }
        return a;
    }

    /**
     * {@code x} reshaped; NaN in {@code shape} is the open batch size. A file exported with a fixed batch size
     * ({@code fixedBatch}, else -1) has that size written into its reshapes: as the first size of a batch-first
     * value it stands for the batch.
     */
    private static Expr reshape(Expr x, Const shape, long fixedBatch) {
        if (fixedBatch > 0 && shape.v().length > 0 && shape.v()[0] == fixedBatch && x.rank() > 0 && x.shape()[0] < 0) {
            double[] v = shape.v().clone();
            v[0] = Double.NaN;
            shape = new Const(v, shape.dims(), shape.dataType(), true);
        }
        long[] dims = new long[shape.v().length];
        int open = -1;
        int explicit = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            double d = shape.v()[i];
            if (Double.isNaN(d)) {
                if (open >= 0) {
                    throw new IllegalArgumentException("it reshapes with two sizes read from the batch");
                }
                open = i;
                dims[i] = -1;
            } else {
                dims[i] = d == 0 && i < x.rank() ? x.shape()[i] : (long) d;
                if (dims[i] == -1) {
                    explicit = i;
                } else if (dims[i] > 0) {
                    known *= dims[i];
                }
            }
        }
        if (open >= 0 && explicit >= 0) {
            // x.view(x.size(0), -1): the batch stays open, the -1 is what the rest holds.
            long rest = 1;
            for (int i = 1; i < x.rank(); i++) {
                rest *= x.shape()[i];
            }
            dims[explicit] = rest / known;
        }
        return x.reshape(dims);
    }

    private Object squeeze(NodeProto n, Map<String, Object> env, Object a) {
        boolean un = n.getOpType().equals("Unsqueeze");
        long[] axes = module.opset < 13 ? OnnxImport.attrInts(n, "axes", null) : module.in(n, env, 1) == null ? null : ((Const) module.in(n, env, 1)).longs();
        long[] shape = a instanceof Const c ? c.dims() : OnnxModule.expr(a).shape();
        List<Long> dims = new ArrayList<>();
        for (long d : shape) {
            dims.add(d);
        }
        int rank = shape.length + (un ? axes.length : 0);
        if (axes == null) {
            dims.removeIf(d -> d == 1);
        } else {
            long[] sorted = Arrays.stream(axes).map(ax -> ax < 0 ? ax + rank : ax).sorted().toArray();
            for (int i = sorted.length - 1; i >= 0 && !un; i--) {
                dims.remove((int) sorted[i]);
            }
            for (int i = 0; i < sorted.length && un; i++) {
                dims.add((int) sorted[i], 1L);
            }
        }
        long[] out = dims.stream().mapToLong(Long::longValue).toArray();
        if (a instanceof Const c) {
            return new Const(c.v(), out, c.dataType(), c.symbolic());
        }
        return OnnxModule.expr(a).reshape(out);
    }

    private Object gather(NodeProto n, Map<String, Object> env, Object data) {
        Object idx = module.in(n, env, 1);
        int axis = (int) OnnxImport.attrI(n, "axis", 0);
        if (data instanceof Const c && idx instanceof Const i && c.dims().length == 1) {
            long[] at = i.longs();
            double[] v = new double[at.length];
            for (int k = 0; k < at.length; k++) {
                v[k] = c.v()[(int) (at[k] < 0 ? at[k] + c.v().length : at[k])];
            }
            return new Const(v, i.dims(), c.dataType(), c.symbolic());
        }
        Expr x = OnnxModule.expr(data);
        axis = axis < 0 ? axis + x.rank() : axis;
        if (idx instanceof Const i && i.dims().length == 0) {
            long at = i.longs()[0];
            return x.select(axis, (int) (at < 0 ? at + x.shape()[axis] : at));
        }
        if (axis != 0) {
            throw new IllegalArgumentException("NetDSL gathers computed indices along axis 0 only");
        }
        return x.gather(OnnxModule.expr(idx));
    }

    /** Slice with step 1 along one axis (opset 10 on: starts, ends, axes as inputs); of zeros, zeros. */
    private Object slice(NodeProto n, Map<String, Object> env, Object a) {
        if (module.opset < 10) {
            throw new IllegalArgumentException("NetDSL reads Slice from opset 10 on");
        }
        long[] starts = ((Const) module.in(n, env, 1)).longs();
        long[] ends = ((Const) module.in(n, env, 2)).longs();
        long[] axes = module.in(n, env, 3) instanceof Const c ? c.longs() : new long[] {0};
        long[] steps = module.in(n, env, 4) instanceof Const c ? c.longs() : new long[] {1};
        if (starts.length != 1 || axes.length != 1 || steps[0] != 1) {
            throw new IllegalArgumentException("NetDSL slices one axis with step 1");
        }
        long[] shape = a instanceof Zeros z ? z.dims() : OnnxModule.expr(a).shape();
        int axis = (int) (axes[0] < 0 ? axes[0] + shape.length : axes[0]);
        long size = shape[axis];
        long from = Math.max(0, Math.min(size, starts[0] < 0 ? starts[0] + size : starts[0]));
        long to = Math.max(from, Math.min(size, ends[0] < 0 ? ends[0] + size : ends[0]));
        if (a instanceof Zeros) {
            // A layer's share of a stacked recurrence's zero initial states (a 2-layer LSTM's [2, batch, hidden]).
            long[] dims = shape.clone();
            dims[axis] = to - from;
            return new Zeros(dims);
        }
        return OnnxModule.expr(a).narrow(axis, (int) from, (int) (to - from));
    }

    private Object concat(NodeProto n, Map<String, Object> env) {
        List<Object> parts = new ArrayList<>();
        for (int k = 0; k < n.getInputCount(); k++) {
            parts.add(module.in(n, env, k));
        }
        if (parts.stream().allMatch(p -> p instanceof Const c && c.dims().length == 1)) {
            List<Double> v = new ArrayList<>();
            boolean symbolic = false;
            for (Object p : parts) {
                Const c = (Const) p;
                symbolic |= c.symbolic();
                for (double d : c.v()) {
                    v.add(d);
                }
            }
            return new Const(v.stream().mapToDouble(Double::doubleValue).toArray(), new long[] {v.size()},
                    ((Const) parts.get(0)).dataType(), symbolic);
        }
        Expr[] exprs = parts.stream().map(OnnxModule::expr).toArray(Expr[]::new);
        int axis = (int) OnnxImport.attrI(n, "axis", 0);
        return Expr.concat(axis < 0 ? axis + exprs[0].rank() : axis, exprs);
    }

    private Expr reduce(NodeProto n, Map<String, Object> env, Expr x) {
        long[] axes = n.getOpType().equals("ReduceSum") && module.opset >= 13
                ? (module.in(n, env, 1) == null ? null : ((Const) module.in(n, env, 1)).longs()) : OnnxImport.attrInts(n, "axes", null);
        boolean keep = OnnxImport.attrI(n, "keepdims", 1) == 1;
        if (axes == null) {
            throw new IllegalArgumentException("NetDSL reduces over given axes only");
        }
        long[] shape = x.shape();
        long[] sorted = Arrays.stream(axes).map(ax -> ax < 0 ? ax + shape.length : ax).sorted().toArray();
        Expr y = x;
        for (int i = sorted.length - 1; i >= 0; i--) {
            y = n.getOpType().equals("ReduceSum") ? y.sum((int) sorted[i]) : y.mean((int) sorted[i]);
        }
        if (keep) {
            long[] dims = shape.clone();
            for (long ax : sorted) {
                dims[(int) ax] = 1;
            }
            y = y.reshape(dims);
        }
        return y;
    }

    /** A Constant node's value, in any of the attribute forms ONNX allows. */
    static Const constant(NodeProto n) {
        AttributeProto a = n.getAttribute(0);
        return switch (a.getName()) {
            case "value" -> Const.of(a.getT(), "a Constant");
            case "value_float" -> new Const(new double[] {a.getF()}, new long[0], TensorProto.DataType.FLOAT_VALUE, false);
            case "value_int" -> new Const(new double[] {a.getI()}, new long[0], TensorProto.DataType.INT64_VALUE, false);
            case "value_floats" -> new Const(a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray(),
                    new long[] {a.getFloatsCount()}, TensorProto.DataType.FLOAT_VALUE, false);
            case "value_ints" -> new Const(a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray(),
                    new long[] {a.getIntsCount()}, TensorProto.DataType.INT64_VALUE, false);
            default -> throw new IllegalArgumentException("NetDSL reads Constant's value, value_float(s) and value_int(s), not "
                    + a.getName());
        };
    }
}
