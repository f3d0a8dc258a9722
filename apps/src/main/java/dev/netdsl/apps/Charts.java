package dev.netdsl.apps;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.style.SeriesColorMarkerLineStyle;
import org.knowm.xchart.internal.style.SeriesColorMarkerLineStyleCycler;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * What every example chart gets before it is written ({@link Outputs#png}): round tick values on both
 * axes of an {@link XYChart} and a plain white look.
 */
public final class Charts {
    /** The name of the invisible series {@link #roundTicks} adds. */
    static final String ANCHOR = "\u200b";
    /** Where the anchor's middle point sits between the data's bounds: far from any round fraction. */
    private static final double ODD_FRACTION = 0.3819660112501051;

    private Charts() {
    }

    /** {@link #roundTicks} for an {@link XYChart}, and a white background for any chart; returns {@code chart}. */
    public static <C extends Chart<?, ?>> C prepare(C chart) {
        if (chart instanceof XYChart xy) {
            roundTicks(xy);
        }
        if (chart.getStyler() instanceof AxesChartStyler s) {
            s.setChartBackgroundColor(Color.WHITE);
            s.setPlotBorderColor(new Color(120, 120, 120));
            s.setLegendBorderColor(new Color(200, 200, 200));
        }
        return chart;
    }

    /**
     * Makes XChart tick both axes at round values (..., -10, -5, 0, 5, ... or 0, 2,000, 4,000, ...).
     *
     * <p>XChart ticks an axis at the data's own values (-10, -9.1, -8.2, ... for 1000 points on [-10, 10])
     * when the distinct values of all series, in the order the series were added and framed by the axis
     * bounds, are equally spaced. This adds, first in the series map, an invisible three-point series from
     * the data's lower-left bound through an interior point at an odd fraction to the upper-right bound:
     * the values no longer read as equally spaced, and XChart's round-decimal ticks are used. The points lie
     * inside the data's range, so the axes' ranges don't change; the other series keep the colours and
     * markers they would have had. Calling it again does nothing.
     *
     * @return {@code chart}
     */
    public static XYChart roundTicks(XYChart chart) {
        Map<String, XYSeries> map = chart.getSeriesMap();
        if (map.isEmpty() || map.containsKey(ANCHOR)) {
            return chart;
        }
        XYStyler style = chart.getStyler();
        double[] x = range(map.values(), true, style.isXAxisLogarithmic());
        double[] y = range(map.values(), false, style.isYAxisLogarithmic());
        if (x == null || y == null) {
            return chart;
        }
        // The colours and markers XChart would give the series without the anchor, fixed now so that the anchor
        // taking the first slot of its cycle doesn't shift them.
        SeriesColorMarkerLineStyleCycler cycler = new SeriesColorMarkerLineStyleCycler(style.getSeriesColors(),
                style.getSeriesMarkers(), style.getSeriesLines());
        for (XYSeries s : map.values()) {
            SeriesColorMarkerLineStyle next = cycler.getNextSeriesColorMarkerLineStyle();
            if (s.getLineStyle() == null) {
                s.setLineStyle(next.getStroke());
            }
            if (s.getLineColor() == null) {
                s.setLineColor(next.getColor());
            }
            if (s.getFillColor() == null) {
                s.setFillColor(next.getColor());
            }
            if (s.getMarker() == null) {
                s.setMarker(next.getMarker());
            }
            if (s.getMarkerColor() == null) {
                s.setMarkerColor(next.getColor());
            }
        }
        Map<String, XYSeries> others = new LinkedHashMap<>(map);
        XYSeries anchor = chart.addSeries(ANCHOR, new double[] {x[0], between(x, style.isXAxisLogarithmic()), x[1]},
                new double[] {y[0], between(y, style.isYAxisLogarithmic()), y[1]});
        anchor.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        anchor.setMarker(SeriesMarkers.NONE);
        Color clear = new Color(0, 0, 0, 0);
        anchor.setLineColor(clear);
        anchor.setMarkerColor(clear);
        anchor.setFillColor(clear);
        anchor.setShowInLegend(false);
        map.clear();
        map.put(ANCHOR, anchor);
        map.putAll(others);
        return chart;
    }

    /** The interior point of the anchor, at an odd fraction of the range (of its logarithm on a log axis). */
    private static double between(double[] range, boolean log) {
        if (log) {
            return Math.exp(Math.log(range[0]) + ODD_FRACTION * (Math.log(range[1]) - Math.log(range[0])));
        }
        return range[0] + ODD_FRACTION * (range[1] - range[0]);
    }

    /** {@code [min, max]} of the finite x (or y) values of the first y-axis group, positive only on a log axis; null if empty or a single value. */
    private static double[] range(Iterable<XYSeries> series, boolean xs, boolean log) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : series) {
            if (s.getYAxisGroup() != 0) {
                continue;
            }
            for (double v : xs ? s.getXData() : s.getYData()) {
                if (Double.isFinite(v) && (!log || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return lo < hi ? new double[] {lo, hi} : null;
    }

    /** A marker that fills a {@code width} by {@code height} pixel rectangle whatever the chart's marker size: a grid cell. */
    public static Marker cell(double width, double height) {
        return new Marker() {
            @Override
            public void paint(Graphics2D g, double x, double y, int markerSize) {
                g.fill(new Rectangle2D.Double(x - width / 2, y - height / 2, width, height));
            }
        };
    }
}
