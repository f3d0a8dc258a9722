package dev.netdsl.bench;

/**
 * One benchmark row: NetDSL, hand-written TensorFlow Java and PyTorch timings of the same work
 * (lower is better; any may be null), their ratios, and optionally the achieved GFLOP/s. When
 * NetDSL and TF were timed in alternating pairs, {@code paired} holds the per-pair ratios and the
 * NetDSL / TF column shows their median (steadier than the ratio of medians on a noisy machine).
 */
record Row(String workload, String unit, Stats netdsl, Stats tf, Stats torch, double gflopPerUnit, double peakGflops,
           Stats paired) {
    Row(String workload, String unit, Stats netdsl, Stats tf, Stats torch, double gflopPerUnit, double peakGflops) {
        this(workload, unit, netdsl, tf, torch, gflopPerUnit, peakGflops, null);
    }

    /** The per-pair ratios a[i] / b[i]. */
    static Stats pairs(double[] a, double[] b) {
        double[] q = new double[a.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = a[i] / b[i];
        }
        return Stats.of(q);
    }

    static final String HEADER = "| workload | unit | NetDSL | hand-written TF Java | PyTorch | NetDSL / TF | NetDSL / PyTorch"
            + " | NetDSL GFLOP/s (of matmul peak) |\n|---|---|---|---|---|---|---|---|";

    String markdown(int digits) {
        String flops = "";
        if (gflopPerUnit > 0 && netdsl != null) {
            double g = gflopPerUnit / netdsl.median();
            flops = String.format("%.1f", g) + (peakGflops > 0 ? String.format(" (%.0f%%)", 100 * g / peakGflops) : "");
        }
        return String.format("| %s | %s | %s | %s | %s | %s | %s | %s |", workload, unit, fmt(netdsl, digits), fmt(tf, digits),
                fmt(torch, digits), paired != null ? String.format("%.2f (paired, %.2f-%.2f)", paired.median(), paired.min(), paired.max())
                : ratio(netdsl, tf), ratio(netdsl, torch), flops);
    }

    private static String fmt(Stats s, int digits) {
        return s == null ? "n/a" : s.format(digits);
    }

    private static String ratio(Stats a, Stats b) {
        return a == null || b == null ? "n/a" : String.format("%.2f", a.median() / b.median());
    }
}
