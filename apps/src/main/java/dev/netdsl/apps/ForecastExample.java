package dev.netdsl.apps;

import static dev.netdsl.layers.Layers.gru;
import static dev.netdsl.layers.Layers.linear;

import dev.netdsl.Dataset;
import dev.netdsl.Device;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Tensor;
import dev.netdsl.datasets.Corpora;
import dev.netdsl.training.Fit;
import dev.netdsl.training.Optimizers;
import java.awt.Color;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A GRU forecaster of the Mauna Loa CO2 record (monthly, 1959-1997): the month-to-month changes over
 * {@code window} months, standardised by the training years', predict the next month's change; the last {@code testMonths} are forecast one
 * month ahead from the real history and compared with the seasonal naive forecast (the same month a year
 * before, shifted by the last year's rise), both as RMSE in ppm, on a plot of history, forecast and baseline.
 */
public final class ForecastExample {
    /** What to run. */
    public record Options(int epochs, int window, int hidden, int testMonths, int batchSize, double lr, long seed, Path out,
                          boolean quiet, Device device) {
        /** Checks the values. */
        public Options {
            Checks.atLeast("--epochs", epochs, 1);
            Checks.atLeast("--window", window, 12); // the seasonal baseline looks 12 months back
            Checks.atLeast("--hidden", hidden, 1);
            Checks.atLeast("--test-months", testMonths, 1);
            Checks.atLeast("--batch-size", batchSize, 1);
            Optimizers.adam(lr);
        }

        /** 60 epochs, 24-month windows, a GRU of 32, the last 8 years held out. */
        public static Options defaults() {
            return new Options(60, 24, 32, 96, 16, 5e-3, 1, Path.of("out"), false, Device.AUTO);
        }

        /** A short run for tests: 3 epochs, 12-month windows, a GRU of 8. */
        public static Options quick() {
            return new Options(3, 12, 8, 48, 32, 1e-2, 1, Path.of("out"), true, Device.AUTO);
        }

        /** A copy writing under {@code dir}. */
        public Options withOut(Path dir) {
            return new Options(epochs, window, hidden, testMonths, batchSize, lr, seed, dir, quiet, device);
        }
    }

    /** What a run did: the test RMSE of the GRU and of the seasonal naive forecast, in ppm. */
    public record Result(double rmse, double baselineRmse, Path dir) {
    }

    private ForecastExample() {
    }

    /** Trains on the years before the test months and forecasts them; prints both errors. */
    public static Result run(Options o, PrintStream console) {
        float[] co2 = Corpora.co2();
        if (o.testMonths() + 2 * o.window() > co2.length) {
            throw new IllegalArgumentException("--test-months " + o.testMonths() + " and two --window " + o.window()
                    + " must fit in the record's " + co2.length + " months");
        }
        int trainEnd = co2.length - o.testMonths();
        // The GRU sees month-to-month changes, standardised by the training years' changes, and predicts the next change:
        // levels would leave the training range as CO2 keeps rising, and a net extrapolates badly; changes do not drift.
        float[] change = new float[co2.length];
        for (int i = 1; i < co2.length; i++) {
            change[i] = co2[i] - co2[i - 1];
        }
        double mean = 0;
        for (int i = 1; i < trainEnd; i++) {
            mean += change[i] / (trainEnd - 1);
        }
        double var = 0;
        for (int i = 1; i < trainEnd; i++) {
            var += (change[i] - mean) * (change[i] - mean) / (trainEnd - 1);
        }
        double std = Math.sqrt(var);
        float[] z = new float[co2.length];
        for (int i = 1; i < z.length; i++) {
            z[i] = (float) ((change[i] - mean) / std);
        }
        int w = o.window();
        // Window s: the changes into months s+1 .. s+w; its target, the change into month s+w+1.
        int samples = trainEnd - w - 1;
        float[] x = new float[samples * w];
        float[] y = new float[samples];
        for (int s = 0; s < samples; s++) {
            System.arraycopy(z, s + 1, x, s * w, w);
            y[s] = z[s + w + 1];
        }
        PrintStream chat = Outputs.unlessQuiet(console, o.quiet());
        chat.printf(Locale.ROOT, "CO2 at Mauna Loa: %d months, %d to train on (%d windows of %d), the last %d to forecast%n",
                co2.length, trainEnd, samples, w, o.testMonths());
        Path dir = Outputs.directory(o.out().resolve("forecast"));
        try (Model model = Net.sequential(gru(1, o.hidden()).finalState(), linear(o.hidden(), 1)).input(w, 1).mse().adam(o.lr())
                .seed(o.seed()).build(o.device())) {
            Fit fit = Fit.epochs(o.epochs()).batchSize(o.batchSize());
            History h = model.fit(Dataset.of(x, new int[] {w, 1}, y, 1), o.quiet() ? fit.quiet() : fit.printTo(console));
            float[] windows = new float[o.testMonths() * w];
            for (int k = 0; k < o.testMonths(); k++) {
                System.arraycopy(z, trainEnd + k - w, windows, k * w, w); // the changes into months t-w .. t-1
            }
            float[] predicted = model.predict(Tensor.of(windows, o.testMonths(), w, 1)).values();
            double[] forecast = new double[o.testMonths()];
            double[] baseline = new double[o.testMonths()];
            double se = 0;
            double baseSe = 0;
            for (int k = 0; k < o.testMonths(); k++) {
                int t = trainEnd + k;
                forecast[k] = co2[t - 1] + predicted[k] * std + mean;
                // Seasonal naive with drift: last year's same month plus the last year's rise.
                baseline[k] = co2[t - 12] + (co2[t - 1] - co2[t - 13]);
                se += (forecast[k] - co2[t]) * (forecast[k] - co2[t]);
                baseSe += (baseline[k] - co2[t]) * (baseline[k] - co2[t]);
            }
            double rmse = Math.sqrt(se / o.testMonths());
            double baseRmse = Math.sqrt(baseSe / o.testMonths());
            console.printf(Locale.ROOT, "one month ahead over the last %d months: GRU RMSE %.3f ppm, seasonal naive %.3f ppm%n",
                    o.testMonths(), rmse, baseRmse);
            Outputs.png(dir.resolve("forecast.png"), chart(co2, trainEnd, forecast, baseline, rmse, baseRmse));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", "forecast");
            m.put("months", co2.length);
            m.put("test_months", o.testMonths());
            m.put("rmse_ppm", rmse);
            m.put("seasonal_naive_rmse_ppm", baseRmse);
            m.put("loss", h.epochs().stream().mapToDouble(e -> e.get("loss")).toArray());
            m.put("seconds", h.seconds());
            Outputs.json(dir.resolve("metrics.json"), m);
            return new Result(rmse, baseRmse, dir);
        }
    }

    private static XYChart chart(float[] co2, int trainEnd, double[] forecast, double[] baseline, double rmse, double baseRmse) {
        XYChart chart = new XYChartBuilder().width(1000).height(520).title("CO2 at Mauna Loa: one month ahead over the held-out years")
                .xAxisTitle("year").yAxisTitle("ppm").build();
        chart.getStyler().setXAxisDecimalPattern("0");
        int from = Math.max(0, trainEnd - 120);
        double[] years = new double[co2.length - from];
        double[] values = new double[co2.length - from];
        for (int i = from; i < co2.length; i++) {
            years[i - from] = 1959 + i / 12.0;
            values[i - from] = co2[i];
        }
        double[] testYears = new double[forecast.length];
        java.util.Arrays.setAll(testYears, k -> 1959 + (trainEnd + k) / 12.0);
        XYSeries real = chart.addSeries("measured", years, values);
        real.setMarker(SeriesMarkers.NONE);
        real.setLineColor(Color.DARK_GRAY);
        XYSeries f = chart.addSeries(String.format(Locale.ROOT, "GRU (RMSE %.2f ppm)", rmse), testYears, forecast);
        f.setMarker(SeriesMarkers.NONE);
        f.setLineColor(new Color(214, 39, 40));
        XYSeries b = chart.addSeries(String.format(Locale.ROOT, "seasonal naive (RMSE %.2f ppm)", baseRmse), testYears, baseline);
        b.setMarker(SeriesMarkers.NONE);
        b.setLineColor(new Color(31, 119, 180));
        return Charts.prepare(chart);
    }
}
