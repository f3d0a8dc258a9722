package dev.netdsl.bench;

/**
 * One benchmark row: NetDSL, hand-written TensorFlow Java, PyTorch running the tutorial's code and
 * PyTorch with the data as tensors in memory (the faster of 1 thread and all cores, its count stated)
 * timing the same work (lower is better; any may be missing), the ratios NetDSL / TF and NetDSL /
 * PyTorch in memory, and optionally NetDSL's achieved GFLOP/s and its share of the machine's
 * matrix-multiply peak. When NetDSL and TF were timed in alternating pairs, {@code paired} holds the
 * per-pair ratios and the NetDSL / TF column shows their median (steadier than the ratio of medians on
 * a noisy machine). Built fluently: {@code Row.of(...).tf(...).tutorial(...).memory(...).markdown(3)}.
 */
final class Row {
    static final String HEADER = "| workload | unit | NetDSL | hand-written TF Java | PyTorch (tutorial's code)"
            + " | PyTorch (tensors in memory; threads) | NetDSL / TF | NetDSL / PyTorch in memory"
            + " | NetDSL GFLOP/s (% of the higher matmul peak) |\n|---|---|---|---|---|---|---|---|---|";

    /** The tutorial column's text where the tutorial's code already holds its data in memory. */
    static final String SAME_CODE = "in memory already →";

    private final String workload;
    private final String unit;
    private final Stats netdsl;
    private Stats tf;
    private Stats paired;
    private Stats tutorial;
    private String tutorialText = "n/a";
    private Stats memory;
    private int memoryThreads;
    private double gflopPerUnit;
    private double peakGflops;

    private Row(String workload, String unit, Stats netdsl) {
        this.workload = workload;
        this.unit = unit;
        this.netdsl = netdsl;
    }

    static Row of(String workload, String unit, Stats netdsl) {
        return new Row(workload, unit, netdsl);
    }

    /** The hand-written TF column, and the per-pair ratios if the two were timed in alternating pairs (else null). */
    Row tf(Stats tf, Stats paired) {
        this.tf = tf;
        this.paired = paired;
        return this;
    }

    /** The PyTorch column running the tutorial's own code (null: not available). */
    Row tutorial(Stats tutorial) {
        this.tutorial = tutorial;
        this.tutorialText = null;
        return this;
    }

    /** The tutorial column's text instead of a timing, e.g. {@link #SAME_CODE}. */
    Row tutorialText(String text) {
        this.tutorial = null;
        this.tutorialText = text;
        return this;
    }

    /** The PyTorch column with tensors in memory, from the kept run of a {@link Peer.Choice} ({@code stats} null: not available). */
    Row memory(Stats memory, int threads) {
        this.memory = memory;
        this.memoryThreads = threads;
        return this;
    }

    /** Training GFLOP per {@code unit} of work and the machine's peak, for the GFLOP/s column. */
    Row flops(double gflopPerUnit, double peakGflops) {
        this.gflopPerUnit = gflopPerUnit;
        this.peakGflops = peakGflops;
        return this;
    }

    /** The per-pair ratios a[i] / b[i]. */
    static Stats pairs(double[] a, double[] b) {
        double[] q = new double[a.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = a[i] / b[i];
        }
        return Stats.of(q);
    }

    String markdown(int digits) {
        String flops = "";
        if (gflopPerUnit > 0 && netdsl != null) {
            flops = gflops(gflopPerUnit / netdsl.median(), peakGflops);
        }
        String tut = tutorialText != null ? tutorialText : fmt(tutorial, digits);
        String mem = memory == null ? "n/a" : memory.format(digits) + ", " + Peer.threadText(memoryThreads);
        String tfRatio = paired != null ? String.format("%.2f (paired, %.2f-%.2f)", paired.median(), paired.min(), paired.max())
                : ratio(netdsl, tf);
        return String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s |", workload, unit, fmt(netdsl, digits), fmt(tf, digits),
                tut, mem, tfRatio, ratio(netdsl, memory), flops);
    }

    /** "55.8 (48%)": GFLOP/s and, if the peak is known, its share of it. */
    static String gflops(double g, double peak) {
        return String.format("%.1f", g) + (peak > 0 ? String.format(" (%.0f%%)", 100 * g / peak) : "");
    }

    private static String fmt(Stats s, int digits) {
        return s == null ? "n/a" : s.format(digits);
    }

    static String ratio(Stats a, Stats b) {
        return a == null || b == null ? "n/a" : String.format("%.2f", a.median() / b.median());
    }
}
