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
 * {@code Bench [all|sine|himmelblau|planar|mnist|cnn] [--repeats N] [--python PATH] [--out FILE] [--append]}; with
 * {@code --append} the tables are added to FILE without the header.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws IOException {
        String which = args.length > 0 && !args[0].startsWith("--") ? args[0] : "all";
        int repeats = Integer.parseInt(option(args, "--repeats", "15"));
        String python = option(args, "--python", "/usr/bin/python3");
        Path out = Path.of(option(args, "--out", "bench/RESULTS.md"));
        Path peers = Path.of(option(args, "--peers", "bench/peers"));
        boolean append = List.of(args).contains("--append");
        List<String> md = new ArrayList<>();
        if (!append) {
            md.add("# Benchmark results");
            md.add("");
            md.add("Measured " + LocalDate.now() + " by `bench/run` on: " + machine() + ".");
            md.add("Each row: median of the timed repeats after warm-up, (min-max) spread; lower is better. NetDSL / TF:"
                    + " NetDSL and hand-written TensorFlow Java timed in alternating pairs, the median (min-max) of the per-pair"
                    + " ratios where marked \"paired\", else the ratio of medians; NetDSL / PyTorch (running the tutorial's code):"
                    + " ratio of medians. Each section"
                    + " runs in a JVM of its own; its columns are measured side by side in that run. GFLOP/s counts the"
                    + " training FLOPs of the matrix multiplies (forward 2mnk, backward twice that, none for the first"
                    + " layer's input gradient).");
        }
        if (which.equals("all") || which.equals("sine")) {
            double peak = MatmulPeak.measure(2048, 10);
            section(md, "Sine MLP, full-batch SGD step on 1000 points (the sine-fitting tutorial)", peak);
            md.addAll(SineBench.run(Math.max(repeats, 31), 500, 50, python, peers, peak));
            notes(md, SineBench.pairedNotes);
        }
        if (which.equals("all") || which.equals("himmelblau")) {
            section(md, "Himmelblau, 20,000 Adam steps from [0, 0], lr 1e-3 (the gradient-descent tutorial)", 0);
            md.addAll(HimmelblauBench.run(Math.max(5, Math.min(repeats, 9)), peers, python));
            notes(md, HimmelblauBench.notes);
        }
        if (which.equals("all") || which.equals("planar")) {
            section(md, "Planar two-layer net, 10,000 SGD steps on 400 points (the Sequential-and-Module tutorial)", 0);
            md.addAll(PlanarBench.run(Math.max(5, Math.min(repeats, 7)), peers, python));
            notes(md, PlanarBench.notes);
        }
        if (which.equals("all") || which.equals("mnist")) {
            double peak = MatmulPeak.measure(2048, 10);
            section(md, "MNIST MLP 784-200-200-10 on " + MnistBench.dataName() + ", training epoch and prediction (the MNIST tutorial)", peak);
            SineBench.pairedNotes.clear();
            md.addAll(MnistBench.epoch(Math.max(5, Math.min(repeats, 11)), peers, python, peak));
            md.addAll(MnistBench.predict(Math.max(5, Math.min(repeats, 7)), peers, python));
            notes(md, SineBench.pairedNotes);
        }
        if (which.equals("all") || which.equals("cnn")) {
            section(md, "cnn example's net on " + (java.nio.file.Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))
                    ? "Fashion-MNIST" : "random data of Fashion-MNIST's shape") + ": training epoch and prediction", 0);
            md.addAll(CnnBench.run(Math.max(2, Math.min(repeats, 3)), peers, python));
            notes(md, CnnBench.notes);
        }
        String text = String.join("\n", md) + "\n";
        System.out.print(text);
        if (append) {
            Files.writeString(out, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        } else {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        }
    }

    private static void section(List<String> md, String title, double peak) {
        md.add("");
        md.add("## " + title);
        md.add("");
        if (peak > 0) {
            md.add(String.format("Matrix-multiply peak measured in this run (TensorFlow MatMul 2048 x 2048, best of 10): %.1f GFLOP/s.", peak));
            md.add("");
        }
        md.add(Row.HEADER);
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

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException ignored) {
            // not Linux: keep the generic name
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", JVM heap max "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB, Java " + System.getProperty("java.version");
    }
}
