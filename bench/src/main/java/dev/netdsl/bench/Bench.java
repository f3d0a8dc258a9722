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
 * {@code Bench [all|sine|himmelblau|mnist] [--repeats N] [--python PATH] [--out FILE] [--append]}; with
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
            md.add("Each row: median of the timed repeats after warm-up, (min-max) spread. Each section runs in a JVM of its"
                    + " own; the columns of a section are measured side by side in that run.");
        }
        if (which.equals("all") || which.equals("sine")) {
            md.add("");
            md.add("## Sine MLP, full-batch SGD step on 1000 points (seed 000)");
            md.add("");
            md.add("| net | NetDSL us/step | hand-written TF Java us/step | ratio of medians | paired ratio per repeat, median (min-max) |");
            md.add("|---|---|---|---|---|");
            md.addAll(SineBench.run(Math.max(repeats, 31), 500, 50));
        }
        if (which.equals("all") || which.equals("himmelblau")) {
            md.add("");
            md.add("## Himmelblau, 20,000 Adam steps from [0, 0], lr 1e-3 (seed 001)");
            md.add("");
            md.add("| implementation | seconds | / PyTorch | note |");
            md.add("|---|---|---|---|");
            md.addAll(HimmelblauBench.run(Math.max(5, Math.min(repeats, 9)), peers, python));
        }
        if (which.equals("all") || which.equals("mnist")) {
            md.add("");
            md.add("## MNIST MLP 784-200-200-10, one training epoch on Fashion-MNIST, batch 200 (seed 001)");
            md.add("");
            md.add("| implementation | seconds per epoch | / PyTorch |");
            md.add("|---|---|---|");
            md.addAll(MnistBench.run(Math.max(3, Math.min(repeats, 5)), peers, python));
        }
        String text = String.join("\n", md) + "\n";
        System.out.print(text);
        if (append) {
            Files.writeString(out, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        } else {
            Files.writeString(out, text, StandardCharsets.UTF_8);
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
