package dev.netdsl.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code netdsl all}: runs every example into one output directory and writes {@code index.html}, a
 * page with one section per example: its figures, its key numbers from {@code metrics.json}, the
 * command that reproduces it, and what the tutorial printed where it printed something.
 */
public final class AllExamples {
    /**
     * One example: its name, tutorial, what it shows, its arguments (full and quick), and what to compare its numbers
     * with, given its metrics.json (null if it wrote none).
     */
    record Example(String name, String tutorial, String title, List<String> full, List<String> quick,
                   Function<JsonNode, String> reference) {
    }

    static final List<Example> EXAMPLES = List.of(
            new Example("sine", "the sine-fitting tutorial", "Fitting sin(x) with an MLP of configurable depth",
                    List.of(), List.of("--steps", "5000", "--quiet"), AllExamples::sineReference),
            new Example("himmelblau", "the gradient-descent tutorial", "Himmelblau's function minimised over a raw variable with Adam",
                    List.of(), List.of(),
                    m -> "Himmelblau's four minima, f = 0: (3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186),"
                            + " (3.584428, -1.848126). The tutorial prints x_y and f(x) every 2000 steps from its start."),
            new Example("mnist", "the MNIST tutorial", "MNIST with the tutorial's nn.Sequential MLP 784-200-200-10",
                    List.of(), List.of("--epochs", "2", "--offline"), m -> mnistReference("mnist", m)),
            new Example("mnist-raw", "the MNIST tutorial", "MNIST with hand-written weights w1, b1 .. w3, b3 (Autograd)",
                    List.of(), List.of("--epochs", "2", "--offline"), m -> mnistReference("mnist-raw", m)),
            new Example("cnn", "none (the chapter after the tutorials)",
                    "A small CNN on MNIST images: conv blocks with batch norm and pooling, dropout",
                    List.of(), List.of("--epochs", "2", "--offline"), m -> mnistReference("cnn", m)),
            new Example("planar", "the Sequential-and-Module tutorial",
                    "The planar flower data: logistic regression, two-layer, Sequential, Module and deeper nets",
                    List.of(), List.of(),
                    m -> "The tutorial's printed final losses (tutorial_final_loss above), after the same epochs on the same 400"
                            + " points but from its own random initial weights: logistic 0.6731, two-layer 0.2170, sequential"
                            + " 0.2485, module 0.2146."),
            new Example("poly", "the polynomial-regression tutorial", "Polynomial regression y = 0.9 + 0.5x + 3x^2 + 2.4x^3",
                    List.of(), List.of(),
                    m -> "The tutorial prints the learned function next to the actual one, y = 0.90 + 0.50x + 3.00x^2 + 2.40x^3."),
            new Example("thermometer", "the activations tutorial", "The thermometer: Linear(1, 1), then a small tanh net; train vs validation",
                    List.of(), List.of(),
                    m -> "The book's point: the net reaches a lower training loss and a higher validation loss than the line."),
            new Example("activations", "the activations tutorial", "Activation functions and their derivatives",
                    List.of(), List.of(), m -> null),
            new Example("textgen", "none (sequence models, after the tutorials)",
                    "A character-level LSTM language model over the fortunes quotes, sampled at three temperatures",
                    List.of(), List.of("--epochs", "3", "--seq-len", "24", "--hidden", "32", "--batch-size", "16", "--lr", "1e-2",
                            "--chars", "6000", "--sample", "60"), AllExamples::textgenReference),
            new Example("textclass", "none (sequence models, after the tutorials)",
                    "Which fortunes file a quote comes from: a Transformer encoder, its confusion matrix and attention weights",
                    List.of(), List.of("--epochs", "10", "--length", "24", "--dim", "32", "--heads", "2", "--lr", "1e-3"),
                    m -> m == null || !m.has("commonest_class_accuracy") ? null : "Guessing the commonest class of the training"
                            + " quotes for every test quote scores " + percent(m.get("commonest_class_accuracy").asDouble())
                            + "; this run: " + percent(m.path("test_accuracy").asDouble()) + "."),
            new Example("forecast", "none (sequence models, after the tutorials)",
                    "A GRU forecasting the Mauna Loa CO2 record one month ahead, against the seasonal naive forecast",
                    List.of(), List.of("--epochs", "3", "--window", "12", "--hidden", "8", "--test-months", "48", "--batch-size", "32",
                            "--lr", "1e-2"),
                    m -> m == null || !m.has("seasonal_naive_rmse_ppm") ? null : String.format(Locale.ROOT, "The seasonal naive"
                            + " forecast with drift (this month = the same month a year before plus the last year's mean change)"
                            + " misses the held-out months by %.2f ppm RMSE; the GRU by %.2f ppm.",
                            m.get("seasonal_naive_rmse_ppm").asDouble(), m.path("rmse_ppm").asDouble())));

    /** A character model that learned nothing guesses uniformly: its cross-entropy is ln(vocabulary). */
    static String textgenReference(JsonNode m) {
        if (m == null || !m.has("vocabulary") || !m.has("loss") || m.get("loss").isEmpty()) {
            return null;
        }
        JsonNode loss = m.get("loss");
        return String.format(Locale.ROOT, "A uniform guess over the %d characters has cross-entropy ln(%d) = %.2f per character;"
                + " this run's last epoch: %.2f (training), %.2f (held-out text).", m.get("vocabulary").asInt(),
                m.get("vocabulary").asInt(), Math.log(m.get("vocabulary").asInt()), loss.get(loss.size() - 1).asDouble(),
                m.path("val_loss").path(m.path("val_loss").size() - 1).asDouble(Double.NaN));
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    /** The sine tutorial printed its loss at every step; its step 4999 is compared with this run's step 4999 when there is one. */
    static String sineReference(JsonNode m) {
        String tutorial = "The tutorial's loss at step 4,999 (cfg 1,20,50,20,1, SGD 0.05, its own random start) was 0.0194";
        if (m == null || !m.has("loss_at_step_4999")) {
            return tutorial + "; this run stopped before step 4,999, so it has no number to set beside it.";
        }
        boolean sameNet = m.get("cfg").toString().equals("[1,20,50,20,1]") && m.get("lr").asDouble() == 0.05;
        return tutorial + "; this run's at step 4,999: " + MetricsTables.format("loss", m.get("loss_at_step_4999"))
                + (sameNet ? " (same net and rate; the initial weights differ, so the curves differ in their bumps)."
                : ", but with another net or rate (cfg " + m.get("cfg") + ", lr " + MetricsTables.format("lr", m.get("lr"))
                        + "): not comparable.");
    }

    /**
     * What PyTorch reached with the same model on the same data for as long, if that was measured; otherwise which
     * measurements exist and why they don't compare with this run (other data, other epochs, another head).
     */
    static String mnistReference(String example, JsonNode m) {
        // PyTorch 1.13 on the embedded digits, 2 epochs, seeds 1-5, the tutorial's settings (apps/pytorch/quick_reference.py);
        // NetDSL's own spread over seeds 1-5 measured here with ./netdsl EXAMPLE --epochs 2 --offline --seed N.
        String quick = switch (example) {
            case "mnist" -> "40.1% to 52.2% (NetDSL over the same seeds: 35.2% to 62.8%)";
            case "mnist-raw" -> "51.3% to 78.2% (NetDSL over the same seeds: 59.4% to 80.7%)";
            default -> "97.0% to 97.6%";
        };
        String code = example.equals("cnn") ? "the same net" : "the tutorial's code";
        // PyTorch 1.13 on Fashion-MNIST, 10 epochs (the README's measurements).
        String fashion = switch (example) {
            case "cnn" -> "90.8%";
            case "mnist" -> "80.2% with the tutorial's ReLU on the logits, 83.9% without it";
            default -> "83.9% for the nn.Sequential version without the final ReLU (the hand-written one was not run in PyTorch)";
        };
        String measured = "PyTorch running " + code + " here: " + quick + " on the embedded 8,000/2,000 digits after 2 epochs"
                + " (seeds 1 to 5); " + fashion + " on Fashion-MNIST after 10 epochs";
        if (m == null) {
            return measured + ".";
        }
        int epochs = m.path("epochs").size();
        boolean embedded = m.path("data").path("source").asText().startsWith("the embedded");
        boolean fashionSet = m.path("data").path("set").asText().equals("fashion-mnist");
        boolean defaults = example.equals("cnn") ? m.path("lr").asDouble() == 1e-3 && m.path("batch_size").asInt() == 128
                : m.path("lr").asDouble() == 0.01 && m.path("batch_size").asInt() == 200;
        boolean finalRelu = m.path("final_relu").asBoolean(true);
        String run = MetricsTables.format("test_accuracy", m.path("test_accuracy"));
        if (defaults && embedded && epochs == 2 && (finalRelu || example.equals("cnn"))) {
            return "Like for like: PyTorch running " + code + " on the same 8,000/2,000 embedded digits for 2 epochs reaches "
                    + quick + " over seeds 1 to 5; this run (seed " + m.path("seed").asText() + "): " + run + "."
                    + (example.equals("cnn") ? "" : " After 2 epochs with a ReLU on the logits the seed decides more than the"
                    + " library does.") + " (apps/pytorch/quick_reference.py)";
        }
        if (defaults && fashionSet && epochs == 10) {
            return "Like for like: PyTorch running " + code + " on Fashion-MNIST for 10 epochs: " + fashion + "; this run: " + run
                    + (example.equals("cnn") ? "" : finalRelu ? " (with the final ReLU)." : " (without the final ReLU).");
        }
        return "No PyTorch number for this run's data (" + m.path("data").path("set").asText() + (embedded ? ", the embedded sample"
                : "") + "), length (" + Checks.count(epochs, "epoch") + ") and settings; this run: " + run + ". Measured: "
                + measured + ". Accuracy depends on the data and on how long and how the net trains, so those numbers are not"
                + " comparable with this run's.";
    }

    /**
     * Why a classifier with the MNIST tutorial's ReLU on its logits leaves whole columns of its confusion matrix empty,
     * for a run that kept it; null otherwise.
     */
    static String finalReluNote(JsonNode m) {
        if (m == null || !m.path("final_relu").asBoolean(false)) {
            return null;
        }
        List<String> never = new ArrayList<>();
        m.path("never_predicted").forEach(c -> never.add(c.asText()));
        String empty = never.isEmpty() ? "Every class was predicted at least once in this run."
                : "Here no test image was predicted as " + String.join(", ", never) + ": "
                + (never.size() == 1 ? "that column" : "those columns") + " of the confusion matrix " + (never.size() == 1 ? "is" : "are")
                + " empty.";
        return "The tutorial's net ends with a ReLU on its logits: a logit below zero becomes 0, and no gradient flows back"
                + " through it. A class whose logit falls below zero for every image therefore stops learning and never wins the"
                + " arg-max (a tie at 0 goes to the first class): it is never predicted. " + empty
                + " --no-final-relu trains without that ReLU.";
    }

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
                .append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}\n")
                .append("section{border-top:1px solid #ccc;padding-top:1em;margin-top:2em}\n")
                .append("code,pre{background:#f4f4f4;padding:2px 4px;border-radius:3px}\n")
                .append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;"
                        + "vertical-align:top}\nth{background:#f0f0f0}td.num{font-variant-numeric:tabular-nums}table.grid td.num{text-align:right}\n")
                .append("caption{text-align:left;font-weight:bold;padding:.2em 0}\n")
                .append("table.inner{margin:0}table.inner td,table.inner th{border:none;background:none;padding:0 12px 0 0}\n")
                // Figures one below the other at their own size (all are at least 800 px wide), never wider than the page;
                // each links to the full-size file.
                .append("figure{margin:1em 0}figure img{display:block;max-width:100%;height:auto;border:1px solid #ddd}\n")
                .append("figcaption{color:#555;font-size:.9em}\n")
                .append(".fail{color:#b00;font-weight:bold}.ref{background:#fff8e0;padding:.5em;border-left:4px solid #e0b000}\n")
                .append(".note{background:#eef5fc;padding:.5em;border-left:4px solid #4a86c5}\n")
                .append("</style></head><body>\n<h1>NetDSL: every example</h1>\n<p>")
                .append(ran.size()).append(" examples in ").append(String.format(Locale.ROOT, "%.1f", total)).append(" s")
                .append(quick ? " with <code>--quick</code> (sine 5,000 steps, MNIST 2 epochs on the embedded 10,000-digit sample, the sequence examples on small settings)"
                        : " with the examples' defaults")
                .append(". Each section shows the command that reproduces it. Click a figure for its full size.</p>\n<ul>\n");
        for (Ran r : ran) {
            h.append("<li><a href=\"#").append(r.example().name()).append("\">").append(MetricsTables.esc(r.example().name()))
                    .append("</a>: ").append(MetricsTables.esc(r.example().title()))
                    .append(r.exitCode() != 0 ? " <span class=\"fail\">(failed)</span>" : "")
                    .append("</li>\n");
        }
        h.append("</ul>\n");
        for (Ran r : ran) {
            Example e = r.example();
            Path sub = dir.resolve(e.name());
            h.append("<section id=\"").append(e.name()).append("\">\n<h2>").append(MetricsTables.esc(e.name())).append(": ")
                    .append(MetricsTables.esc(e.title())).append("</h2>\n<p>Tutorial: ").append(e.tutorial())
                    .append(". Reproduce with <code>./netdsl ")
                    .append(MetricsTables.esc(String.join(" ", r.args()))).append("</code> (")
                    .append(String.format(Locale.ROOT, "%.1f", r.seconds())).append(" s here).</p>\n");
            if (r.exitCode() != 0) {
                h.append("<p class=\"fail\">Exit code ").append(r.exitCode()).append(": see the console output.</p>\n");
            }
            JsonNode metrics = readMetrics(sub);
            if (metrics != null) {
                h.append(numbers(metrics));
            }
            String reference = e.reference().apply(metrics);
            if (reference != null) {
                h.append("<p class=\"ref\">Reference: ").append(MetricsTables.esc(reference)).append("</p>\n");
            }
            String note = finalReluNote(metrics);
            if (note != null) {
                h.append("<p class=\"note\">").append(MetricsTables.esc(note)).append("</p>\n");
            }
            List<String> overviews = new ArrayList<>();
            for (Path png : pngs(sub)) {
                String rel = dir.relativize(png).toString().replace('\\', '/');
                int width = pngWidth(png);
                if (width > OVERVIEW) {
                    // A row of figures side by side: at the page's width its text would be too small to read.
                    overviews.add("<a href=\"" + MetricsTables.esc(rel) + "\">" + MetricsTables.esc(png.getFileName().toString())
                            + "</a> (" + width + " px wide)");
                    continue;
                }
                h.append("<figure><a href=\"").append(MetricsTables.esc(rel)).append("\"><img src=\"").append(MetricsTables.esc(rel))
                        .append("\" alt=\"")
                        .append(MetricsTables.esc(rel)).append("\" width=\"").append(width).append("\"></a><figcaption>")
                        .append(MetricsTables.esc(png.getFileName().toString())).append("</figcaption></figure>\n");
            }
            if (!overviews.isEmpty()) {
                h.append("<p>Also, the figures above side by side: ").append(String.join(", ", overviews)).append(".</p>\n");
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
    static int pngWidth(Path png) {
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

    /**
     * Figures wider than this are linked, not shown: rows of several charts (planar's boundaries.png), whose text the
     * page's width (about 1,070 px) would shrink below legibility; each of them is shown on its own too.
     */
    static final int OVERVIEW = 1800;

    /** metrics.json as HTML tables ({@link MetricsTables#numbers}). */
    static String numbers(JsonNode m) {
        return MetricsTables.numbers(m);
    }
}
