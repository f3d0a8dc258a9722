package dev.netdsl.internal;

import dev.netdsl.Expr;
import java.util.Arrays;
import java.util.Objects;

/** Shape arithmetic for expressions, checked in Java: {@code -1} is a size known only at run time. */
public final class Shapes {
    private Shapes() {
    }

    /** NumPy's broadcast of {@code a} and {@code b}. @throws IllegalArgumentException naming {@code name} if they don't */
    public static long[] broadcast(String name, long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else if (da == -1 || db == -1) {
                out[i] = Math.max(da, db) == -1 ? -1 : Math.max(da, db);
            } else {
                throw new IllegalArgumentException(name + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " don't broadcast (dimension " + i + ": " + da + " vs " + db
                        + "); sizes must match or one of them must be 1");
            }
        }
        return out;
    }

    /** {@code shape} reshaped to {@code dims} (one may be -1). @throws IllegalArgumentException if the counts differ */
    public static long[] reshape(long[] shape, long[] dims) {
        long known = 1;
        int unknown = 0;
        for (long d : dims) {
            if (d == -1) {
                unknown++;
            } else if (d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("reshape" + Arrays.toString(dims) + ": dimension " + d + " is invalid");
            } else {
                known = times("reshape", dims, known, d);
            }
        }
        if (unknown > 1) {
            throw new IllegalArgumentException("reshape" + Arrays.toString(dims) + ": at most one dimension may be -1");
        }
        long size = size(shape);
        long[] out = dims.clone();
        if (size < 0) {
            // A batch of unknown size: the new shape must keep a -1 and the rows it makes must be whole for any batch,
            // so each old row must fill whole new rows.
            long row = 1;
            for (long d : shape) {
                row = d < 0 ? row : times("reshape", shape, row, d);
            }
            if (unknown != 1 || known == 0 || row % known != 0) {
                throw new IllegalArgumentException("reshape: can't reshape " + Arrays.toString(shape) + " to " + Arrays.toString(dims)
                        + " for every batch size; keep one -1 and a size that divides " + row);
            }
        }
        if (size >= 0) {
            if (unknown == 0 && known != size || unknown == 1 && (known == 0 || size % known != 0)) {
                throw new IllegalArgumentException("reshape: can't reshape " + Arrays.toString(shape) + " (" + size
                        + " elements) to " + Arrays.toString(dims));
            }
            for (int i = 0; i < out.length; i++) {
                if (out[i] == -1) {
                    out[i] = size / known;
                }
            }
        }
        return out;
    }

    /** {@code shape} with its dimensions in {@code order}. @throws IllegalArgumentException unless a permutation */
    public static long[] permute(long[] shape, int[] order) {
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted.length != shape.length || sorted[i] != i) {
                throw new IllegalArgumentException("permute" + Arrays.toString(order) + ": not a permutation of the " + shape.length
                        + " dimensions of " + Arrays.toString(shape));
            }
        }
        if (sorted.length != shape.length) {
            throw new IllegalArgumentException("permute" + Arrays.toString(order) + ": not a permutation of the " + shape.length
                    + " dimensions of " + Arrays.toString(shape));
        }
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[order[i]];
        }
        return out;
    }

    /** {@code shape} without {@code axis}. @throws IllegalArgumentException naming {@code name} if out of range */
    public static long[] dropAxis(String name, long[] shape, int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException(name + "(" + axis + "): axis out of range for shape " + Arrays.toString(shape));
        }
        long[] out = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /**
     * The number of elements, or -1 if a dimension is unknown.
     *
     * @throws IllegalArgumentException if it overflows a long
     */
    public static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            n = times("shape", shape, n, d);
        }
        return n;
    }

    /** {@code n * d}, or an exception naming {@code shape} if that overflows a long. */
    private static long times(String name, long[] shape, long n, long d) {
        try {
            return Math.multiplyExact(n, d);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + ": " + Arrays.toString(shape) + " has more elements than a long counts");
        }
    }

    /** The shape of a constant of {@code count} values. @throws IllegalArgumentException if they don't fill it */
    public static long[] constant(int count, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("constant: dimension " + d + " in " + Arrays.toString(shape)
                        + " must be known (0 or more)");
            }
            n = times("constant", shape, n, d);
        }
        if (n != count) {
            throw new IllegalArgumentException("constant: shape " + Arrays.toString(shape) + " holds " + n
                    + " values but " + count + " were given");
        }
        return shape.clone();
    }

    /** The shape of {@code x + bias} along the last axis. @throws IllegalArgumentException unless bias is such a vector */
    public static long[] bias(long[] x, long[] bias) {
        if (x.length < 2 || bias.length != 1 || (x[x.length - 1] >= 0 && bias[0] >= 0 && x[x.length - 1] != bias[0])) {
            throw new IllegalArgumentException("addBias: needs a bias vector as long as the last dimension of "
                    + Arrays.toString(x) + " (at least a matrix) but got " + Arrays.toString(bias));
        }
        return x;
    }

    /** The shape of {@code a @ b}. @throws IllegalArgumentException unless two chaining matrices */
    public static long[] matmul(long[] a, long[] b) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("matmul: needs two matrices (or stacks of them) but got shapes " + Arrays.toString(a)
                    + " and " + Arrays.toString(b) + "; reshape vectors to [1, n] or [n, 1]");
        }
        long inner = a[a.length - 1];
        long rows = b[b.length - 2];
        if (inner != -1 && rows != -1 && inner != rows) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                    + " don't chain: " + inner + " columns vs " + rows + " rows");
        }
        if (b.length == 2) {
            // [..., m, k] @ [k, n]: every leading matrix times the one matrix (torch.matmul's broadcast).
            long[] out = a.clone();
            out[out.length - 1] = b[1];
            return out;
        }
        // Stacks of matrices: the leading dimensions broadcast like NumPy (BatchMatMulV2).
        long[] lead = broadcast("matmul", Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2));
        long[] out = Arrays.copyOf(lead, lead.length + 2);
        out[lead.length] = a[a.length - 2];
        out[lead.length + 1] = b[b.length - 1];
        return out;
    }

    /** {@code axis} counted from the end when negative, checked against {@code rank}. */
    public static int axis(String name, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(name + ": axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    /** The shape of {@code parts} joined along {@code axis} (concat), or stacked along a new {@code axis} (stack). */
    public static long[] join(String name, int axis, boolean stack, long[]... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException(name + ": needs at least one tensor");
        }
        long[] first = parts[0];
        int a = axis(name, axis, first.length + (stack ? 1 : 0));
        long total = 0;
        for (long[] p : parts) {
            boolean fits = p.length == first.length;
            for (int d = 0; fits && d < first.length; d++) {
                fits = p[d] == first[d] || !stack && d == a;
            }
            if (!fits) {
                throw new IllegalArgumentException(name + ": shapes " + Arrays.toString(first) + " and " + Arrays.toString(p)
                        + " differ" + (stack ? "" : " outside axis " + axis));
            }
            if (!stack) {
                total = total < 0 || p[a] < 0 ? -1 : total + p[a];
            }
        }
        long[] out;
        if (stack) {
            out = new long[first.length + 1];
            for (int d = 0, k = 0; d < out.length; d++) {
                out[d] = d == a ? parts.length : first[k++];
            }
        } else {
            out = first.clone();
            out[a] = total;
        }
        return out;
    }

    /** The shape of element {@code i} along the first dimension. @throws IllegalArgumentException if out of range */
    public static long[] at(long[] shape, int i) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("at(" + i + "): a scalar has no elements to index");
        }
        if (i < 0 || (shape[0] >= 0 && i >= shape[0])) {
            throw new IllegalArgumentException("at(" + i + "): index out of range for shape " + Arrays.toString(shape)
                    + "; use 0.." + (shape[0] - 1));
        }
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Checks that {@code name} can normalise over the last axis of {@code shape}. */
    public static void lastAxis(String name, long[] shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException(name + ": needs at least 1 dimension(s) but the shape is " + Arrays.toString(shape));
        }
        if (shape.length != 2 && shape[shape.length - 1] < 0) {
            throw new IllegalArgumentException(name + ": the last dimension of " + Arrays.toString(shape)
                    + " must be known (it is the one normalised)");
        }
    }

    /** The output shape of a convolution. @throws IllegalArgumentException if the shapes do not fit */
    public static long[] conv2d(long[] x, long[] w, long[] bias, int[] stride, int[] padding) {
        if (x.length != 4 || w.length != 4) {
            throw new IllegalArgumentException("conv2d: needs a [batch, channels, height, width] input and a [out, in, kH, kW]"
                    + " weight but got " + Arrays.toString(x) + " and " + Arrays.toString(w));
        }
        if (x[1] != w[1]) {
            throw new IllegalArgumentException("conv2d: the input has " + x[1] + " channels but the weight " + Arrays.toString(w)
                    + " expects " + w[1]);
        }
        if (bias != null && (bias.length != 1 || bias[0] != w[0])) {
            throw new IllegalArgumentException("conv2d: the bias " + Arrays.toString(bias) + " must have " + w[0] + " values");
        }
        pair("conv2d", "stride", stride, 1);
        pair("conv2d", "padding", padding, 0);
        long h = (x[2] + 2L * padding[0] - w[2]) / stride[0] + 1;
        long wd = (x[3] + 2L * padding[1] - w[3]) / stride[1] + 1;
        if (x[2] + 2L * padding[0] < w[2] || x[3] + 2L * padding[1] < w[3]) {
            throw new IllegalArgumentException("conv2d: a " + w[2] + "x" + w[3] + " kernel does not fit a " + x[2] + "x" + x[3]
                    + " input with padding " + Arrays.toString(padding));
        }
        return new long[] {x[0], w[0], h, wd};
    }

    /** The output shape of a pooling. @throws IllegalArgumentException if the shapes do not fit */
    public static long[] pool(String name, long[] x, int[] kernel, int[] stride) {
        if (x.length != 4) {
            throw new IllegalArgumentException(name + ": needs a [batch, channels, height, width] input but got " + Arrays.toString(x));
        }
        pair(name, "kernel", kernel, 1);
        pair(name, "stride", stride, 1);
        if (x[2] < kernel[0] || x[3] < kernel[1]) {
            throw new IllegalArgumentException(name + ": a " + kernel[0] + "x" + kernel[1] + " window does not fit a " + x[2] + "x"
                    + x[3] + " input");
        }
        return new long[] {x[0], x[1], (x[2] - kernel[0]) / stride[0] + 1, (x[3] - kernel[1]) / stride[1] + 1};
    }

    private static void pair(String name, String what, int[] v, int min) {
        if (v == null || v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(name + ": " + what + " " + Arrays.toString(v) + " must be two numbers, each at least "
                    + min);
        }
    }

    /**
     * The channel count of a {@code [N, C]} or {@code [N, C, H, W]} batch, checking that each vector has that many values.
     *
     * @throws IllegalArgumentException if they do not fit
     */
    public static long[] channels(String name, long[] x, long[]... vectors) {
        if (x.length != 2 && x.length != 4 || x[1] < 1) {
            throw new IllegalArgumentException(name + ": needs a [batch, channels] or [batch, channels, height, width] input but"
                    + " got " + Arrays.toString(x));
        }
        for (long[] v : vectors) {
            if (v.length != 1 || v[0] != x[1]) {
                throw new IllegalArgumentException(name + ": " + Arrays.toString(v) + " must have one value per channel, "
                        + x[1]);
            }
        }
        return new long[] {x[1]};
    }

    /** The shapes of {@code parts}. @throws NullPointerException if one is null */
    public static long[][] of(Expr... parts) {
        long[][] shapes = new long[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            shapes[i] = Nodes.of(Objects.requireNonNull(parts[i], "parts")).shape();
        }
        return shapes;
    }

    /** The shape of rows of {@code table} (of {@code shape}) at indices of shape {@code at}: {@code [...at, ...shape[1:]]}. */
    public static long[] gather(Object table, long[] shape, long[] at) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("gather: needs a table with rows but " + table + " is a scalar");
        }
        long[] out = new long[at.length + shape.length - 1];
        System.arraycopy(at, 0, out, 0, at.length);
        System.arraycopy(shape, 1, out, at.length, shape.length - 1);
        return out;
    }

    /** The shape of one-hot rows of {@code depth} values for indices of {@code shape}. */
    public static long[] oneHot(long[] shape, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("oneHot(" + depth + "): the depth must be at least 1");
        }
        long[] out = Arrays.copyOf(shape, shape.length + 1);
        out[shape.length] = depth;
        return out;
    }

    /** The shape of the per-row softmax cross-entropy of logits {@code s} against {@code targets} of the same shape. */
    public static long[] softmaxCrossEntropy(long[] s, long[] targets) {
        if (s.length < 2 || !Arrays.equals(broadcast("softmaxCrossEntropy", s, targets), s) || targets.length != s.length) {
            throw new IllegalArgumentException("softmaxCrossEntropy: needs [batch, classes] logits and targets of the same"
                    + " shape but got " + Arrays.toString(s) + " and " + Arrays.toString(targets));
        }
        return Arrays.copyOf(s, s.length - 1);
    }

    /** The shape of a matrix's transpose. */
    public static long[] transpose(long[] s) {
        if (s.length != 2) {
            throw new IllegalArgumentException("t(): needs a matrix but the shape is " + Arrays.toString(s));
        }
        return new long[] {s[1], s[0]};
    }

    /** The axis of {@code select(axis, index)} on {@code s}, checking the index. */
    public static int select(long[] s, int axis, int index) {
        int a = axis("select", axis, s.length);
        if (index < 0 || s[a] >= 0 && index >= s[a]) {
            throw new IllegalArgumentException("select(" + axis + ", " + index + "): index out of range for " + Arrays.toString(s));
        }
        return a;
    }

    /** The axis of {@code narrow(axis, start, length)} on {@code s}, checking the range. */
    public static int narrow(long[] s, int axis, int start, int length) {
        int a = axis("narrow", axis, s.length);
        if (start < 0 || length < 1 || s[a] >= 0 && (long) start + length > s[a]) {
            throw new IllegalArgumentException("narrow(" + axis + ", " + start + ", " + length + "): outside dimension " + a + " of "
                    + Arrays.toString(s));
        }
        return a;
    }

    /** Checks layer normalisation of {@code s} over its last {@code dims} axes with {@code weight} and {@code bias}. */
    public static void layerNorm(long[] s, long[] weight, long[] bias, int dims, double eps) {
        if (dims < 1 || dims > s.length - 1 || !Arrays.equals(weight, Arrays.copyOfRange(s, s.length - dims, s.length))
                || !Arrays.equals(bias, weight) || !(eps > 0)) {
            throw new IllegalArgumentException("layerNorm: needs weight and bias of the last " + dims + " dimensions of "
                    + Arrays.toString(s) + " and a positive eps, but got " + Arrays.toString(weight) + ", "
                    + Arrays.toString(bias) + ", " + eps);
        }
    }
}
