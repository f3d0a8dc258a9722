package dev.netdsl.bench;

/**
 * One benchmark row: NetDSL, hand-written TensorFlow Java and PyTorch timings of the same work
 * (lower is better; any may be null), their ratios, and optionally the achieved GFLOP/s.
 */
record Row(String workload, String unit, Stats netdsl, Stats tf, Stats torch, double gflopPerUnit, double peakGflops) {
    static final String HEADER = "| workload | unit | NetDSL | hand-written TF Java | PyTorch | NetDSL / TF | NetDSL / PyTorch"
            + " | NetDSL GFLOP/s (of matmul peak) |\n|---|---|---|---|---|---|---|---|";

    String markdown(int digits) {
        String flops = "";
        if (gflopPerUnit > 0 && netdsl != null) {
            double g = gflopPerUnit / netdsl.median();
            flops = String.format("%.1f", g) + (peakGflops > 0 ? String.format(" (%.0f%%)", 100 * g / peakGflops) : "");
        }
        return String.format("| %s | %s | %s | %s | %s | %s | %s | %s |", workload, unit, fmt(netdsl, digits), fmt(tf, digits),
                fmt(torch, digits), ratio(netdsl, tf), ratio(netdsl, torch), flops);
    }

    private static String fmt(Stats s, int digits) {
        return s == null ? "n/a" : s.format(digits);
    }

    private static String ratio(Stats a, Stats b) {
        return a == null || b == null ? "n/a" : String.format("%.2f", a.median() / b.median());
    }
}
