package dev.netdsl;

import java.util.SplittableRandom;

/** Small seeded data sets shared by the runtime tests. */
final class ModelTestData {
    private ModelTestData() {
    }

    /** {@code rows} points in [-1, 1]^2 with target x0 - 0.5 x1 plus a little noise. */
    static Dataset noisyPlane(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[rows][2];
        float[][] y = new float[rows][1];
        for (int i = 0; i < rows; i++) {
            x[i][0] = (float) (r.nextDouble() * 2 - 1);
            x[i][1] = (float) (r.nextDouble() * 2 - 1);
            y[i][0] = (float) (x[i][0] - 0.5 * x[i][1] + 0.05 * (r.nextDouble() - 0.5));
        }
        return Dataset.of(x, y);
    }

    /** {@code rows} points around three centres in the plane, labelled by their centre; the clouds overlap a little. */
    static Dataset blobs(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] centres = {{-1f, 0f}, {1f, 0.5f}, {0f, -1.2f}};
        float[][] x = new float[rows][2];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(3);
            for (int j = 0; j < 2; j++) {
                // A sum of uniforms: roughly normal with standard deviation 0.5.
                double noise = r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5;
                x[i][j] = (float) (centres[labels[i]][j] + noise);
            }
        }
        return Dataset.of(x, labels);
    }
}
