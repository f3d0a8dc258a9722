package dev.netdsl.apps;

import dev.netdsl.Device;
import dev.netdsl.Expr;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.autograd.Var;
import dev.netdsl.models.Himmelblau;
import dev.netdsl.training.Adam;
import dev.netdsl.training.Optimizers;
import java.awt.Color;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        public Options {
            Checks.atLeast("--steps", steps, 1);
            if (starts.isEmpty()) {
                throw new IllegalArgumentException("give at least one --start x,y");
            }
            Optimizers.adam(lr);
        }

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
        Path dir = Outputs.directory(o.out().resolve("himmelblau"));
        List<Run> runs = new ArrayList<>();
        for (float[] start : o.starts()) {
            Outputs.unlessQuiet(console, o.quiet()).printf("start %s, Adam(lr=%s), %s%n", Arrays.toString(start), o.lr(),
                    Checks.count(o.steps(), "step"));
            runs.add(optimise(start, o, console));
        }
        Outputs.write(dir.resolve("surface.png"), surface());
        Outputs.write(dir.resolve("paths.png"), paths(runs, o.steps(), o.lr()));
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
            PrintStream chat = Outputs.unlessQuiet(console, o.quiet());
            try (Bar bar = Bar.open("start " + Arrays.toString(start), o.steps(), !o.quiet())) {
                while (done < o.steps()) {
                    // Step 0 alone, then blocks of PATH_EVERY: every multiple of 2000 ends a block, as the tutorial prints.
                    int k = done == 0 ? 1 : Math.min(PATH_EVERY, o.steps() - done);
                    float loss = opt.steps(k);
                    int last = done + k - 1;
                    done += k;
                    float[] now = xy.value();
                    path.add(now);
                    if (last % PRINT_EVERY == 0) {
                        chat.printf(Locale.ROOT, "step %d: x_y = [%s, %s], f(x) = %s%n", last, now[0], now[1], loss);
                    }
                    bar.update(done, "f(x) " + loss);
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

    /** The colour bands of f: 0, 0.5, 1, 2, 5, ..., 2000 and above (f reaches 2186 on [-6, 6]^2). */
    static final ColorScale LEVELS = ColorScale.logarithmic(0.5, 2000);
    private static final String FORMULA = "f(x, y) = (x\u00b2 + y \u2212 11)\u00b2 + (x + y\u00b2 \u2212 7)\u00b2";
    private static final Color[] PATH_COLORS = {new Color(228, 26, 28), new Color(255, 127, 0), new Color(247, 129, 191),
        new Color(23, 190, 207), new Color(166, 86, 40), new Color(152, 78, 163)};

    /**
     * The landscape as the tutorial shows it: f over [-6, 6]^2 as a 3D surface, its four minima marked; seen from
     * elevation 50 degrees, azimuth -120 (the tutorial's view_init(60, -30) puts a 1,586-high corner in front of a
     * minimum), with the lowest corner nearest and all four minima in sight.
     */
    static byte[] surface() {
        return new SurfacePlot(Himmelblau::value, LEVELS).range(-6, 6, -6, 6).view(50, -120).axes("x", "y", "f(x, y)")
                .titles("Himmelblau's function over [-6, 6] \u00d7 [-6, 6]", FORMULA + "; red dots: the four minima, f = 0")
                .marks(Arrays.stream(Himmelblau.MINIMA).map(m -> new double[] {m[0], m[1]}).toList()).png(880, 760);
    }

    /** The map with each start's Adam path, from its start (dot) to its end (diamond). */
    static byte[] paths(List<Run> runs, int steps, double lr) {
        ContourPlot plot = map(runs).titles(String.format(Locale.ROOT, "Adam on Himmelblau's function: %d paths of %,d steps (lr %s)",
                runs.size(), steps, lr), FORMULA + ", colour bands on a log scale");
        for (int r = 0; r < runs.size(); r++) {
            Run run = runs.get(r);
            List<double[]> points = run.path().stream().map(p -> new double[] {p[0], p[1]}).toList();
            plot.track(new ContourPlot.Track(points, PATH_COLORS[r % PATH_COLORS.length], String.format(Locale.ROOT,
                    "start (%s, %s) \u2192 end (%.3f, %.3f), f = %s", fmt(run.start()[0]), fmt(run.start()[1]), run.end()[0],
                    run.end()[1], run.f() == 0 ? "0" : String.format(Locale.ROOT, "%.1e", run.f()))));
        }
        return plot.png(640);
    }

    /** The map: [-6, 6]^2, widened to even numbers half a unit past any path that leaves it (within [-50, 50]). */
    private static ContourPlot map(List<Run> runs) {
        double lo = -6;
        double hi = 6;
        for (Run r : runs) {
            for (float[] p : r.path()) {
                if (!(Math.abs(p[0]) <= 50 && Math.abs(p[1]) <= 50)) {
                    continue; // far out or diverged: drawn clipped at the edge
                }
                lo = Math.min(lo, 2 * Math.floor((Math.min(p[0], p[1]) - 0.5) / 2));
                hi = Math.max(hi, 2 * Math.ceil((Math.max(p[0], p[1]) + 0.5) / 2));
            }
        }
        return new ContourPlot(Himmelblau::value, LEVELS).range(lo, hi, lo, hi).axes("x", "y", "f(x, y)")
                .marks(Arrays.stream(Himmelblau.MINIMA).map(m -> new double[] {m[0], m[1]}).toList(), "the four minima, f = 0");
    }

    private static String fmt(float v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : Float.toString(v);
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
