package dev.netdsl.layers;

import java.util.SplittableRandom;

/** Static factories for initial values, meant for static import. */
public final class Initializers {
    private Initializers() {
    }

    /** All zeros. */
    public static Initializer zeros() {
        return constant(0);
    }

    /** Every element {@code value}. */
    public static Initializer constant(double value) {
        return (shape, random) -> {
            float[] v = new float[count(shape)];
            java.util.Arrays.fill(v, (float) value);
            return v;
        };
    }

    /**
     * PyTorch's default for {@code nn.Linear} and {@code nn.Conv2d}: U(-1/sqrt(fanIn), 1/sqrt(fanIn))
     * for the weight and the bias alike, drawn in the order of the PyTorch layout.
     */
    public static Initializer pytorchDefault(long fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return (shape, random) -> {
            float[] v = new float[count(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            return v;
        };
    }

    /** Uniform in [low, high). */
    public static Initializer uniform(double low, double high) {
        if (!(low < high)) {
            throw new IllegalArgumentException("uniform(" + low + ", " + high + "): low must be below high");
        }
        return (shape, random) -> {
            float[] v = new float[count(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (low + (high - low) * random.nextDouble());
            }
            return v;
        };
    }

    /** Normal with the given mean and standard deviation ({@code torch.randn(...) * std + mean}). */
    public static Initializer normal(double mean, double std) {
        if (!(std >= 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("normal(" + mean + ", " + std + "): std must be finite and not negative");
        }
        return (shape, random) -> {
            float[] v = new float[count(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (mean + std * gaussian(random));
            }
            return v;
        };
    }

    /** Standard normal, {@code torch.randn}. */
    public static Initializer randn() {
        return normal(0, 1);
    }

    /**
     * PyTorch's {@code kaiming_normal_} with its defaults (fan_in, ReLU gain): N(0, 2/fan_in), where
     * fan_in is the second dimension of a {@code [out, in]} weight (the only one for a vector).
     */
    public static Initializer kaimingNormal() {
        return (shape, random) -> {
            long fanIn = shape.length >= 2 ? shape[1] : shape.length == 1 ? shape[0] : 1;
            for (int i = 2; i < shape.length; i++) {
                fanIn *= shape[i];
            }
            return normal(0, Math.sqrt(2.0 / Math.max(1, fanIn))).values(shape, random);
        };
    }

    private static double gaussian(SplittableRandom random) {
        // Marsaglia's polar method.
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    static int count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = d < 0 ? -1 : n * d;
            if (n < 0) {
                break;
            }
        }
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape)
                    + " must have known dimensions and fewer than 2^31 elements");
        }
        return (int) n;
    }
}
