package dev.netdsl.apps;

import dev.netdsl.Device;
import dev.netdsl.Expr;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.autograd.Var;
import dev.netdsl.models.Himmelblau;
import dev.netdsl.training.Adam;
import dev.netdsl.training.Optimizers;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The gradient-descent tutorial's Himmelblau optimisation: {@code f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2}
 * minimised over a raw variable {@code x_y} with Adam(lr 1e-3) for 20,000 steps from each start.
 * Training runs as fused blocks of steps ({@link Minimizer#steps(int)}).
 */
public final class HimmelblauExample {
    /** The tutorial's starts: [0, 0] and the three it lists as alternatives. */
    public static final List<float[]> TUTORIAL_STARTS = List.of(new float[] {0, 0}, new float[] {1, 0}, new float[] {-4, 0},
            new float[] {4, 0});

    private static final int PATH_EVERY = 100;
    private static final int PRINT_EVERY = 2000;

    /** What to run; the defaults are the tutorial's. */
    public record Options(List<float[]> starts, int steps, double lr, Path out, boolean quiet, Device device) {
        /** Four starts, 20,000 steps, lr 1e-3, out/. */
        public static Options defaults() {
            return new Options(TUTORIAL_STARTS, 20_000, 1e-3, Path.of("out"), false, Device.AUTO);
        }

        /** A copy writing under {@code dir}. */
        public Options withOut(Path dir) {
            return new Options(starts, steps, lr, dir, quiet, device);
        }
    }

    /** One start's result. */
    public record Run(float[] start, float[] end, float f, float[] nearestMinimum, double distance, double seconds,
                      List<float[]> path) {
    }

    private HimmelblauExample() {
    }

    /** Optimises from every start, prints the tutorial's lines and writes the plots and metrics. */
    public static List<Run> run(Options o, PrintStream console) {
        if (o.steps() < 1) {
            throw new IllegalArgumentException("--steps " + o.steps() + " must be at least 1");
        }
        if (o.starts().isEmpty()) {
            throw new IllegalArgumentException("give at least one --start x,y");
        }
        Path dir = Outputs.directory(o.out().resolve("himmelblau"));
        List<Run> runs = new ArrayList<>();
        for (float[] start : o.starts()) {
            Outputs.unlessQuiet(console, o.quiet()).printf("start %s, Adam(lr=%s), %d steps%n", Arrays.toString(start), o.lr(),
                    o.steps());
            runs.add(optimise(start, o, console));
        }
        Outputs.png(dir.resolve("surface.png"), landscape("Himmelblau f(x, y) on [-6, 6] x [-6, 6]", 1f));
        XYChart paths = landscape("Adam paths to Himmelblau's minima (" + o.steps() + " steps, lr " + o.lr() + ")", 0.45f);
        addPaths(paths, runs);
        Outputs.png(dir.resolve("paths.png"), paths);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", r.start());
            m.put("end", r.end());
            m.put("f", r.f());
            m.put("nearest_minimum", r.nearestMinimum());
            m.put("distance_to_minimum", r.distance());
            m.put("steps", o.steps());
            m.put("seconds", r.seconds());
            rows.add(m);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("example", "himmelblau");
        metrics.put("optimizer", "Adam(lr=" + o.lr() + ")");
        metrics.put("steps", o.steps());
        metrics.put("runs", rows);
        metrics.put("minima", Himmelblau.MINIMA);
        Outputs.json(dir.resolve("metrics.json"), metrics);
        console.println("wrote " + dir);
        return runs;
    }

    private static Run optimise(float[] start, Options o, PrintStream console) {
        try (Autograd ag = Autograd.open(0, o.device())) {
            Var xy = ag.variable("x_y", start.clone());
            Expr f = Himmelblau.of(xy);
            Minimizer opt = ag.minimize(f, Optimizers.adam(o.lr()));
            List<float[]> path = new ArrayList<>();
            path.add(start.clone());
            long t0 = System.nanoTime();
            int done = 0;
            while (done < o.steps()) {
                // Step 0 alone, then blocks of PATH_EVERY: every multiple of 2000 ends a block, as the tutorial prints.
                int k = done == 0 ? 1 : Math.min(PATH_EVERY, o.steps() - done);
                float loss = opt.steps(k);
                int last = done + k - 1;
                done += k;
                float[] now = xy.value();
                path.add(now);
                if (last % PRINT_EVERY == 0 && !o.quiet()) {
                    console.printf(Locale.ROOT, "step %d: x_y = [%s, %s], f(x) = %s%n", last, now[0], now[1], loss);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            float[] end = xy.value();
            float value = ag.eval(f)[0];
            float[] nearest = Himmelblau.nearestMinimum(end);
            double distance = Math.hypot(end[0] - nearest[0], end[1] - nearest[1]);
            console.printf(Locale.ROOT, "%send: x_y = [%s, %s], f = %s, nearest minimum %s at distance %.2e, %.3f s%n",
                    o.quiet() ? "start " + Arrays.toString(start) + " -> " : "", end[0], end[1], value, Arrays.toString(nearest),
                    distance, seconds);
            return new Run(start.clone(), end, value, nearest, distance, seconds, path);
        }
    }

    /** Level edges of f for the filled map: dense near the minima, sparse on the walls. */
    private static final double[] LEVELS = {0, 2, 5, 10, 20, 40, 70, 110, 170, 250, 400, 700, 1200, Double.MAX_VALUE};

    /**
     * A filled contour map of f over [-6, 6]^2: one square-marker series per level band (so the
     * legend doubles as the colour key); {@code alpha} fades it under paths.
     */
    static XYChart landscape(String title, float alpha) {
        XYChart chart = new XYChartBuilder().width(820).height(760).title(title).xAxisTitle("x").yAxisTitle("y").build();
        XYStyler style = chart.getStyler();
        style.setLegendPosition(Styler.LegendPosition.OutsideE);
        style.setMarkerSize(8);
        style.setXAxisMin(-6.0).setXAxisMax(6.0).setYAxisMin(-6.0).setYAxisMax(6.0);
        style.setPlotGridLinesVisible(false);
        style.setXAxisDecimalPattern("0").setYAxisDecimalPattern("0");
        int n = 121;
        List<List<double[]>> bands = new ArrayList<>();
        for (int i = 0; i + 1 < LEVELS.length; i++) {
            bands.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = -6 + 12.0 * i / (n - 1);
                double y = -6 + 12.0 * j / (n - 1);
                double v = Himmelblau.value(x, y);
                int band = 0;
                while (v >= LEVELS[band + 1]) {
                    band++;
                }
                bands.get(band).add(new double[] {x, y});
            }
        }
        for (int b = 0; b < bands.size(); b++) {
            List<double[]> pts = bands.get(b);
            if (pts.isEmpty()) {
                continue;
            }
            String name = b + 2 == LEVELS.length ? String.format("f >= %.0f", LEVELS[b]) : String.format("%.0f <= f < %.0f", LEVELS[b], LEVELS[b + 1]);
            XYSeries s = chart.addSeries(name, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.SQUARE);
            s.setMarkerColor(withAlpha(viridis(b / (double) (bands.size() - 1)), alpha));
        }
        return chart;
    }

    private static void addPaths(XYChart chart, List<Run> runs) {
        Color[] colors = {new Color(230, 25, 75), new Color(245, 130, 48), Color.BLACK, new Color(240, 50, 230),
            new Color(0, 130, 200), new Color(60, 180, 75)};
        for (int r = 0; r < runs.size(); r++) {
            Run run = runs.get(r);
            XYSeries s = chart.addSeries(String.format("path from (%s, %s)", fmt(run.start()[0]), fmt(run.start()[1])),
                    run.path().stream().mapToDouble(p -> p[0]).toArray(), run.path().stream().mapToDouble(p -> p[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(colors[r % colors.length]);
            s.setLineStyle(new BasicStroke(3f));
            XYSeries start = chart.addSeries("start " + (r + 1), new double[] {run.start()[0]}, new double[] {run.start()[1]});
            start.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            start.setMarker(SeriesMarkers.CIRCLE);
            start.setMarkerColor(colors[r % colors.length]);
            start.setShowInLegend(false);
        }
        XYSeries minima = chart.addSeries("known minima (f = 0)", Arrays.stream(Himmelblau.MINIMA).mapToDouble(m -> m[0]).toArray(),
                Arrays.stream(Himmelblau.MINIMA).mapToDouble(m -> m[1]).toArray());
        minima.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        minima.setMarker(SeriesMarkers.DIAMOND);
        minima.setMarkerColor(Color.RED);
    }

    private static String fmt(float v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : Float.toString(v);
    }

    private static Color withAlpha(Color c, float alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.round(alpha * 255));
    }

    /** Approximate viridis colour map, t in [0, 1]. */
    private static Color viridis(double t) {
        double[][] stops = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
        double pos = Math.max(0, Math.min(1, t)) * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) pos);
        double f = pos - i;
        return new Color((int) (stops[i][0] + f * (stops[i + 1][0] - stops[i][0])), (int) (stops[i][1] + f * (stops[i + 1][1] - stops[i][1])),
                (int) (stops[i][2] + f * (stops[i + 1][2] - stops[i][2])));
    }

    /** Parses {@code "x,y"}. */
    static float[] parseStart(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--start " + text + ": write a start as x,y, e.g. --start -4,0");
        }
        try {
            float[] p = {Float.parseFloat(parts[0].trim()), Float.parseFloat(parts[1].trim())};
            if (!Float.isFinite(p[0]) || !Float.isFinite(p[1])) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--start " + text + ": x and y must be finite numbers, e.g. --start -4,0");
        }
    }
}
