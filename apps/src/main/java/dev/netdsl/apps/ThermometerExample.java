package dev.netdsl.apps;

import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.datasets.Csv;
import dev.netdsl.layers.Linear;
import dev.netdsl.models.Regression;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Fit;
import dev.netdsl.training.SGD;
import dev.netdsl.training.TrainingRun;
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
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The thermometer of <i>Deep Learning with PyTorch</i> chapter 6 (the activations tutorial): eleven readings of an
 * unknown unit {@code t_u} against Celsius {@code t_c}, inputs scaled by 0.1, a seeded 9/2
 * train/validation split, first {@code Linear(1, 1)} then the named
 * {@code hidden_linear -> hidden_activation -> output_linear} net.
 */
public final class ThermometerExample {
    /** The book's eleven readings, shipped beside this class: t_c in degrees Celsius, t_u in the unknown units. */
    static final Csv.Table READINGS = readings();
    static final float[] T_U = column(READINGS.dataset().x());
    static final float[] T_C = column(READINGS.dataset().y());

    /** What to run; defaults are the book's. */
    public record Options(int linearEpochs, double linearLr, int netEpochs, double netLr, int hidden, long seed, Path out,
                          boolean quiet, Device device) {
        public Options {
            Checks.atLeast("--linear-epochs", linearEpochs, 1);
            Checks.atLeast("--epochs", netEpochs, 1);
            Checks.atLeast("--hidden", hidden, 1);
            Optimizers.sgd(linearLr);
            Optimizers.sgd(netLr);
        }

        /** Linear: SGD 1e-2, 3000 epochs; net: 13 hidden units, SGD 1e-3, 5000 epochs. */
        public static Options defaults() {
            return new Options(3000, 1e-2, 5000, 1e-3, 13, 1, Path.of("out"), false, Device.AUTO);
        }

        /** A copy writing under {@code dir}. */
        public Options withOut(Path dir) {
            return new Options(linearEpochs, linearLr, netEpochs, netLr, hidden, seed, dir, quiet, device);
        }
    }

    /** Final losses of both models. */
    public record Result(float linearTrain, float linearVal, float netTrain, float netVal, Path dir) {
    }

    private ThermometerExample() {
    }

    /** Trains both models, prints the book's lines, writes fit.png and metrics.json. */
    public static Result run(Options o, PrintStream console) {
        return run(o, console, Trained.NONE);
    }

    /** {@link #run(Options, PrintStream)}, handing the trained models ("linear", "net") to {@code trained}. */
    public static Result run(Options o, PrintStream console, Trained trained) {
        // The book's split: 20% of the shuffled rows for validation (Collections.shuffle with the seed).
        Csv.Split split = READINGS.split(0.2, o.seed());
        int[] val = split.validationRows();
        int[] train = split.trainRows();
        Dataset trainSet = rows(train);
        Dataset valSet = rows(val);
        PrintStream chat = Outputs.unlessQuiet(console, o.quiet());
        chat.println("train indices " + Arrays.toString(train) + ", validation indices " + Arrays.toString(val));
        Path dir = Outputs.directory(o.out().resolve("thermometer"));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("example", "thermometer");
        metrics.put("train_indices", train);
        metrics.put("validation_indices", val);
        float[][] curves = new float[2][];
        float[] losses = new float[4];
        Net[] specs = {Regression.thermometerLinear().mse().sgd(o.linearLr()).seed(o.seed()),
            Regression.thermometerNet(o.hidden()).mse().sgd(o.netLr()).seed(o.seed())};
        int[] epochs = {o.linearEpochs(), o.netEpochs()};
        String[] names = {"linear", "net"};
        double[] grid = new double[141];
        float[][] gridX = new float[grid.length][1];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = 20 + 0.5 * i;
            gridX[i][0] = (float) (0.1 * grid[i]);
        }
        for (int k = 0; k < 2; k++) {
            chat.println("== " + specs[k]);
            try (Model model = specs[k].build(o.device()); Bar bar = Bar.open(names[k], epochs[k], !o.quiet())) {
                // The book's loop: full-batch steps, the validation loss after each, printed every 1000. (Each step is an
                // epoch of the fit, so its own bar would be one per step: this loop's bar counts them instead.)
                model.fit(trainSet, Fit.steps(epochs[k]).validation(valSet).quiet().callbacks(new Callback() {
                    @Override
                    public void onEpochEnd(TrainingRun run, int e, Map<String, Double> logs) {
                        if (e == 1 || e % 1000 == 0) {
                            chat.printf(Locale.ROOT, "Epoch %d, Training loss %.4f, Validation loss %.4f%n", e, logs.get("loss"),
                                    logs.get("val_loss"));
                        }
                        if (e % 50 == 0) {
                            bar.update(e, String.format(Locale.ROOT, "loss %.4f, validation %.4f", logs.get("loss"),
                                    logs.get("val_loss")));
                        }
                    }
                }));
                float trainLoss = model.loss(trainSet);
                float valLoss = model.loss(valSet);
                trained.model(names[k], model);
                losses[2 * k] = trainLoss;
                losses[2 * k + 1] = valLoss;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("spec", specs[k].toString());
                m.put("epochs", epochs[k]);
                m.put("train_loss", trainLoss);
                m.put("validation_loss", valLoss);
                Map<String, Object> params = new LinkedHashMap<>();
                for (Parameter p : model.parameters()) {
                    chat.println(p.name() + " " + p.shape());
                    params.put(p.name(), p.shape());
                }
                m.put("parameters", params);
                metrics.put(names[k], m);
                float[][] predicted = model.predict(gridX);
                curves[k] = new float[predicted.length];
                for (int i = 0; i < predicted.length; i++) {
                    curves[k][i] = predicted[i][0];
                }
            }
        }
        console.printf(Locale.ROOT, "final: linear train %.4f / validation %.4f; net train %.4f / validation %.4f%n",
                losses[0], losses[1], losses[2], losses[3]);
        Outputs.png(dir.resolve("fit.png"), chart(train, val, grid, curves));
        Outputs.json(dir.resolve("metrics.json"), metrics);
        console.println("wrote " + dir);
        return new Result(losses[0], losses[1], losses[2], losses[3], dir);
    }

    private static Csv.Table readings() {
        try (java.io.InputStream in = ThermometerExample.class.getResourceAsStream("thermometer.csv")) {
            if (in == null) {
                throw new IllegalStateException("thermometer.csv is missing from the netdsl-apps jar; rebuild it");
            }
            return Csv.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "thermometer.csv")
                    .features("t_u").target("t_c").load();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static float[] column(float[][] rows) {
        float[] c = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            c[i] = rows[i][0];
        }
        return c;
    }

    private static Dataset rows(int[] idx) {
        float[][] x = new float[idx.length][1];
        float[][] y = new float[idx.length][1];
        for (int i = 0; i < idx.length; i++) {
            x[i][0] = 0.1f * T_U[idx[i]];
            y[i][0] = T_C[idx[i]];
        }
        return Dataset.of(x, y);
    }

    private static XYChart chart(int[] train, int[] val, double[] grid, float[][] curves) {
        XYChart chart = new XYChartBuilder().width(820).height(560)
                .title("Thermometer calibration: temperature against reading, linear model vs. neural net")
                .xAxisTitle("thermometer reading t_u (unknown units)").yAxisTitle("temperature t_c (°C)").build();
        chart.getStyler().setMarkerSize(9);
        // The readings rise from lower left to upper right: the upper left corner is empty.
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        String[] names = {"linear model: Linear(1, 1)", "neural net: hidden_linear, tanh, output_linear"};
        Color[] colors = {new Color(44, 160, 44), new Color(214, 39, 40)};
        for (int k = 0; k < 2; k++) {
            double[] ys = new double[grid.length];
            for (int i = 0; i < grid.length; i++) {
                ys[i] = curves[k][i];
            }
            XYSeries s = chart.addSeries(names[k], grid, ys);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(colors[k]);
            s.setLineStyle(new BasicStroke(2.5f));
        }
        points(chart, "training readings", train, new Color(31, 119, 180));
        points(chart, "validation readings", val, new Color(255, 127, 14));
        return chart;
    }

    private static void points(XYChart chart, String name, int[] idx, Color color) {
        XYSeries s = chart.addSeries(name, Arrays.stream(idx).mapToDouble(i -> T_U[i]).toArray(),
                Arrays.stream(idx).mapToDouble(i -> T_C[i]).toArray());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }
}
