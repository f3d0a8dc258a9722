package dev.netdsl.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PyTorch peer script's timings ({@code "seconds": [...]}), version and thread count, its inference
 * throughput if it measured one ({@code "predict_per_second"}, else NaN) and its test accuracy if it reported
 * one ({@code "accuracy"}, else NaN).
 */
record Peer(double[] seconds, String version, int threads, double predictPerSecond, double accuracy) {
    /** PyTorch's default intra-op thread count per python executable, asked once (see {@link #defaultThreads}). */
    private static final Map<String, Integer> DEFAULT_THREADS = new ConcurrentHashMap<>();

    /** "all cores": the thread count the peers are tried at besides 1. */
    static int allCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** {@code median (min-max)} of the timings, each divided by {@code per}. */
    Stats stats(double per) {
        double[] v = seconds.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] /= per;
        }
        return Stats.of(v);
    }

    /** The same result without its first {@code n} timings (the peer's warm-ups). */
    Peer dropFirst(int n) {
        return n == 0 || seconds.length <= n ? this
                : new Peer(Arrays.copyOfRange(seconds, n, seconds.length), version, threads, predictPerSecond, accuracy);
    }

    /** "PyTorch 1.13.0a0 (1 thread)". */
    String label() {
        return "PyTorch " + version + " (" + threadText(threads) + ")";
    }

    static String threadText(int threads) {
        return threads + (threads == 1 ? " thread" : " threads");
    }

    /**
     * The faster of a peer's runs at 1 thread and at all cores ({@code --threads N} appended to its
     * arguments): {@code kept} (null if no run succeeded) with its first {@code warmUps} timings dropped,
     * and {@code tried}, what each thread count took ("1 thread 0.71 s, 2 threads 1.20 s", medians of one
     * timed run in seconds).
     */
    record Choice(Peer kept, String tried) {
        /** The kept run's thread count, 0 if none. */
        int threads() {
            return kept == null ? 0 : kept.threads();
        }

        /** The kept run's timings, null if none. */
        Stats stats() {
            return kept == null ? null : Stats.of(kept.seconds());
        }
    }

    /** {@link #fastest(String, Path, int, ToDoubleFunction, String...)} by the median timing. */
    static Choice fastest(String python, Path script, int warmUps, String... args) {
        return fastest(python, script, warmUps, p -> Stats.of(p.seconds()).median(), args);
    }

    /**
     * Runs the peer at 1 thread, then at all cores, and keeps the run with the lower {@code score} (after
     * dropping its first {@code warmUps} timings). The all-cores run is stopped if it takes over three times
     * as long as the 1-thread run (and over 20 s): on a loaded machine OpenMP's spinning threads can make
     * it tens of times slower, and it would lose anyway.
     */
    static Choice fastest(String python, Path script, int warmUps, ToDoubleFunction<Peer> score, String... args) {
        List<Integer> counts = allCores() > 1 ? List.of(1, allCores()) : List.of(1);
        Peer best = null;
        double bestScore = Double.MAX_VALUE;
        List<String> tried = new ArrayList<>();
        long firstNanos = 0;
        for (int threads : counts) {
            String[] withThreads = Arrays.copyOf(args, args.length + 2);
            withThreads[args.length] = "--threads";
            withThreads[args.length + 1] = Integer.toString(threads);
            long limit = threads == 1 ? 0 : Math.max(20_000_000_000L, 3 * firstNanos);
            long t0 = System.nanoTime();
            Peer p = run(python, script, limit, withThreads);
            if (threads == 1) {
                firstNanos = System.nanoTime() - t0;
            }
            if (p == null) {
                tried.add(threadText(threads) + (System.nanoTime() - t0 >= limit && limit > 0
                        ? String.format(" stopped after %.0f s", limit / 1e9) : " failed"));
                continue;
            }
            p = p.dropFirst(warmUps);
            double s = score.applyAsDouble(p);
            tried.add(String.format("%s %.3g s", threadText(p.threads()), Stats.of(p.seconds()).median()));
            if (s < bestScore) {
                best = p;
                bestScore = s;
            }
        }
        return new Choice(best, String.join(", ", tried));
    }

    /**
     * OpenBLAS as PyTorch would have it on its own, in the peer's environment only (the benchmark's JVM keeps its
     * own): no {@code OPENBLAS_CORETYPE} or {@code OPENBLAS_L2_SIZE} forced by this machine (Haswell kernels cost
     * PyTorch 1.4x on matrix products; OpenBLAS 0.3.21 computes correctly without them), and its thread pool as
     * large as the run's torch thread count: the peer's {@code --threads}, or without it PyTorch's default
     * ({@link #defaultThreads}). Unset, OpenBLAS starts a pool of all cores beside PyTorch's and oversubscribes
     * them. {@code OMP_NUM_THREADS} is left as it is: the peers set their count with {@code torch.set_num_threads}.
     */
    static void fairBlas(Map<String, String> env, String python, String... args) {
        env.remove("OPENBLAS_CORETYPE");
        env.remove("OPENBLAS_L2_SIZE");
        String threads = null;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--threads")) {
                threads = args[i + 1];
            }
        }
        if (threads == null && defaultThreads(python) > 0) {
            threads = Integer.toString(defaultThreads(python));
        }
        if (threads != null) {
            env.put("OPENBLAS_NUM_THREADS", threads);
        }
    }

    /**
     * {@code torch.get_num_threads()} in a fresh {@code python} (the count a peer run without {@code --threads} uses;
     * PyTorch picks it from the machine and {@code OMP_NUM_THREADS}), asked once per executable; 0 if PyTorch does not run.
     */
    static int defaultThreads(String python) {
        return DEFAULT_THREADS.computeIfAbsent(python, py -> {
            try {
                ProcessBuilder builder = new ProcessBuilder(py, "-c", "import torch; print(torch.get_num_threads())")
                        .redirectErrorStream(true);
                Process p = builder.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                String last = out.substring(out.lastIndexOf('\n') + 1); // after any warnings
                return p.waitFor() == 0 && last.matches("\\d+") ? Integer.parseInt(last) : 0;
            } catch (IOException e) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        });
    }

    /** {@link #run(String, Path, long, String...)} without a time limit. */
    static Peer run(String python, Path script, String... args) {
        return run(python, script, 0, args);
    }

    /**
     * Runs {@code python script args...}; null (with the reason on stderr) if PyTorch is not
     * installed, the script fails, or it runs longer than {@code limitNanos} (when positive; the process
     * is then killed), so the Java columns still get measured.
     */
    static Peer run(String python, Path script, long limitNanos, String... args) {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        File log = null;
        try {
            log = File.createTempFile("netdsl-peer", ".out");
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
            fairBlas(builder.environment(), python, args);
            Process p = builder.start();
            if (limitNanos > 0 && !p.waitFor(limitNanos, TimeUnit.NANOSECONDS)) {
                p.destroyForcibly().waitFor();
                System.err.printf("PyTorch peer %s stopped after %.0f s%n", String.join(" ", cmd), limitNanos / 1e9);
                return null;
            }
            int exit = p.waitFor();
            String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            if (exit != 0) {
                System.err.println("PyTorch peer " + String.join(" ", cmd) + " failed: " + out.strip());
                return null;
            }
            Matcher version = Pattern.compile("\"torch\": \"([^\"]+)\"").matcher(out);
            Matcher threads = Pattern.compile("\"threads\": (\\d+)").matcher(out);
            Matcher m = Pattern.compile("\"seconds\": \\[([^\\]]*)\\]").matcher(out);
            if (!m.find()) {
                System.err.println("PyTorch peer printed no timings: " + out.strip());
                return null;
            }
            String[] parts = m.group(1).split(",");
            double[] v = new double[parts.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = Double.parseDouble(parts[i].trim());
            }
            return new Peer(v, version.find() ? version.group(1) : "?", threads.find() ? Integer.parseInt(threads.group(1)) : 0,
                    number(out, "predict_per_second"), number(out, "accuracy"));
        } catch (IOException e) {
            System.err.println("PyTorch peer not runnable (" + e.getMessage() + ")");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (log != null) {
                log.delete();
            }
        }
    }

    /** The number after {@code "key": } in a peer's JSON line, NaN if it has none. */
    private static double number(String out, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([0-9.eE+-]+)").matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
