package dev.netdsl.internal;

import dev.netdsl.layers.ParameterSpec;

/** Moves a tensor's row-major values between a parameter's declared (PyTorch) layout and its stored one. */
public final class Layouts {
    private Layouts() {
    }

    /** {@code values} in {@code spec}'s declared shape, laid out as it is stored. */
    public static float[] toStored(ParameterSpec spec, float[] values) {
        int[] perm = spec.storage();
        return perm == null ? values : permute(values, spec.shape(), perm);
    }

    /** Stored {@code values} back in {@code spec}'s declared layout. */
    public static float[] toDeclared(ParameterSpec spec, float[] values) {
        int[] perm = spec.storage();
        if (perm == null) {
            return values;
        }
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[perm[i]] = i;
        }
        return permute(values, spec.storedShape(), inverse);
    }

    /**
     * The row-major values of {@code values} (of {@code shape}) with dimensions reordered: dimension
     * {@code i} of the result is dimension {@code perm[i]} of the input.
     */
    public static float[] permute(float[] values, int[] shape, int[] perm) {
        int rank = shape.length;
        if (rank == 2 && perm[0] == 1) {
            return transpose(values, shape[0], shape[1]);
        }
        long[] strides = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        int[] outShape = new int[rank];
        long[] walk = new long[rank];
        for (int i = 0; i < rank; i++) {
            outShape[i] = shape[perm[i]];
            walk[i] = strides[perm[i]];
        }
        float[] out = new float[values.length];
        int[] index = new int[rank];
        long offset = 0;
        for (int o = 0; o < out.length; o++) {
            out[o] = values[(int) offset];
            for (int d = rank - 1; d >= 0; d--) {
                index[d]++;
                offset += walk[d];
                if (index[d] < outShape[d]) {
                    break;
                }
                offset -= walk[d] * index[d];
                index[d] = 0;
            }
        }
        return out;
    }

    /** The transpose of a row-major {@code rows x cols} matrix. */
    public static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
