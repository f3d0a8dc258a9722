package dev.netdsl.bench;

import java.util.function.DoubleSupplier;

/**
 * Two measurements of the same work, NetDSL and its peer, taken back to back {@code repeats}
 * times, alternating which goes first (ABBA) so the machine's slow drift cancels out of each
 * pair's ratio.
 */
record Pairs(double[] netdsl, double[] peer) {

    /** Each supplier runs its side once and returns the time it took, in the unit the caller reports. */
    static Pairs measure(int repeats, DoubleSupplier netdsl, DoubleSupplier peer) {
        double[] a = new double[repeats];
        double[] b = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            if (r % 2 == 0) {
                a[r] = netdsl.getAsDouble();
                b[r] = peer.getAsDouble();
            } else {
                b[r] = peer.getAsDouble();
                a[r] = netdsl.getAsDouble();
            }
        }
        return new Pairs(a, b);
    }

    /** Seconds {@code work} takes. */
    static double seconds(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }
}
