package dev.netdsl.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the benchmarks side by side in one JVM and prints their tables, then writes them with the
 * machine's description to {@code bench/RESULTS.md}. Usage:
 * {@code Bench [all|sine|himmelblau|planar|mnist|cnn|seq|scaling] [--repeats N] [--quick] [--python PATH] [--out FILE] [--append]};
 * with {@code --append} the tables are added to FILE without the header. {@code --quick} is for checking
 * the benchmark itself, not for results: 2 repeats (or {@code --repeats}) everywhere, the cnn epoch on
 * 6,000 images, 3 epochs instead of 10 for the precision tables' runs (mnist, cnn) and their test accuracy,
 * and four rows of the scaling table.
 */
public final class Bench {
    /** The instruction-set flags that decide matrix-multiply speed at float32 and bfloat16. */
    private static final List<String> ISA = List.of("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_tile");

    private Bench() {
    }

    public static void main(String[] args) throws IOException {
        String which = args.length > 0 && !args[0].startsWith("--") ? args[0] : "all";
        boolean quick = List.of(args).contains("--quick");
        int repeats = Integer.parseInt(option(args, "--repeats", quick ? "2" : "15"));
        String python = option(args, "--python", "/usr/bin/python3");
        Path out = Path.of(option(args, "--out", "bench/RESULTS.md"));
        Path peers = Path.of(option(args, "--peers", "bench/peers"));
        boolean append = List.of(args).contains("--append");
        // The repeats of a section: at least floor and at most cap of --repeats; with --quick, just --repeats (capped).
        java.util.function.IntBinaryOperator reps = (floor, cap) -> quick ? Math.min(repeats, cap) : Math.max(floor, Math.min(repeats, cap));
        List<String> md = new ArrayList<>();
        if (!append) {
            md.add("# Benchmark results");
            md.add("");
            md.add("Measured " + LocalDate.now() + " by `bench/run` on: " + machine() + "."
                    + (quick ? " **Quick check (`--quick`): few repeats and rows, not results.**" : ""));
            md.add("Each row: median of the timed repeats after warm-up, (min-max) spread; lower is better. NetDSL / TF:"
                    + " NetDSL and hand-written TensorFlow Java timed in alternating pairs, the median (min-max) of the per-pair"
                    + " ratios where marked \"paired\", else the ratio of medians. Two PyTorch columns: the tutorial's own code"
                    + " (for MNIST its DataLoader, at PyTorch's default thread count), and the fastest ordinary PyTorch code,"
                    + " the data held as tensors in memory, run at 1 thread and at all " + Peer.allCores() + " cores with the"
                    + " faster kept and its thread count stated (\"" + Row.SAME_CODE + "\" where the tutorial's code is that"
                    + " already). " + blas(python) + " NetDSL / PyTorch in memory: ratio of medians. Each section runs in a JVM of its own; its"
                    + " columns are measured side by side in that run. GFLOP/s counts the training FLOPs of the matrix"
                    + " multiplies (forward 2mnk, backward twice that, none for the first layer's input gradient); the"
                    + " percentage is of the higher of the matrix-multiply peaks measured by TensorFlow and by PyTorch.");
        }
        if (which.equals("all") || which.equals("sine")) {
            MatmulPeak.Peak peak = MatmulPeak.both(python, peers);
            section(md, "Sine MLP, full-batch SGD step on 1000 points (the sine-fitting tutorial)", peak, Row.HEADER);
            md.addAll(SineBench.run(quick ? Math.min(repeats, 3) : Math.max(repeats, 31), 500, 50, python, peers, peak.higher()));
            notes(md, SineBench.pairedNotes);
        }
        if (which.equals("all") || which.equals("himmelblau")) {
            section(md, "Himmelblau, 20,000 Adam steps from [0, 0], lr 1e-3 (the gradient-descent tutorial)", null, Row.HEADER);
            md.addAll(HimmelblauBench.run(reps.applyAsInt(5, 9), reps.applyAsInt(5, 7), peers, python));
            notes(md, HimmelblauBench.notes);
        }
        if (which.equals("all") || which.equals("planar")) {
            section(md, "Planar two-layer net, 10,000 SGD steps on 400 points (the Sequential-and-Module tutorial)", null, Row.HEADER);
            md.addAll(PlanarBench.run(reps.applyAsInt(5, 7), peers, python));
            notes(md, PlanarBench.notes);
        }
        if (which.equals("all") || which.equals("mnist")) {
            MatmulPeak.Peak peak = MatmulPeak.both(python, peers);
            section(md, "MNIST MLP 784-200-200-10 on " + MnistBench.dataName() + ", training epoch and prediction (the MNIST tutorial)",
                    peak, Row.HEADER);
            SineBench.pairedNotes.clear();
            md.addAll(MnistBench.run(reps.applyAsInt(5, 11), reps.applyAsInt(5, 7), PrecisionTable.epochs(quick), peers, python,
                    peak.higher()));
            notes(md, SineBench.pairedNotes);
        }
        if (which.equals("all") || which.equals("cnn")) {
            MatmulPeak.Peak peak = MatmulPeak.both(python, peers);
            section(md, "cnn example's net on " + CnnBench.dataName() + ": training epoch and prediction", peak, Row.HEADER);
            md.addAll(CnnBench.run(quick ? 6_000 : 60_000, PrecisionTable.epochs(quick), peers, python, peak.higher()));
            notes(md, CnnBench.notes);
        }
        if (which.equals("all") || which.equals("seq")) {
            section(md, "Sequence models on the fortunes quotes: the textgen LSTM and the textclass Transformer encoder", null,
                    Row.HEADER);
            md.addAll(SeqBench.run(reps.applyAsInt(3, 5), peers, python));
            notes(md, SeqBench.notes);
        }
        if (which.equals("all") || which.equals("scaling")) {
            MatmulPeak.Peak peak = MatmulPeak.both(python, peers);
            section(md, "Scaling: MNIST MLP epoch as the batch size and the hidden width grow (NetDSL and PyTorch in memory)",
                    peak, ScalingBench.HEADER);
            md.addAll(ScalingBench.run(quick, peers, python, peak.higher()));
            notes(md, ScalingBench.notes);
        }
        String text = String.join("\n", md) + "\n";
        System.out.print(text);
        if (append) {
            Files.writeString(out, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        } else {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        }
    }

    private static void section(List<String> md, String title, MatmulPeak.Peak peak, String header) {
        md.add("");
        md.add("## " + title);
        md.add("");
        if (peak != null) {
            md.add(peak.describe());
            md.add("");
        }
        md.add(header);
    }

    private static void notes(List<String> md, List<String> notes) {
        if (!notes.isEmpty()) {
            md.add("");
            notes.forEach(n -> md.add("- " + n));
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** Cores, the CPU's model name and which of {@link #ISA} its flags hold (from /proc/cpuinfo), heap and Java version. */
    private static String machine() {
        String cpu = "unknown CPU";
        String flags = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String value = line.substring(line.indexOf(':') + 1).trim();
                if (line.startsWith("model name") && cpu.startsWith("unknown")) {
                    cpu = value;
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    List<String> has = List.of(value.split("\\s+"));
                    flags = " (CPU flags: " + String.join(", ", ISA.stream().filter(has::contains).toList())
                            + "; not: " + String.join(", ", ISA.stream().filter(f -> !has.contains(f)).toList()) + ")";
                }
            }
        } catch (IOException ignored) {
            // not Linux: keep the generic name
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + flags + ", JVM heap max "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB, Java " + System.getProperty("java.version");
    }

    /** How the PyTorch peers' OpenBLAS is set up ({@link Peer#fairBlas}) next to the environment the NetDSL JVM keeps. */
    private static String blas(String python) {
        String kept = java.util.stream.Stream.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")
                .map(v -> v + "=" + (System.getenv(v) == null ? "(unset)" : System.getenv(v)))
                .collect(java.util.stream.Collectors.joining(", "));
        int threads = Peer.defaultThreads(python);
        return "The PyTorch peers run with OpenBLAS as PyTorch sets it up alone: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE"
                + " unset (this machine sets them for old OpenBLAS builds; the one PyTorch uses computes correctly without"
                + " them, and the forced Haswell kernels cost PyTorch 1.4x on matrix products) and OPENBLAS_NUM_THREADS set to"
                + " the run's torch thread count (its --threads, or for the tutorial's code PyTorch's default, "
                + (threads > 0 ? Peer.threadText(threads) : "unknown") + "), so OpenBLAS's pool does not oversubscribe the"
                + " cores; only the peer's environment changes, the NetDSL JVM keeps this machine's (" + kept + ").";
    }
}
