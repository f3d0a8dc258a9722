package dev.netdsl.models;

import dev.netdsl.Expr;
import dev.netdsl.autograd.Var;

/** Himmelblau's function as the gradient-descent tutorial writes it, over a raw variable {@code x_y}. */
public final class Himmelblau {
    /** Its four minima, all with f = 0. */
    public static final float[][] MINIMA = {{3f, 2f}, {-2.805118f, 3.131312f}, {-3.779310f, -3.283186f}, {3.584428f, -1.848126f}};

    private Himmelblau() {
    }

    /**
     * {@code (x^2 + y - 11)^2 + (x + y^2 - 7)^2} with {@code x = xy[0]}, {@code y = xy[1]}.
     *
     * @throws IllegalArgumentException if {@code xy} is not a vector of two values
     */
    public static Expr of(Var xy) {
        if (xy.rank() != 1 || xy.shape()[0] != 2) {
            throw new IllegalArgumentException("Himmelblau.of: x_y must have shape [2] but " + xy + " does not");
        }
        Expr x = xy.at(0);
        Expr y = xy.at(1);
        return x.square().plus(y).minus(11).square().plus(x.plus(y.square()).minus(7).square());
    }

    /** The same function in plain Java, for plots. */
    public static double value(double x, double y) {
        double a = x * x + y - 11;
        double b = x + y * y - 7;
        return a * a + b * b;
    }

    /** The known minimum closest to {@code p}. */
    public static float[] nearestMinimum(float[] p) {
        float[] best = MINIMA[0];
        for (float[] m : MINIMA) {
            if (Math.hypot(m[0] - p[0], m[1] - p[1]) < Math.hypot(best[0] - p[0], best[1] - p[1])) {
                best = m;
            }
        }
        return best;
    }
}
