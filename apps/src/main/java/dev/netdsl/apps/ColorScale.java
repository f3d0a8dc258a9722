package dev.netdsl.apps;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/**
 * Colour bands between increasing levels (e.g. 0, 0.5, 1, 2, 5, 10, ... for values spread over decades), coloured
 * with matplotlib's viridis from dark purple to yellow; values above the last level form one more band, drawn
 * as the colour bar's pointed top (matplotlib's {@code extend='max'}).
 */
final class ColorScale {
    /** Matplotlib's viridis at 17 evenly spaced points. */
    private static final int[] VIRIDIS = {0x440154, 0x481a6c, 0x472f7d, 0x414487, 0x3b528b, 0x355f8d, 0x2c728e, 0x287d8e,
        0x21918c, 0x1fa088, 0x28ae80, 0x3fbc73, 0x5ec962, 0x84d44b, 0xaddc30, 0xd8e219, 0xfde725};

    private final double[] levels;

    /** Bands between {@code levels} (at least two, increasing) and one above the last. */
    ColorScale(double... levels) {
        if (levels.length < 2) {
            throw new IllegalArgumentException("a colour scale needs at least two levels");
        }
        for (int i = 1; i < levels.length; i++) {
            if (!(levels[i] > levels[i - 1])) {
                throw new IllegalArgumentException("colour levels must increase");
            }
        }
        this.levels = levels.clone();
    }

    /** 0 then 1, 2, 5 times the powers of ten from {@code first} up to {@code last}: bands of equal ratio. */
    static ColorScale logarithmic(double first, double last) {
        java.util.List<Double> l = new java.util.ArrayList<>();
        l.add(0.0);
        for (double decade = Math.pow(10, Math.floor(Math.log10(first))); decade <= last * 1.0001; decade *= 10) {
            for (double m : new double[] {1, 2, 5}) {
                double v = Double.parseDouble(String.format(java.util.Locale.ROOT, "%.6g", m * decade));
                if (v >= first * 0.9999 && v <= last * 1.0001) {
                    l.add(v);
                }
            }
        }
        return new ColorScale(l.stream().mapToDouble(Double::doubleValue).toArray());
    }

    double[] levels() {
        return levels.clone();
    }

    /** The number of bands: one between each two levels and one above the last. */
    int bands() {
        return levels.length;
    }

    /** The band of {@code v}: 0 below the second level, {@link #bands()} - 1 at or above the last. */
    int band(double v) {
        int i = 0;
        while (i + 1 < levels.length && v >= levels[i + 1]) {
            i++;
        }
        return i;
    }

    /** The colour of band {@code i}. */
    Color bandColor(int i) {
        return viridis(i / (double) (bands() - 1));
    }

    /**
     * A colour between the bands' for {@code v}: its place between its band's levels (by ratio when both are
     * positive) picks the colour between that band's and the next's.
     */
    Color smooth(double v) {
        int i = band(v);
        double f = 0;
        if (i + 1 < levels.length) {
            double a = levels[i];
            double b = levels[i + 1];
            f = a > 0 ? Math.log(v / a) / Math.log(b / a) : (v - a) / (b - a);
        }
        return viridis((i + Math.max(0, Math.min(1, f))) / (bands() - 1));
    }

    /** Viridis at {@code t} in [0, 1], linear between the table's points. */
    static Color viridis(double t) {
        double pos = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min(VIRIDIS.length - 2, (int) pos);
        double f = pos - i;
        int a = VIRIDIS[i];
        int b = VIRIDIS[i + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round((a & 0xff) + f * ((b & 0xff) - (a & 0xff)));
    }

    /**
     * The colour bar: one equal segment per band from the bottom up (each a gradient to the next band's colour when
     * {@code smooth}, as {@link #smooth} colours), the last a point, each level labelled at its edge on the right,
     * {@code title} read upwards beside the labels.
     */
    void drawBar(Canvas c, double x, double y, double width, double height, String title, boolean smooth) {
        int n = bands();
        double tip = Math.min(width * 1.2, height / n);
        double seg = (height - tip) / (n - 1);
        for (int i = 0; i < n - 1; i++) {
            double top = y + height - (i + 1) * seg;
            if (smooth) {
                c.g.setPaint(new java.awt.GradientPaint((float) x, (float) (top + seg), bandColor(i), (float) x, (float) top,
                        bandColor(i + 1)));
            } else {
                c.g.setColor(bandColor(i));
            }
            c.g.fill(new Rectangle2D.Double(x, top, width, seg + 0.6));
        }
        Path2D.Double outline = new Path2D.Double();
        outline.moveTo(x, y + height);
        outline.lineTo(x, y + tip);
        outline.lineTo(x + width / 2, y);
        outline.lineTo(x + width, y + tip);
        outline.lineTo(x + width, y + height);
        outline.closePath();
        Path2D.Double point = new Path2D.Double();
        point.moveTo(x, y + tip + 0.6);
        point.lineTo(x + width / 2, y);
        point.lineTo(x + width, y + tip + 0.6);
        point.closePath();
        c.g.setColor(bandColor(n - 1));
        c.g.fill(point);
        c.g.setColor(new Color(60, 60, 60));
        c.g.setStroke(new BasicStroke(1f));
        c.g.draw(outline);
        double widest = 0;
        for (int i = 0; i < levels.length; i++) {
            double ly = y + height - i * seg;
            c.g.draw(new java.awt.geom.Line2D.Double(x + width, ly, x + width + 4, ly));
            String label = Canvas.number(levels[i]);
            c.text(label, x + width + 7, ly, Canvas.Align.LEFT, Canvas.TICK, Color.BLACK);
            widest = Math.max(widest, c.width(label, Canvas.TICK));
        }
        c.textUp(title, x + width + 7 + widest + 16, y + height / 2, Canvas.AXIS_TITLE, Color.BLACK);
    }

    /** The width {@link #drawBar} needs right of the bar for its labels and title. */
    int labelWidth(Canvas c) {
        int widest = 0;
        for (double l : levels) {
            widest = Math.max(widest, c.width(Canvas.number(l), Canvas.TICK));
        }
        return 7 + widest + 30;
    }
}
