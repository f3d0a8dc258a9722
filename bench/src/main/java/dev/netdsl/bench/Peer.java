package dev.netdsl.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PyTorch peer script's timings ({@code "seconds": [...]}), version and thread count, and its inference
 * throughput if it measured one ({@code "predict_per_second"}, else NaN).
 */
record Peer(double[] seconds, String version, int threads, double predictPerSecond) {

    /** {@code median (min-max)} of the timings, each divided by {@code per}. */
    Stats stats(double per) {
        double[] v = seconds.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] /= per;
        }
        return Stats.of(v);
    }

    /** "PyTorch 1.13.0a0 (1 thread)". */
    String label() {
        return "PyTorch " + version + " (" + threads + (threads == 1 ? " thread)" : " threads)");
    }

    /**
     * Runs {@code python script args...}; null (with the reason on stderr) if PyTorch is not
     * installed or the script fails, so the Java columns still get measured.
     */
    static Peer run(String python, Path script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
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
            Matcher predict = Pattern.compile("\"predict_per_second\": ([0-9.eE+-]+)").matcher(out);
            return new Peer(v, version.find() ? version.group(1) : "?", threads.find() ? Integer.parseInt(threads.group(1)) : 0,
                    predict.find() ? Double.parseDouble(predict.group(1)) : Double.NaN);
        } catch (IOException e) {
            System.err.println("PyTorch peer not runnable (" + e.getMessage() + ")");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
