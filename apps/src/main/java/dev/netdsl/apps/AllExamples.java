package dev.netdsl.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code netdsl all}: runs every example into one output directory and writes {@code index.html}, a
 * page with one section per example: its figures, its key numbers from {@code metrics.json}, the
 * command that reproduces it, and what the tutorial printed where it printed something.
 */
public final class AllExamples {
    /** One example: its name, tutorial, what it shows, its arguments (full and quick), and the tutorial's numbers. */
    record Example(String name, String tutorial, String title, List<String> full, List<String> quick, String reference) {
    }

    static final List<Example> EXAMPLES = List.of(
            new Example("sine", "the sine-fitting tutorial", "Fitting sin(x) with an MLP of configurable depth",
                    List.of(), List.of("--steps", "5000", "--quiet"),
                    "The tutorial prints the loss at every step; its step 4999 loss was 0.0194 (cfg 1,20,50,20,1)."),
            new Example("himmelblau", "the gradient-descent tutorial", "Himmelblau's function minimised over a raw variable with Adam",
                    List.of(), List.of(),
                    "Himmelblau's four minima, f = 0: (3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186),"
                            + " (3.584428, -1.848126). The tutorial prints x_y and f(x) every 2000 steps from its start."),
            new Example("mnist", "the MNIST tutorial", "MNIST with the tutorial's nn.Sequential MLP 784-200-200-10",
                    List.of(), List.of("--epochs", "2", "--offline"),
                    "The tutorial prints the test loss and accuracy per epoch but shows no result. PyTorch running the tutorial's"
                            + " code on Fashion-MNIST here (10 epochs): 80.2% with its final ReLU, 83.9% without."),
            new Example("mnist-raw", "the MNIST tutorial", "MNIST with hand-written weights w1, b1 .. w3, b3 (Autograd)",
                    List.of(), List.of("--epochs", "2", "--offline"),
                    "As above; the hand-written version has no printed result in the tutorial either."),
            new Example("cnn", "none (the chapter after the tutorials)",
                    "A small CNN on MNIST images: conv blocks with batch norm and pooling, dropout",
                    List.of(), List.of("--epochs", "2", "--offline"),
                    "The chapter after the tutorials. PyTorch running the same net on Fashion-MNIST here: 90.3% after 4 epochs."),
            new Example("planar", "the Sequential-and-Module tutorial",
                    "The planar flower data: logistic regression, two-layer, Sequential, Module and deeper nets",
                    List.of(), List.of(),
                    "The tutorial's printed final losses: logistic 0.6731, two-layer 0.2170, sequential 0.2485, module 0.2146."),
            new Example("poly", "the polynomial-regression tutorial", "Polynomial regression y = 0.9 + 0.5x + 3x^2 + 2.4x^3",
                    List.of(), List.of(),
                    "The tutorial prints the learned function next to the actual one, y = 0.90 + 0.50x + 3.00x^2 + 2.40x^3."),
            new Example("thermometer", "the activations tutorial", "The thermometer: Linear(1, 1), then a small tanh net; train vs validation",
                    List.of(), List.of(),
                    "The book's point: the net reaches a lower training loss and a higher validation loss than the line."),
            new Example("activations", "the activations tutorial", "Activation functions and their derivatives",
                    List.of(), List.of(), null));

    /** What running one example gave. */
    record Ran(Example example, List<String> args, int exitCode, double seconds) {
    }

    private AllExamples() {
    }

    /**
     * Runs every example with {@code runner} (the command line, returning its exit code), then
     * writes the report; returns the number of examples that failed.
     */
    static int run(Path out, boolean quick, Function<String[], Integer> runner, PrintStream console) {
        return run(out, quick, List.of(), runner, console);
    }

    /** {@link #run(Path, boolean, Function, PrintStream)} passing {@code extra} options (e.g. --quiet) to every example. */
    static int run(Path out, boolean quick, List<String> extra, Function<String[], Integer> runner, PrintStream console) {
        Path dir = Outputs.directory(out);
        List<Ran> ran = new ArrayList<>();
        long start = System.nanoTime();
        int k = 0;
        for (Example e : EXAMPLES) {
            List<String> args = new ArrayList<>();
            args.add(e.name());
            args.addAll(quick ? e.quick() : e.full());
            args.addAll(List.of("--out", out.toString()));
            for (int i = 0; i < extra.size(); i++) {
                // An option the example's own arguments already give (sine's quick --quiet) is not repeated.
                boolean valued = i + 1 < extra.size() && !extra.get(i + 1).startsWith("--");
                if (!args.contains(extra.get(i))) {
                    args.add(extra.get(i));
                    if (valued) {
                        args.add(extra.get(i + 1));
                    }
                }
                i += valued ? 1 : 0;
            }
            console.printf("%n== [%d/%d] ./netdsl %s%n", ++k, EXAMPLES.size(), String.join(" ", args));
            long t0 = System.nanoTime();
            int code = runner.apply(args.toArray(new String[0]));
            ran.add(new Ran(e, args, code, (System.nanoTime() - t0) / 1e9));
        }
        double total = (System.nanoTime() - start) / 1e9;
        Path index = dir.resolve("index.html");
        Outputs.write(index, html(dir, ran, quick, total).getBytes(StandardCharsets.UTF_8));
        long failed = ran.stream().filter(r -> r.exitCode() != 0).count();
        console.printf("%nran %d examples in %.1f s (%d failed); report: %s%n", ran.size(), total, failed, index);
        return (int) failed;
    }

    static String html(Path dir, List<Ran> ran, boolean quick, double total) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>NetDSL examples</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n")
                .append("section{border-top:1px solid #ccc;padding-top:1em;margin-top:2em}\n")
                .append("code,pre{background:#f4f4f4;padding:2px 4px;border-radius:3px}\n")
                .append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}\n")
                .append("th{background:#f0f0f0}figure{display:inline-block;vertical-align:top;margin:.5em}figure img{max-width:520px;border:1px solid #ddd}figure.wide img{max-width:1060px}\n")
                .append(".fail{color:#b00;font-weight:bold}.ref{background:#fff8e0;padding:.5em;border-left:4px solid #e0b000}\n")
                .append("</style></head><body>\n<h1>NetDSL: every example</h1>\n<p>")
                .append(ran.size()).append(" examples in ").append(String.format("%.1f", total)).append(" s")
                .append(quick ? " with <code>--quick</code> (sine 5,000 steps, MNIST 2 epochs on the embedded 10,000-digit sample)"
                        : " with the examples' defaults")
                .append(". Each section shows the command that reproduces it.</p>\n<ul>\n");
        for (Ran r : ran) {
            h.append("<li><a href=\"#").append(r.example().name()).append("\">").append(esc(r.example().name()))
                    .append("</a>: ").append(esc(r.example().title())).append(r.exitCode() != 0 ? " <span class=\"fail\">(failed)</span>" : "")
                    .append("</li>\n");
        }
        h.append("</ul>\n");
        for (Ran r : ran) {
            Example e = r.example();
            Path sub = dir.resolve(e.name());
            h.append("<section id=\"").append(e.name()).append("\">\n<h2>").append(esc(e.name())).append(": ")
                    .append(esc(e.title())).append("</h2>\n<p>Tutorial: ").append(e.tutorial()).append(". Reproduce with <code>./netdsl ")
                    .append(esc(String.join(" ", r.args()))).append("</code> (")
                    .append(String.format("%.1f", r.seconds())).append(" s here).</p>\n");
            if (r.exitCode() != 0) {
                h.append("<p class=\"fail\">Exit code ").append(r.exitCode()).append(": see the console output.</p>\n");
            }
            JsonNode metrics = readMetrics(sub);
            if (metrics != null) {
                h.append(numbers(metrics));
            }
            if (e.reference() != null) {
                h.append("<p class=\"ref\">Tutorial reference: ").append(esc(e.reference())).append("</p>\n");
            }
            for (Path png : pngs(sub)) {
                String rel = dir.relativize(png).toString().replace('\\', '/');
                // Grids of charts (over 1000 px wide) get the page's width; each figure links to its full size.
                h.append(pngWidth(png) > 1000 ? "<figure class=\"wide\">" : "<figure>").append("<a href=\"").append(esc(rel))
                        .append("\"><img src=\"").append(esc(rel)).append("\" alt=\"").append(esc(rel)).append("\"></a><figcaption>")
                        .append(esc(png.getFileName().toString())).append("</figcaption></figure>\n");
            }
            h.append("</section>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private static JsonNode readMetrics(Path sub) {
        Path f = sub.resolve("metrics.json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return new ObjectMapper().readTree(f.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    /** A PNG's width from its header (0 if unreadable). */
    private static int pngWidth(Path png) {
        try (var in = Files.newInputStream(png)) {
            byte[] head = in.readNBytes(24);
            return head.length < 24 ? 0 : java.nio.ByteBuffer.wrap(head, 16, 4).getInt();
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<Path> pngs(Path sub) {
        if (!Files.isDirectory(sub)) {
            return List.of();
        }
        try (var files = Files.list(sub)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Scalars (and short lists of numbers) as one table; lists of objects as a table each. */
    static String numbers(JsonNode m) {
        StringBuilder rows = new StringBuilder();
        StringBuilder tables = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            if (v.isValueNode()) {
                rows.append("<tr><th>").append(esc(f.getKey())).append("</th><td>").append(esc(format(v))).append("</td></tr>\n");
            } else if (v.isArray() && v.size() > 0 && v.size() <= 12 && v.get(0).isValueNode()) {
                List<String> items = new ArrayList<>();
                v.forEach(x -> items.add(format(x)));
                rows.append("<tr><th>").append(esc(f.getKey())).append("</th><td>").append(esc(String.join(", ", items)))
                        .append("</td></tr>\n");
            } else if (v.isObject() && v.size() <= 12) {
                List<String> items = new ArrayList<>();
                v.fields().forEachRemaining(x -> items.add(x.getKey() + " " + (x.getValue().isValueNode() ? format(x.getValue())
                        : x.getValue().toString())));
                rows.append("<tr><th>").append(esc(f.getKey())).append("</th><td>").append(esc(String.join("; ", items)))
                        .append("</td></tr>\n");
            } else if (v.isArray() && v.size() > 0 && v.size() <= 20 && v.get(0).isObject()) {
                tables.append("<table><caption>").append(esc(f.getKey())).append("</caption><tr>");
                List<String> cols = new ArrayList<>();
                v.get(0).fieldNames().forEachRemaining(cols::add);
                cols.forEach(c -> tables.append("<th>").append(esc(c)).append("</th>"));
                tables.append("</tr>\n");
                for (JsonNode row : v) {
                    tables.append("<tr>");
                    for (String c : cols) {
                        JsonNode cell = row.get(c);
                        tables.append("<td>").append(esc(cell == null ? "" : cell.isValueNode() ? format(cell) : compact(cell)))
                                .append("</td>");
                    }
                    tables.append("</tr>\n");
                }
                tables.append("</table>\n");
            }
        }
        return "<table>\n" + rows + "</table>\n" + tables;
    }

    private static String compact(JsonNode n) {
        if (n.isArray() && n.size() <= 12) {
            List<String> items = new ArrayList<>();
            n.forEach(x -> items.add(x.isValueNode() ? format(x) : x.toString()));
            return "[" + String.join(", ", items) + "]";
        }
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static String format(JsonNode v) {
        if (v.isFloatingPointNumber()) {
            double d = v.asDouble();
            String s = d != 0 && (Math.abs(d) < 1e-3 || Math.abs(d) >= 1e6) ? String.format(java.util.Locale.ROOT, "%.4e", d)
                    : String.format(java.util.Locale.ROOT, "%.6g", d);
            // Drop trailing zeros of the mantissa: 0.0500000 -> 0.05, 1.0000e-04 -> 1e-04.
            return s.replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
        }
        return v.asText();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
