package dev.netdsl.datasets;

/**
 * NumPy's legacy {@code np.random.seed(n)} / {@code RandomState} generator, bit for bit: MT19937
 * seeded with {@code init_genrand(n)}, {@code random_sample} from 53 bits of two draws, and
 * {@code randn} by Marsaglia's polar method with its cached second value. Lets Java code rebuild
 * data sets that tutorials make with NumPy after {@code np.random.seed(...)}.
 */
public final class NumpyRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int pos;
    private boolean hasGauss;
    private double gauss;

    /** {@code np.random.seed(seed)}; {@code seed} in 0..2^32-1. */
    public NumpyRandom(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("seed " + seed + " must be in 0..2^32-1, as NumPy requires");
        }
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        pos = N;
    }

    private int next32() {
        if (pos >= N) {
            for (int i = 0; i < N; i++) {
                int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
                mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            pos = 0;
        }
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** {@code np.random.random_sample()}: uniform in [0, 1) with 53 random bits. */
    public double randomSample() {
        long a = (next32() & 0xffffffffL) >>> 5;
        long b = (next32() & 0xffffffffL) >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /** {@code np.random.randn()}: standard normal by the polar method, second value cached. */
    public double randn() {
        if (hasGauss) {
            hasGauss = false;
            return gauss;
        }
        double x1;
        double x2;
        double r2;
        do {
            x1 = 2.0 * randomSample() - 1.0;
            x2 = 2.0 * randomSample() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.sqrt(-2.0 * Math.log(r2) / r2);
        gauss = f * x1;
        hasGauss = true;
        return f * x2;
    }

    /** {@code np.random.randn(n)}. */
    public double[] randn(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = randn();
        }
        return out;
    }

    /** {@code np.linspace(start, stop, num)}: {@code i * step + start}, the last value exactly {@code stop}. */
    public static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        if (num > 1) {
            y[num - 1] = stop;
        }
        return y;
    }
}
