package dev.netdsl.apps;

import dev.netdsl.Device;
import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Parameter;
import dev.netdsl.layers.Linear;
import dev.netdsl.models.Regression;
import dev.netdsl.training.SGD;
import dev.netdsl.training.Optimizers;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The polynomial-regression tutorial: {@code y = 0.9 + 0.5x + 3x^2 + 2.4x^3} learned by a
 * {@code Linear(3, 1)} on features [x, x^2, x^3], SGD 1e-3, a fresh batch of 32 x ~ N(0, 1) per
 * step, until the batch loss is below a threshold. The tutorial stops at 1e-3; that first batch of 32
 * under 1e-3 pins the x coefficient only to about 0.07 (x and x^3 are correlated: random seeds 1-7 gave
 * 0.45-0.57 for 0.5), so the default threshold is 1e-4, which gave every coefficient within 0.022 of
 * the target on the same seeds. {@code threshold} 1e-3 is the tutorial's rule exactly.
 */
public final class PolyExample {
    /** The target's weights for x, x^2, x^3, and its bias. */
    static final double[] W_TARGET = {0.5, 3, 2.4};
    static final double B_TARGET = 0.9;

    /** What to run. */
    public record Options(int maxSteps, int batchSize, double lr, double threshold, long seed, Path out, boolean quiet,
                          Device device) {
        public Options {
            Checks.atLeast("--steps", maxSteps, 1);
            Checks.atLeast("--batch-size", batchSize, 1);
            if (!(threshold > 0)) {
                throw new IllegalArgumentException("--threshold " + threshold + " must be positive, e.g. 1e-3");
            }
            Optimizers.sgd(lr);
        }

        /** The tutorial's settings (batch 32, SGD 1e-3) with threshold 1e-4 and a 200,000-step guard. */
        public static Options defaults() {
            return new Options(200_000, 32, 1e-3, 1e-4, 1, Path.of("out"), false, Device.AUTO);
        }

        /** A copy writing under {@code dir}. */
        public Options withOut(Path dir) {
            return new Options(maxSteps, batchSize, lr, threshold, seed, dir, quiet, device);
        }
    }

    /** What a run learned. */
    public record Result(double[] weights, double bias, int steps, float finalLoss, boolean converged, Path dir) {
    }

    private PolyExample() {
    }

    /** The tutorial's {@code get_batch}: x ~ N(0, 1), features [x, x^2, x^3], y = f(x). */
    static Dataset batch(Random random, int size) {
        float[][] x = new float[size][3];
        float[][] y = new float[size][1];
        for (int i = 0; i < size; i++) {
            double v = random.nextGaussian();
            x[i] = new float[] {(float) v, (float) (v * v), (float) (v * v * v)};
            y[i][0] = (float) target(v);
        }
        return Dataset.of(x, y);
    }

    static double target(double x) {
        return B_TARGET + W_TARGET[0] * x + W_TARGET[1] * x * x + W_TARGET[2] * x * x * x;
    }

    /** Trains until the batch loss is below the threshold or the guard trips; prints like the tutorial's source. */
    public static Result run(Options o, PrintStream console) {
        return run(o, console, Trained.NONE);
    }

    /** {@link #run(Options, PrintStream)}, handing the trained model ("poly") to {@code trained}. */
    public static Result run(Options o, PrintStream console, Trained trained) {
        Random random = new Random(o.seed());
        Path dir = Outputs.directory(o.out().resolve("poly"));
        try (Model model = Regression.poly().mse().sgd(o.lr()).seed(o.seed()).build(o.device())) {
            long t0 = System.nanoTime();
            int steps = 0;
            float loss = Float.NaN;
            Dataset last = null;
            // It runs until a batch's loss is below the threshold: the bar counts batches, with no end known.
            try (Bar bar = Bar.open("poly", -1, !o.quiet())) {
                while (steps < o.maxSteps()) {
                    last = batch(random, o.batchSize());
                    loss = model.step(last);
                    steps++;
                    if (loss < o.threshold()) {
                        break;
                    }
                    if (steps % 100 == 0) {
                        bar.update(steps, String.format(Locale.ROOT, "batch loss %.2e, stops below %s", loss, o.threshold()));
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean converged = loss < o.threshold();
            List<Parameter> p = model.parameters();
            float[] w = p.get(0).values();
            double[] weights = {w[0], w[1], w[2]};
            double bias = p.get(1).values()[0];
            console.printf(Locale.ROOT, "Loss: %.6f after %s (%.2f s)%n", loss, Checks.count(steps, "batch", "batches"), seconds);
            if (!converged) {
                console.printf(Locale.ROOT, "did not reach loss < %s within --steps %d; the numbers below are where it"
                        + " stopped%n", o.threshold(), o.maxSteps());
            }
            console.println("==> Learned function:\t" + describe(weights, bias));
            console.println("==> Actual function:\t" + describe(W_TARGET, B_TARGET));
            Outputs.png(dir.resolve("fit.png"), chart(last, weights, bias, steps, loss));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", "poly");
            m.put("weights", weights);
            m.put("bias", bias);
            m.put("target_weights", W_TARGET);
            m.put("target_bias", B_TARGET);
            m.put("steps", steps);
            m.put("final_loss", loss);
            m.put("converged", converged);
            m.put("threshold", o.threshold());
            m.put("seconds", seconds);
            Outputs.json(dir.resolve("metrics.json"), m);
            trained.model("poly", model);
            return new Result(weights, bias, steps, loss, converged, dir);
        }
    }

    /** {@code y = 0.90 + 0.50*x^1 + 3.00*x^2 + 2.40*x^3}, as the tutorial's printout. */
    static String describe(double[] w, double b) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "y = %.2f", b));
        for (int i = 0; i < w.length; i++) {
            s.append(String.format(Locale.ROOT, " %s %.2f*x^%d", w[i] < 0 ? "-" : "+", Math.abs(w[i]), i + 1));
        }
        return s.toString();
    }

    private static XYChart chart(Dataset batch, double[] w, double b, int steps, float loss) {
        float[][] x = batch.x();
        float[][] y = batch.y();
        XYChart chart = new XYChartBuilder().width(820).height(560)
                .title(String.format(Locale.ROOT, "Polynomial regression: target vs. learned cubic after %,d batches of %d",
                        steps, x.length))
                .xAxisTitle("x").yAxisTitle("y").build();
        chart.getStyler().setMarkerSize(7);
        // The curves span [-2, 2] and every point of the last batch.
        double from = Math.min(-2, java.util.Arrays.stream(x).mapToDouble(r -> r[0]).min().orElse(-2));
        double to = Math.max(2, java.util.Arrays.stream(x).mapToDouble(r -> r[0]).max().orElse(2));
        int n = 161;
        double[] xs = new double[n];
        double[] truth = new double[n];
        double[] learned = new double[n];
        for (int i = 0; i < n; i++) {
            double v = from + (to - from) * i / (n - 1);
            xs[i] = v;
            truth[i] = target(v);
            learned[i] = b + w[0] * v + w[1] * v * v + w[2] * v * v * v;
        }
        XYSeries t = chart.addSeries("actual: " + describe(W_TARGET, B_TARGET), xs, truth);
        t.setMarker(SeriesMarkers.NONE);
        t.setLineColor(new Color(31, 119, 180));
        t.setLineStyle(new BasicStroke(5f));
        XYSeries l = chart.addSeries(String.format(Locale.ROOT, "learned (last batch MSE %.1e): ", loss) + describe(w, b), xs,
                learned);
        l.setMarker(SeriesMarkers.NONE);
        l.setLineColor(Color.RED);
        l.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        XYSeries pts = chart.addSeries("last batch (" + x.length + " samples)", java.util.Arrays.stream(x).mapToDouble(r -> r[0]).toArray(),
                java.util.Arrays.stream(y).mapToDouble(r -> r[0]).toArray());
        pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pts.setMarker(SeriesMarkers.CIRCLE);
        pts.setMarkerColor(new Color(0, 0, 0, 160));
        // The cubic rises steeply to the right and its left arm stays low: the upper left corner is empty.
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        return chart;
    }
}
