package dev.netdsl.apps;

import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.Evaluation;
import dev.netdsl.Expr;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Feeds;
import dev.netdsl.autograd.Input;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.autograd.Var;
import dev.netdsl.datasets.PlanarFlower;
import dev.netdsl.layers.Initializers;
import dev.netdsl.layers.Module;
import dev.netdsl.models.Planar;
import dev.netdsl.training.BCEWithLogitsLoss;
import dev.netdsl.training.Optimizers;
import dev.netdsl.training.SGD;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The Sequential-and-Module tutorial on the planar flower data: logistic regression and a two-layer net with raw weights
 * through {@link Autograd}, then the same two-layer net as a Sequential and as a Module, and the
 * deeper 2-10-10-10-1 net, all with {@code BCEWithLogitsLoss} and full-batch SGD.
 */
public final class PlanarExample {
    /** The five models, in the tutorial's order. */
    public static final List<String> NAMES = List.of("logistic", "two-layer", "sequential", "module", "deep");

    /** What one model ended with. */
    public record Outcome(String name, float finalLoss, double accuracy, double seconds) {
    }

    private PlanarExample() {
    }

    /** Runs the models named in {@code only} (all if empty) and writes the plots and metrics. */
    public static List<Outcome> run(List<String> only, long seed, Path out, PrintStream console) {
        return run(only, seed, 0, out, false, Device.AUTO, console, Trained.NONE);
    }

    /**
     * {@link #run(List, long, Path, PrintStream)} with every model trained for {@code epochs} epochs
     * instead of the tutorial's (0 keeps the tutorial's), handing each trained model to {@code trained}.
     */
    public static List<Outcome> run(List<String> only, long seed, int epochsOverride, Path out, PrintStream console,
                                    Trained trained) {
        return run(only, seed, epochsOverride, out, false, Device.AUTO, console, trained);
    }

    /**
     * {@link #run(List, long, int, Path, PrintStream, Trained)} on {@code device}; with {@code quiet}, only each
     * model's final line is printed.
     */
    public static List<Outcome> run(List<String> only, long seed, int epochsOverride, Path out, boolean quiet, Device device,
                                    PrintStream console, Trained trained) {
        PrintStream chat = Outputs.unlessQuiet(console, quiet);
        if (epochsOverride < 0) {
            throw new IllegalArgumentException("--epochs " + epochsOverride + " must be positive (or 0 for the tutorial's)");
        }
        for (String name : only) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("--only " + name + ": pick one of " + String.join(", ", NAMES));
            }
        }
        Dataset data = PlanarFlower.generate(400, 1);
        float[] xs = data.xRowMajor();
        float[][] ys = data.y();
        float[] y = new float[ys.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = ys[i][0];
        }
        Path dir = Outputs.directory(out.resolve("planar"));
        Grid grid = new Grid(data.x());
        List<Outcome> outcomes = new ArrayList<>();
        List<XYChart> charts = new ArrayList<>();
        for (String name : NAMES) {
            if (!only.isEmpty() && !only.contains(name)) {
                continue;
            }
            chat.println("== " + name);
            long t0 = System.nanoTime();
            float[] logits;
            float loss;
            double accuracy;
            switch (name) {
                case "logistic", "two-layer" -> {
                    try (Autograd ag = Autograd.open(seed, device)) {
                        Input x = ag.input("x", -1, 2);
                        Input t = ag.input("y", -1, 1);
                        Expr z;
                        int epochs;
                        double lr;
                        if (name.equals("logistic")) {
                            Var w = ag.variable("w", new long[] {2, 1}, Initializers.randn());
                            Var b = ag.variable("b", new long[] {1}, Initializers.zeros());
                            z = x.matmul(w).plus(b);
                            epochs = 100;
                            lr = 0.1;
                        } else {
                            Var w1 = ag.variable("w1", new long[] {2, 4}, Initializers.normal(0, 0.01));
                            Var b1 = ag.variable("b1", new long[] {4}, Initializers.zeros());
                            Var w2 = ag.variable("w2", new long[] {4, 1}, Initializers.normal(0, 0.01));
                            Var b2 = ag.variable("b2", new long[] {1}, Initializers.zeros());
                            z = x.matmul(w1).plus(b1).tanh().matmul(w2).plus(b2);
                            epochs = 10_000;
                            lr = 1.0;
                        }
                        epochs = epochsOverride > 0 ? epochsOverride : epochs;
                        Minimizer opt = ag.minimize(z.bceWithLogits(t).mean(), Optimizers.sgd(lr));
                        Feeds feeds = Feeds.of(x, xs, 400, 2).and(t, y, 400, 1);
                        int every = epochs == 100 ? 20 : 1000;
                        loss = Float.NaN;
                        try (Bar bar = Bar.open(name, epochs, !quiet)) {
                            for (int e = 0; e < epochs; e += every) {
                                // One fused call per printed line: its result is the loss of epoch e + every.
                                loss = opt.steps(Math.min(every, epochs - e), feeds);
                                chat.printf("epoch: %d, loss: %s%n", Math.min(e + every, epochs), loss);
                                bar.update(Math.min(e + every, epochs), "loss " + loss);
                            }
                        }
                        logits = ag.eval(z, Feeds.of(x, grid.points, grid.count(), 2));
                        accuracy = accuracy(ag.eval(z, feeds), y);
                        trained.graph(name, ag, java.util.Map.of("x", x), java.util.Map.of("y", z));
                    }
                }
                default -> {
                    Net spec = switch (name) {
                        case "sequential" -> Planar.sequential().bceWithLogits().sgd(1.0);
                        case "module" -> Net.module(new Planar.ModuleNet(2, 4, 1)).bceWithLogits().sgd(1.0);
                        default -> Planar.deep().bceWithLogits().sgd(0.1);
                    };
                    int epochs = epochsOverride > 0 ? epochsOverride : name.equals("deep") ? 20_000 : 10_000;
                    try (Model model = spec.seed(seed).build(device).progress(!quiet)) {
                        model.fit(data, epochs, (i, l) -> {
                            if ((i + 1) % 1000 == 0) {
                                chat.printf("epoch: %d, loss: %s%n", i + 1, l);
                            }
                        });
                        Evaluation ev = model.evaluate(data);
                        loss = model.loss(data);
                        accuracy = ev.accuracy();
                        float[][] p = model.predict(grid.rows());
                        logits = new float[p.length];
                        for (int i = 0; i < p.length; i++) {
                            logits[i] = p[i][0];
                        }
                        if (name.equals("module")) {
                            chat.println("layer1.weight " + model.parameters().get(0).shape());
                        }
                        trained.model(name, model);
                        if (name.equals("sequential")) {
                            saveAndReload(model, spec, dir, chat);
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            console.printf("%s: final loss %.4f, accuracy %.1f%% (%.2f s)%n", name, loss, 100 * accuracy, seconds);
            outcomes.add(new Outcome(name, loss, accuracy, seconds));
            XYChart chart = boundary(name, grid, logits, data.x(), y, 820, 720);
            Outputs.png(dir.resolve(name + "-boundary.png"), chart);
            charts.add(boundary(name, grid, logits, data.x(), y, 420, 400));
        }
        if (charts.size() > 1) {
            try {
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                BitmapEncoder.saveBitmap(charts, 1, charts.size(), png, BitmapEncoder.BitmapFormat.PNG);
                Outputs.write(dir.resolve("boundaries.png"), png.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // The tutorial's printed final losses beside each model's own (it has none for the deeper net).
        Map<String, Double> tutorial = Map.of("logistic", 0.6731461882591248, "two-layer", 0.2170446664094925,
                "sequential", 0.2485194206237793, "module", 0.21460506319999695);
        Map<String, Object> models = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            models.put(o.name(), Outputs.record("final_loss", o.finalLoss(), "tutorial_final_loss", tutorial.get(o.name()),
                    "accuracy", o.accuracy(), "seconds", o.seconds()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("example", "planar");
        m.put("data", "PlanarFlower.generate(400, 1), NumPy's np.random.seed(1) data");
        m.put("models", models);
        Outputs.json(dir.resolve("metrics.json"), m);
        console.println("wrote " + dir);
        return outcomes;
    }

    /**
     * The tutorial's two ways to save: the whole model (torch.save(seq_net)) and the weights (state_dict), here as
     * safetensors, which PyTorch loads into the tutorial's seq_net ({@code safetensors.torch.load_file}).
     */
    private static void saveAndReload(Model model, Net spec, Path dir, PrintStream console) {
        Path whole = dir.resolve("save_seq_net.netdsl");
        Path weights = dir.resolve("save_seq_net_params.safetensors");
        model.saveAll(whole);
        model.save(weights);
        try (Model seqNet1 = Model.open(whole); Model seqNet2 = spec.seed(0).build()) {
            seqNet2.load(weights);
            console.println("reopened " + whole.getFileName() + ": " + seqNet1.layer(0) + ", weight:");
            console.println(seqNet1.layer(0).weight().format());
            boolean same = java.util.Arrays.equals(seqNet2.layer(0).weight().values(), model.layer(0).weight().values());
            console.println("loaded " + weights.getFileName() + " into a new " + spec.layers().get(0) + "...: same first-layer"
                    + " weight: " + same);
        }
    }

    /**
     * The planar tutorial's Sequential ({@code nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))})
     * with the weights of {@code file} (the tutorial's {@code save_seq_net_params.pth}, or any state dict of
     * that net: PyTorch, safetensors or NetDSL), without training: prints its loss and accuracy on the
     * planar data and writes its decision boundary and metrics to {@code out/planar-from-pytorch/}.
     *
     * @throws IllegalArgumentException if the file can't be read or does not hold that net's tensors
     */
    public static Outcome fromPyTorch(Path file, Path out, PrintStream console) {
        Dataset data = PlanarFlower.generate(400, 1);
        long t0 = System.nanoTime();
        Net spec = Planar.sequential().bceWithLogits();
        Path dir = Outputs.directory(out.resolve("planar-from-pytorch"));
        try (Model model = spec.build()) {
            console.println("reading " + file + " (" + dev.netdsl.io.TensorFiles.format(file).toString().toLowerCase(java.util.Locale.ROOT)
                    + " format):");
            dev.netdsl.io.TensorFiles.inspect(file).forEach(t -> console.println("  " + t));
            model.load(file);
            console.println("loaded into " + spec + ", no training");
            Evaluation ev = model.evaluate(data);
            float loss = model.loss(data);
            Grid grid = new Grid(data.x());
            float[][] p = model.predict(grid.rows());
            float[] logits = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                logits[i] = p[i][0];
            }
            float[] y = new float[data.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = data.y()[i][0];
            }
            Outputs.png(dir.resolve("boundary.png"), boundary("sequential from " + file.getFileName(), grid, logits, data.x(), y, 820, 720));
            double seconds = (System.nanoTime() - t0) / 1e9;
            console.printf("on the planar data (400 points): loss %.4f, accuracy %.1f%%%n", loss, 100 * ev.accuracy());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", "planar --from-pytorch");
            m.put("file", file.toString());
            m.put("format", dev.netdsl.io.TensorFiles.format(file).toString());
            m.put("net", spec.toString());
            m.put("loss", loss);
            m.put("accuracy", ev.accuracy());
            Outputs.json(dir.resolve("metrics.json"), m);
            console.println("wrote " + dir);
            return new Outcome("sequential", loss, ev.accuracy(), seconds);
        }
    }

    private static double accuracy(float[] logits, float[] y) {
        int correct = 0;
        for (int i = 0; i < y.length; i++) {
            correct += (logits[i] > 0) == (y[i] > 0.5f) ? 1 : 0;
        }
        return (double) correct / y.length;
    }

    /** A regular grid over the data's range padded by 1, as the tutorial's plot_decision_boundary does. */
    private static final class Grid {
        final int nx;
        final int ny;
        final float[] points;

        Grid(float[][] x) {
            float minX = Float.MAX_VALUE;
            float maxX = -Float.MAX_VALUE;
            float minY = Float.MAX_VALUE;
            float maxY = -Float.MAX_VALUE;
            for (float[] p : x) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
            double h = Math.max(maxX - minX + 2, maxY - minY + 2) / 110;
            nx = (int) Math.ceil((maxX - minX + 2) / h);
            ny = (int) Math.ceil((maxY - minY + 2) / h);
            points = new float[nx * ny * 2];
            for (int i = 0; i < nx; i++) {
                for (int j = 0; j < ny; j++) {
                    points[2 * (i * ny + j)] = (float) (minX - 1 + i * h);
                    points[2 * (i * ny + j) + 1] = (float) (minY - 1 + j * h);
                }
            }
        }

        int count() {
            return nx * ny;
        }

        float[][] rows() {
            float[][] r = new float[count()][];
            for (int i = 0; i < r.length; i++) {
                r[i] = new float[] {points[2 * i], points[2 * i + 1]};
            }
            return r;
        }
    }

    /**
     * The tutorial's filled decision boundary (class 1 where the logit is above 0) with the points on top, the
     * axes spanning the grid exactly, the colour key below.
     */
    private static XYChart boundary(String name, Grid grid, float[] logits, float[][] x, float[] y, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(name + ": decision boundary")
                .xAxisTitle("x1").yAxisTitle("x2").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS)
                .setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setPlotContentSize(1.0);
        chart.getStyler().setXAxisMin((double) grid.points[0]).setXAxisMax((double) grid.points[2 * (grid.count() - 1)])
                .setYAxisMin((double) grid.points[1]).setYAxisMax((double) grid.points[2 * (grid.count() - 1) + 1]);
        // Each grid point a rectangle a little larger than its cell (plot about width - 80 by height - 130 px): no gaps.
        org.knowm.xchart.style.markers.Marker cell = Charts.cell(Math.ceil((width - 80.0) / (grid.nx - 1)) + 1,
                Math.ceil((height - 130.0) / (grid.ny - 1)) + 1);
        Color[] fill = {new Color(244, 165, 130), new Color(146, 197, 222)};
        Color[] dots = {new Color(178, 24, 43), new Color(33, 102, 172)};
        for (int c = 0; c < 2; c++) {
            List<double[]> cells = new ArrayList<>();
            for (int i = 0; i < grid.count(); i++) {
                if ((logits[i] > 0 ? 1 : 0) == c) {
                    cells.add(new double[] {grid.points[2 * i], grid.points[2 * i + 1]});
                }
            }
            if (!cells.isEmpty()) {
                XYSeries s = chart.addSeries("predicted " + c, col(cells, 0), col(cells, 1));
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(cell);
                s.setMarkerColor(fill[c]);
            }
        }
        for (int c = 0; c < 2; c++) {
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if ((y[i] > 0.5f ? 1 : 0) == c) {
                    pts.add(new double[] {x[i][0], x[i][1]});
                }
            }
            XYSeries s = chart.addSeries("class " + c, col(pts, 0), col(pts, 1));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(dots[c]);
        }
        chart.getStyler().setMarkerSize(width > 500 ? 7 : 5);
        return Charts.prepare(chart);
    }

    private static double[] col(List<double[]> pts, int k) {
        return pts.stream().mapToDouble(p -> p[k]).toArray();
    }

}
