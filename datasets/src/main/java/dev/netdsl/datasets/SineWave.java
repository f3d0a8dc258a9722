package dev.netdsl.datasets;

import dev.netdsl.Dataset;

/** The sine-fitting tutorial's data: {@code x = linspace(from, to, n)} as a column, {@code y = sin(x)}. */
public final class SineWave {
    private SineWave() {
    }

    /**
     * {@code n} evenly spaced points from {@code from} to {@code to} (both included) with
     * {@code y = sin(x)}; x and y are {@code [n, 1]} like the tutorial's {@code torch.unsqueeze(..., dim=1)}.
     *
     * @throws IllegalArgumentException if {@code n < 2}, a bound is not finite or {@code from >= to}
     */
    public static Dataset of(int n, double from, double to) {
        if (n < 2) {
            throw new IllegalArgumentException("SineWave.of(" + n + ", ...): need at least 2 points, e.g. SineWave.of(1000, -10, 10)");
        }
        if (!Double.isFinite(from) || !Double.isFinite(to) || !(from < to)) {
            throw new IllegalArgumentException("SineWave.of(" + n + ", " + from + ", " + to
                    + "): the range must be finite with from < to, e.g. -10 to 10");
        }
        float[][] x = new float[n][1];
        float[][] y = new float[n][1];
        double step = (to - from) / (n - 1);
        for (int i = 0; i < n; i++) {
            // Like torch.linspace: count up from `from` in the first half and down from `to` in the second,
            // so both ends are exact.
            float xi = (float) (i < n / 2 ? from + step * i : to - step * (n - 1 - i));
            x[i][0] = xi;
            y[i][0] = (float) Math.sin(xi);
        }
        return Dataset.of(x, y);
    }
}
