package dev.netdsl.bench;

import java.util.Arrays;

/** Median and spread of repeated timings. */
record Stats(double median, double min, double max) {
    static Stats of(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return new Stats(median, s[0], s[s.length - 1]);
    }

    /** {@code median (min-max)} with {@code digits} decimals. */
    String format(int digits) {
        String f = "%." + digits + "f";
        return String.format(f + " (" + f + "-" + f + ")", median, min, max);
    }
}
