package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;

class ChartsTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void equally_spaced_x_values_get_round_ticks_not_one_per_data_value() {
        XYChart plain = sine(1000);
        XYChart fixed = Charts.prepare(sine(1000));

        // XChart's own choice for 1000 equally spaced x values: every k-th data value, -10, -9.1, -8.2, ...
        assertThat(roundStep(ticks(plain, true))).as("XChart without the anchor").isNull();
        List<BigDecimal> x = ticks(fixed, true);
        assertThat(roundStep(x)).as("x ticks %s", x).isNotNull();
        assertThat(x).contains(new BigDecimal("0"));
        List<BigDecimal> y = ticks(fixed, false);
        assertThat(roundStep(y)).as("y ticks %s", y).isNotNull();
    }

    @Test
    void step_counts_are_ticked_at_round_thousands() {
        int n = 2950;
        double[] steps = new double[n];
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = i;
            loss[i] = 1.0 / (1 + i);
        }
        XYChart chart = new XYChartBuilder().width(800).height(500).build();
        chart.getStyler().setLocale(Locale.US).setXAxisDecimalPattern("#,##0");
        chart.addSeries("loss", steps, loss);

        List<BigDecimal> x = ticks(Charts.prepare(chart), true);

        BigDecimal step = roundStep(x);
        assertThat(step).as("x ticks %s", x).isNotNull();
        assertThat(step.remainder(new BigDecimal(100)).signum()).as("step %s", step).isZero();
    }

    @Test
    void the_anchor_is_invisible_and_leaves_the_other_series_their_colours() {
        XYChart plain = sine(200);
        XYChart fixed = Charts.prepare(sine(200));
        ticks(plain, true);
        ticks(fixed, true);

        XYSeries anchor = fixed.getSeriesMap().values().iterator().next();
        assertThat(anchor.getName()).isEqualTo(Charts.ANCHOR);
        assertThat(anchor.isShowInLegend()).isFalse();
        assertThat(anchor.getLineColor().getAlpha()).isZero();
        for (String name : plain.getSeriesMap().keySet()) {
            assertThat(fixed.getSeriesMap().get(name).getLineColor()).as(name).isEqualTo(plain.getSeriesMap().get(name).getLineColor());
        }
        // Twice is once.
        Charts.prepare(fixed);
        assertThat(fixed.getSeriesMap()).hasSize(plain.getSeriesMap().size() + 1);
    }

    private static XYChart sine(int n) {
        double[] x = new double[n];
        double[] y = new double[n];
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -10 + 20.0 * i / (n - 1);
            y[i] = Math.sin(x[i]);
            z[i] = 0.9 * Math.sin(x[i] + 0.2);
        }
        XYChart chart = new XYChartBuilder().width(800).height(600).build();
        chart.getStyler().setLocale(Locale.US);
        chart.addSeries("data", x, y);
        chart.addSeries("fit", x, z);
        return chart;
    }

    /** The labels of an axis after painting, as numbers. */
    private static List<BigDecimal> ticks(XYChart chart, boolean xAxis) {
        BufferedImage img = new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        chart.paint(g, chart.getWidth(), chart.getHeight());
        g.dispose();
        try {
            Field f = Chart.class.getDeclaredField("axisPair");
            f.setAccessible(true);
            Object pair = f.get(chart);
            Method m = pair.getClass().getDeclaredMethod(xAxis ? "getXAxis" : "getYAxis");
            m.setAccessible(true);
            Object axis = m.invoke(pair);
            Object calc = axis.getClass().getMethod("getAxisTickCalculator").invoke(axis);
            Method labels = calc.getClass().getMethod("getTickLabels");
            labels.setAccessible(true);
            List<BigDecimal> out = new ArrayList<>();
            for (Object l : (List<?>) labels.invoke(calc)) {
                if (l != null && !l.toString().isBlank()) {
                    out.add(new BigDecimal(l.toString().replace(",", "")));
                }
            }
            return out;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("XChart's axis internals changed", e);
        }
    }

    /** The common step if the ticks are equally spaced multiples of 1, 2, 2.5 or 5 times a power of ten; else null. */
    private static BigDecimal roundStep(List<BigDecimal> ticks) {
        if (ticks.size() < 3) {
            return null;
        }
        BigDecimal step = ticks.get(1).subtract(ticks.get(0));
        if (step.signum() <= 0) {
            return null;
        }
        for (int i = 1; i < ticks.size(); i++) {
            if (ticks.get(i).subtract(ticks.get(i - 1)).compareTo(step) != 0 || ticks.get(i).remainder(step).signum() != 0) {
                return null;
            }
        }
        BigDecimal mantissa = step.movePointLeft(step.precision() - step.scale() - 1).stripTrailingZeros();
        for (String ok : new String[] {"1", "2", "2.5", "5"}) {
            if (mantissa.compareTo(new BigDecimal(ok)) == 0) {
                return step;
            }
        }
        return null;
    }
}
