package dev.netdsl.apps;

import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.datasets.SineWave;
import dev.netdsl.models.Mlp;
import dev.netdsl.training.Loss;
import dev.netdsl.training.SGD;
import dev.netdsl.training.Optimizers;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sine-fitting tutorial's fit: an MLP of configurable depth, {@code y = sin(x)} on 1000 points in
 * [-10, 10], MSE, full-batch SGD. Prints {@code i loss} lines, then the parameter shapes; writes
 * {@code fit.png}, {@code loss.png} and {@code metrics.json} into {@code out/sine/}.
 */
public final class Sine {
    /** What to run; the defaults are the tutorial's. */
    public record Options(int[] cfg, int steps, double lr, long seed, Path out, boolean quiet, Device device, int frames,
                          int printEvery) {
        public Options {
            Checks.atLeast("--steps", steps, 1);
            if (frames < 0) {
                throw new IllegalArgumentException("--frames " + frames + " must be 0 (off) or a positive step interval");
            }
            Checks.atLeast("print interval", printEvery, 1);
            Optimizers.sgd(lr);
        }

        /** The tutorial's settings: cfg 1,20,50,20,1, 10,000 steps, lr 0.05. */
        public static Options defaults() {
            return new Options(new int[] {1, 20, 50, 20, 1}, 10_000, 0.05, 1, Path.of("out"), false, Device.AUTO, 0, 100);
        }
    }

    /** What a run produced. */
    public record Result(float finalLoss, int steps, double seconds, Path dir) {
    }

    private Sine() {
    }

    /** Trains, prints and writes the example's files. */
    public static Result run(Options o, PrintStream console) {
        return run(o, console, Trained.NONE);
    }

    /** {@link #run(Options, PrintStream)}, handing the trained model ("sine") to {@code trained}. */
    public static Result run(Options o, PrintStream console, Trained trained) {
        Net spec = Mlp.sineRegressor(o.cfg(), o.lr()).seed(o.seed());
        Dataset data = SineWave.of(1000, -10, 10);
        Path dir = Outputs.directory(o.out().resolve("sine"));
        int hidden = o.cfg().length - 2;
        boolean bar = !o.quiet() && System.console() != null;
        PrintStream chat = Outputs.unlessQuiet(console, o.quiet());
        chat.println(spec + " on " + data.size() + " points, " + Checks.count(o.steps(), "step"));
        try (Model net = spec.build(o.device()).progress(bar)) {
            float[][] x = data.x();
            float[][] y = data.y();
            Path frames = o.frames() > 0 ? Outputs.directory(dir.resolve("frames")) : null;
            History h = net.fit(data, o.steps(), (i, loss) -> {
                if (!bar && (i % o.printEvery() == 0 || i == o.steps() - 1)) {
                    chat.println(i + " " + loss);
                }
                if (frames != null && (i % o.frames() == 0 || i == o.steps() - 1)) {
                    Outputs.png(frames.resolve(String.format("frame-%06d.png", i)),
                            fitChart(x, y, net.predict(x), i, loss, hidden));
                }
            });
            float last = h.finalLoss();
            if (bar) {
                chat.println((o.steps() - 1) + " " + last);
            }
            List<Parameter> params = net.parameters();
            chat.println("The network has " + params.size() / 2 + " layers of parameters");
            for (int i = 0; i + 1 < params.size(); i += 2) {
                chat.printf(" parameter %d: weight shape=%s, bias shape=%s%n", i / 2 + 1,
                        params.get(i).numpyShape(), params.get(i + 1).numpyShape());
            }
            Outputs.png(dir.resolve("fit.png"), fitChart(x, y, net.predict(x), o.steps() - 1, last, hidden));
            Outputs.png(dir.resolve("loss.png"), lossChart(h.losses(), hidden));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", "sine");
            m.put("cfg", o.cfg());
            m.put("hidden_layers", hidden);
            m.put("steps", h.steps());
            m.put("lr", o.lr());
            m.put("seed", o.seed());
            m.put("final_loss", last);
            m.put("seconds", h.seconds());
            m.put("steps_per_second", h.stepsPerSecond());
            m.put("parameters", spec.parameterCount());
            m.put("tutorial_reference", Outputs.record("cfg", List.of(1, 20, 50, 20, 1), "step", 4999, "loss", 0.01936902292072773));
            if (h.losses().length > 4999) {
                // The step the tutorial's printed loss is from, for a like-for-like comparison.
                m.put("loss_at_step_4999", h.losses()[4999]);
            }
            m.put("loss_every_100", every(h.losses(), 100));
            Outputs.json(dir.resolve("metrics.json"), m);
            console.printf("final_loss %.6f after %s in %.2f s (%.0f steps/s); wrote %s%n", last, Checks.count(h.steps(), "step"),
                    h.seconds(), h.stepsPerSecond(), dir);
            trained.model("sine", net);
            return new Result(last, h.steps(), h.seconds(), dir);
        }
    }

    private static float[] every(float[] losses, int k) {
        float[] out = new float[(losses.length + k - 1) / k];
        for (int i = 0; i < out.length; i++) {
            out[i] = losses[i * k];
        }
        return out;
    }

    /**
     * The tutorial's figure: data as dots, the fit as a thick red line; the step and loss (the tutorial's red
     * {@code iter=... Loss=...}) in the title, the legend below the plot.
     */
    static XYChart fitChart(float[][] x, float[][] y, float[][] yHat, int iter, float loss, int hidden) {
        XYChart chart = new XYChartBuilder().width(800).height(600)
                .title(String.format(java.util.Locale.ROOT, "MLP fit of y = sin(x), %d hidden layers: step %,d, MSE loss %.4f", hidden, iter, loss))
                .xAxisTitle("x").yAxisTitle("y = sin(x)").build();
        XYStyler style = chart.getStyler();
        style.setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        style.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        style.setMarkerSize(5);
        style.setYAxisDecimalPattern("0.0");
        XYSeries points = chart.addSeries("data: sin(x) at " + x.length + " points", column(x), column(y));
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        points.setMarker(SeriesMarkers.CIRCLE);
        points.setMarkerColor(new Color(31, 119, 180));
        XYSeries fit = chart.addSeries("the net's prediction", column(x), column(yHat));
        fit.setMarker(SeriesMarkers.NONE);
        fit.setLineColor(Color.RED);
        fit.setLineStyle(new BasicStroke(4f));
        return chart;
    }

    /**
     * Loss per step: on a log axis from decade to decade when the losses span more than a decade (the axis
     * then shows only powers of ten, so it is widened to whole decades), else on a linear axis.
     */
    static XYChart lossChart(float[] losses, int hidden) {
        double[] steps = new double[losses.length];
        double[] values = new double[losses.length];
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int i = 0; i < losses.length; i++) {
            steps[i] = i;
            values[i] = Float.isFinite(losses[i]) && losses[i] > 0 ? losses[i] : Double.NaN;
            if (!Double.isNaN(values[i])) {
                lo = Math.min(lo, values[i]);
                hi = Math.max(hi, values[i]);
            }
        }
        boolean log = hi > 10 * lo;
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Training loss per step (" + hidden + " hidden layers, full-batch SGD on 1000 points)")
                .xAxisTitle("step").yAxisTitle(log ? "loss (MSE, log scale)" : "loss (MSE)").build();
        XYStyler style = chart.getStyler();
        style.setLegendVisible(false);
        style.setXAxisDecimalPattern("#,##0");
        if (log) {
            int first = (int) Math.floor(Math.log10(lo));
            int last = (int) Math.ceil(Math.log10(hi));
            style.setYAxisLogarithmic(true);
            style.setYAxisMin(Math.pow(10, first)).setYAxisMax(Math.pow(10, last));
            style.setYAxisDecimalPattern(first >= -4 ? "0." + "#".repeat(Math.max(1, -first)) : "0E0");
        }
        XYSeries s = chart.addSeries("loss", steps, values);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(new Color(31, 119, 180));
        return chart;
    }

    private static double[] column(float[][] m) {
        return Arrays.stream(m).mapToDouble(r -> r[0]).toArray();
    }

    /** Parses {@code "1,20,50,20,1"}. */
    static int[] parseCfg(String text) {
        List<Integer> sizes = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                sizes.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--cfg " + text + ": '" + part + "' is not a whole number; write sizes like 1,20,50,20,1");
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }
}
