package dev.netdsl.apps;

import dev.netdsl.Device;
import dev.netdsl.Expr;
import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Var;
import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Layers;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The activation gallery of the activations tutorial: every activation the DSL offers and its derivative on
 * [-5, 5], both computed by the DSL (the value with {@link Autograd#eval}, the derivative with
 * {@link Autograd#gradient}), one small chart each in {@code activations/activations.png}.
 */
public final class ActivationsExample {
    private ActivationsExample() {
    }

    /** The activations shown, PyTorch defaults. */
    static List<Activation> gallery() {
        return List.of(Layers.relu(), Layers.tanh(), Layers.sigmoid(), Layers.hardtanh(), Layers.leakyRelu(0.1), Layers.elu(),
                Layers.gelu(), Layers.softplus(), Layers.identity());
    }

    /** Computes and plots the gallery; returns the PNG's path. */
    public static Path run(Path out, PrintStream console) {
        return run(out, false, Device.AUTO, console);
    }

    /** {@link #run(Path, PrintStream)} on {@code device}; with {@code quiet}, without the table of values. */
    public static Path run(Path out, boolean quiet, Device device, PrintStream console) {
        PrintStream chat = Outputs.unlessQuiet(console, quiet);
        Path dir = Outputs.directory(out.resolve("activations"));
        int n = 401;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) {
            xs[i] = -5f + 10f * i / (n - 1);
        }
        List<XYChart> charts = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Autograd ag = Autograd.open(0, device)) {
            Var x = ag.variable("x", xs);
            for (Activation a : gallery()) {
                Expr y = a.apply(x);
                float[] value = ag.eval(y);
                float[] slope = ag.gradient(y.sum(), x);
                charts.add(chart(a.toString(), xs, value, slope));
                // One row per activation, a column per value: f(-2), f'(-2), f(-0.5), ... (the report shows it as a table).
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", a.toString());
                for (float p : new float[] {-2f, -0.5f, 0.5f, 2f}) {
                    int i = Math.round((p + 5f) / 10f * (n - 1));
                    String at = new java.math.BigDecimal(p).stripTrailingZeros().toPlainString();
                    row.put("f(" + at + ")", value[i]);
                    row.put("f'(" + at + ")", slope[i]);
                }
                rows.add(row);
                chat.printf(Locale.ROOT, "%-40s f(-2) = %8.4f  f'(-2) = %7.4f  f(2) = %7.4f  f'(2) = %7.4f%n", a,
                        value(value, xs, -2), value(slope, xs, -2), value(value, xs, 2), value(slope, xs, 2));
            }
        }
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            BitmapEncoder.saveBitmap(charts, 3, 3, png, BitmapEncoder.BitmapFormat.PNG);
            Outputs.write(dir.resolve("activations.png"), png.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Outputs.json(dir.resolve("metrics.json"), Outputs.record("example", "activations", "range", List.of(-5, 5), "points", n,
                "activations", rows));
        console.println("wrote " + dir);
        return dir.resolve("activations.png");
    }

    private static float value(float[] v, float[] xs, float at) {
        int i = Math.round((at - xs[0]) / (xs[xs.length - 1] - xs[0]) * (xs.length - 1));
        return v[i];
    }

    private static XYChart chart(String title, float[] xs, float[] value, float[] slope) {
        XYChart chart = new XYChartBuilder().width(420).height(320).title(title).xAxisTitle("x").yAxisTitle("f(x) and f'(x)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        // Fixed ticks at whole numbers: a decimal pattern alone would round XChart's own ticks and mislabel them.
        chart.getStyler().setXAxisMin(-5.0).setXAxisMax(5.0);
        chart.getStyler().setXAxisTickMarkSpacingHint(40);
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int i = 0; i < xs.length; i++) {
            lo = Math.min(lo, Math.min(value[i], slope[i]));
            hi = Math.max(hi, Math.max(value[i], slope[i]));
        }
        // Whole-number bounds give XChart nice ticks on the y axis too.
        chart.getStyler().setYAxisMin(Math.floor(lo - 0.05)).setYAxisMax(Math.ceil(hi + 0.05));
        chart.getStyler().setYAxisDecimalPattern("0.##");
        double[] x = new double[xs.length];
        double[] v = new double[xs.length];
        double[] s = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            x[i] = xs[i];
            v[i] = value[i];
            s[i] = slope[i];
        }
        XYSeries f = chart.addSeries("f(x)", x, v);
        f.setMarker(SeriesMarkers.NONE);
        f.setLineColor(new Color(31, 119, 180));
        XYSeries d = chart.addSeries("f'(x)", x, s);
        d.setMarker(SeriesMarkers.NONE);
        d.setLineColor(new Color(214, 39, 40));
        // Drawn into one grid by BitmapEncoder, not Outputs.png: the round ticks and white background here.
        return Charts.prepare(chart);
    }
}
