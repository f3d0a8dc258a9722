package dev.netdsl.datasets;

import dev.netdsl.Dataset;

/**
 * The planar "flower" data of the Sequential-and-Module tutorial (and of the classic planar-classification exercise): two
 * classes of points on the petals of {@code r = 4 sin(4t)}, with Gaussian noise.
 *
 * <p>{@link #generate(int, long)} rebuilds it exactly as NumPy does after {@code np.random.seed(seed)}:
 * the same legacy MT19937 stream ({@link NumpyRandom}), the same {@code randn} calls in the same
 * order, the same {@code linspace} and the same double arithmetic, so {@code generate(400, 1)} holds
 * the tutorial's points and users can compare their losses with the tutorial's. Checked against
 * NumPy 2.4 in {@code PlanarFlowerTest}: the float32 data set (what the tutorial trains on after
 * {@code .float()}) is identical bit for bit; in double precision 799 of the 800 coordinates are
 * identical and one differs in the last bit, because Java's {@code Math.cos} and the C library's
 * {@code cos} NumPy calls round one argument differently. Labels are float targets 0 or 1 in one
 * column, for {@code bceWithLogits()}.
 */
public final class PlanarFlower {
    private PlanarFlower() {
    }

    /** The tutorial's data: {@code m = 400} points, {@code np.random.seed(1)}. */
    public static Dataset generate() {
        return generate(400, 1);
    }

    /**
     * {@code m} points (half of each class) from {@code np.random.seed(seed)}.
     *
     * @throws IllegalArgumentException if {@code m} is not an even number of at least 4
     */
    public static Dataset generate(int m, long seed) {
        if (m < 4 || m % 2 != 0) {
            throw new IllegalArgumentException("PlanarFlower.generate(" + m + ", ...): m must be even and at least 4, e.g. 400");
        }
        double[][] xy = points(m, seed);
        float[][] x = new float[m][2];
        float[][] y = new float[m][1];
        for (int i = 0; i < m; i++) {
            x[i][0] = (float) xy[i][0];
            x[i][1] = (float) xy[i][1];
            y[i][0] = i < m / 2 ? 0f : 1f;
        }
        return Dataset.of(x, y);
    }

    /** The points in double precision, as NumPy holds them before {@code .float()}. */
    static double[][] points(int m, long seed) {
        NumpyRandom random = new NumpyRandom(seed);
        int n = m / 2;
        double a = 4;
        double[][] x = new double[m][2];
        for (int j = 0; j < 2; j++) {
            double[] t = NumpyRandom.linspace(j * 3.12, (j + 1) * 3.12, n);
            double[] noiseT = random.randn(n);
            for (int i = 0; i < n; i++) {
                t[i] = t[i] + noiseT[i] * 0.2;
            }
            double[] noiseR = random.randn(n);
            for (int i = 0; i < n; i++) {
                double r = a * Math.sin(4 * t[i]) + noiseR[i] * 0.2;
                x[n * j + i][0] = r * Math.sin(t[i]);
                x[n * j + i][1] = r * Math.cos(t[i]);
            }
        }
        return x;
    }
}
