package dev.netdsl.apps;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * A filled contour map of f(x, y) drawn with Java2D: f evaluated at 3 x 3 points in every pixel and the band
 * colours of a {@link ColorScale} averaged (smooth band edges), thin lines along the band edges (marching squares
 * over the pixel corners), a colour bar, round ticks on both axes, marked points, and paths (polylines from a
 * start dot to an end diamond) listed with their labels in a legend below the map.
 */
final class ContourPlot {
    /** A path drawn over the map: its points (x, y), colour and legend text. */
    record Track(List<double[]> points, Color color, String label) {
    }

    private final DoubleBinaryOperator f;
    private final ColorScale scale;
    private double x0 = -1;
    private double x1 = 1;
    private double y0 = -1;
    private double y1 = 1;
    private String title = "";
    private String subtitle = "";
    private String xTitle = "x";
    private String yTitle = "y";
    private String barTitle = "f";
    private final List<double[]> marks = new ArrayList<>();
    private String marksLabel;
    private final List<Track> tracks = new ArrayList<>();

    ContourPlot(DoubleBinaryOperator f, ColorScale scale) {
        this.f = f;
        this.scale = scale;
    }

    /** The map's x and y ranges. */
    ContourPlot range(double xFrom, double xTo, double yFrom, double yTo) {
        x0 = xFrom;
        x1 = xTo;
        y0 = yFrom;
        y1 = yTo;
        return this;
    }

    ContourPlot titles(String title, String subtitle) {
        this.title = title;
        this.subtitle = subtitle;
        return this;
    }

    /** The axes' and the colour bar's titles. */
    ContourPlot axes(String x, String y, String bar) {
        xTitle = x;
        yTitle = y;
        barTitle = bar;
        return this;
    }

    /** Points drawn as white rings (e.g. known minima), with one legend line. */
    ContourPlot marks(List<double[]> points, String label) {
        marks.addAll(points);
        marksLabel = label;
        return this;
    }

    ContourPlot track(Track t) {
        tracks.add(t);
        return this;
    }

    /** Renders the figure with a square-pixel map {@code mapWidth} pixels wide; returns PNG bytes. */
    byte[] png(int mapWidth) {
        int mapHeight = (int) Math.round(mapWidth * (y1 - y0) / (x1 - x0));
        Canvas probe = new Canvas(1, 1);
        int barSpace = 26 + 20 + scale.labelWidth(probe);
        int left = 78;
        int top = subtitle.isEmpty() ? 56 : 78;
        int legendRows = tracks.size() + (marksLabel != null ? 1 : 0);
        int legendHeight = legendRows == 0 ? 0 : 22 * legendRows + 20;
        int width = Math.max(left + mapWidth + barSpace + 16, probe.width(title, Canvas.TITLE) + 40);
        int height = top + mapHeight + 58 + legendHeight + (legendRows == 0 ? 0 : 12);
        probe.png();
        Canvas c = new Canvas(width, height);
        c.text(title, width / 2.0, 26, Canvas.Align.CENTER, Canvas.TITLE, Color.BLACK);
        if (!subtitle.isEmpty()) {
            c.text(subtitle, width / 2.0, 52, Canvas.Align.CENTER, Canvas.SUBTITLE, new Color(60, 60, 60));
        }
        fill(c, left, top, mapWidth, mapHeight);
        contourLines(c, left, top, mapWidth, mapHeight);
        Shape clip = c.g.getClip();
        c.g.clip(new Rectangle2D.Double(left, top, mapWidth, mapHeight));
        for (double[] m : marks) {
            ring(c, left + px(m[0], mapWidth), top + py(m[1], mapHeight));
        }
        for (Track t : tracks) {
            Path2D.Double line = new Path2D.Double();
            for (int i = 0; i < t.points().size(); i++) {
                double[] p = t.points().get(i);
                double sx = left + px(p[0], mapWidth);
                double sy = top + py(p[1], mapHeight);
                if (i == 0) {
                    line.moveTo(sx, sy);
                } else {
                    line.lineTo(sx, sy);
                }
            }
            c.g.setStroke(new BasicStroke(5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            c.g.setColor(new Color(255, 255, 255, 170));
            c.g.draw(line);
            c.g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            c.g.setColor(t.color());
            c.g.draw(line);
        }
        for (Track t : tracks) {
            double[] s = t.points().get(0);
            double[] e = t.points().get(t.points().size() - 1);
            dot(c, left + px(s[0], mapWidth), top + py(s[1], mapHeight), t.color());
            diamond(c, left + px(e[0], mapWidth), top + py(e[1], mapHeight), t.color());
        }
        c.g.setClip(clip);
        axes(c, left, top, mapWidth, mapHeight);
        scale.drawBar(c, left + mapWidth + 26, top, 20, mapHeight, barTitle, false);
        legend(c, left, top + mapHeight + 58, mapWidth);
        return c.png();
    }

    private double px(double x, int w) {
        return (x - x0) / (x1 - x0) * w;
    }

    private double py(double y, int h) {
        return (y1 - y) / (y1 - y0) * h;
    }

    /** Each pixel the mean of the band colours at 3 x 3 points inside it. */
    private void fill(Canvas c, int left, int top, int w, int h) {
        int s = 3;
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                int r = 0;
                int g = 0;
                int b = 0;
                for (int a = 0; a < s; a++) {
                    for (int d = 0; d < s; d++) {
                        double x = x0 + (i + (a + 0.5) / s) / w * (x1 - x0);
                        double y = y1 - (j + (d + 0.5) / s) / h * (y1 - y0);
                        Color col = scale.bandColor(scale.band(f.applyAsDouble(x, y)));
                        r += col.getRed();
                        g += col.getGreen();
                        b += col.getBlue();
                    }
                }
                int n = s * s;
                c.image.setRGB(left + i, top + j, ((r + n / 2) / n) << 16 | ((g + n / 2) / n) << 8 | ((b + n / 2) / n));
            }
        }
    }

    /** The band edges as thin lines: marching squares over f at the pixel corners, one pass per level. */
    private void contourLines(Canvas c, int left, int top, int w, int h) {
        double[][] v = new double[h + 1][w + 1];
        for (int j = 0; j <= h; j++) {
            for (int i = 0; i <= w; i++) {
                v[j][i] = f.applyAsDouble(x0 + (double) i / w * (x1 - x0), y1 - (double) j / h * (y1 - y0));
            }
        }
        Path2D.Double lines = new Path2D.Double();
        double[] levels = scale.levels();
        for (int k = 1; k < levels.length; k++) {
            marchingSquares(v, levels[k], left, top, lines);
        }
        c.g.setColor(new Color(0, 0, 0, 70));
        c.g.setStroke(new BasicStroke(0.8f));
        c.g.draw(lines);
    }

    /** Appends the segments where {@code v} crosses {@code level}, in canvas coordinates, to {@code out}. */
    static void marchingSquares(double[][] v, double level, double left, double top, Path2D.Double out) {
        // Corners of a cell in order 0 (i, j), 1 (i+1, j), 2 (i+1, j+1), 3 (i, j+1); edge e joins corner e and e+1.
        int[][] cornerEdges = {{3, 0}, {0, 1}, {1, 2}, {2, 3}};
        double[] cx = new double[4];
        double[] cy = new double[4];
        for (int j = 0; j + 1 < v.length; j++) {
            for (int i = 0; i + 1 < v[j].length; i++) {
                double[] q = {v[j][i], v[j][i + 1], v[j + 1][i + 1], v[j + 1][i]};
                int[] qx = {i, i + 1, i + 1, i};
                int[] qy = {j, j, j + 1, j + 1};
                int above = 0;
                for (int k = 0; k < 4; k++) {
                    if (q[k] >= level) {
                        above |= 1 << k;
                    }
                }
                if (above == 0 || above == 15) {
                    continue;
                }
                int crossings = 0;
                boolean[] crossed = new boolean[4];
                for (int e = 0; e < 4; e++) {
                    int a = e;
                    int b = (e + 1) % 4;
                    if ((q[a] >= level) != (q[b] >= level)) {
                        double t = (level - q[a]) / (q[b] - q[a]);
                        cx[e] = left + qx[a] + t * (qx[b] - qx[a]);
                        cy[e] = top + qy[a] + t * (qy[b] - qy[a]);
                        crossed[e] = true;
                        crossings++;
                    }
                }
                if (crossings == 2) {
                    int a = -1;
                    int b = -1;
                    for (int e = 0; e < 4; e++) {
                        if (crossed[e]) {
                            if (a < 0) {
                                a = e;
                            } else {
                                b = e;
                            }
                        }
                    }
                    out.moveTo(cx[a], cy[a]);
                    out.lineTo(cx[b], cy[b]);
                } else {
                    // A saddle: the centre decides which pair of opposite corners is joined; cut off the other two.
                    boolean centreAbove = (q[0] + q[1] + q[2] + q[3]) / 4 >= level;
                    for (int k = 0; k < 4; k++) {
                        if ((q[k] >= level) != centreAbove) {
                            out.moveTo(cx[cornerEdges[k][0]], cy[cornerEdges[k][0]]);
                            out.lineTo(cx[cornerEdges[k][1]], cy[cornerEdges[k][1]]);
                        }
                    }
                }
            }
        }
    }

    private void axes(Canvas c, int left, int top, int w, int h) {
        c.g.setColor(new Color(60, 60, 60));
        c.g.setStroke(new BasicStroke(1f));
        c.g.draw(new Rectangle2D.Double(left, top, w, h));
        for (double t : Canvas.ticks(x0, x1, 5)) {
            double x = left + px(t, w);
            c.g.setColor(new Color(60, 60, 60));
            c.g.draw(new Line2D.Double(x, top + h, x, top + h + 5));
            c.text(Canvas.number(t), x, top + h + 16, Canvas.Align.CENTER, Canvas.TICK, Color.BLACK);
        }
        for (double t : Canvas.ticks(y0, y1, 5)) {
            double y = top + py(t, h);
            c.g.setColor(new Color(60, 60, 60));
            c.g.draw(new Line2D.Double(left - 5, y, left, y));
            c.text(Canvas.number(t), left - 8, y, Canvas.Align.RIGHT, Canvas.TICK, Color.BLACK);
        }
        c.text(xTitle, left + w / 2.0, top + h + 38, Canvas.Align.CENTER, Canvas.AXIS_TITLE, Color.BLACK);
        c.textUp(yTitle, left - 48, top + h / 2.0, Canvas.AXIS_TITLE, Color.BLACK);
    }

    private void legend(Canvas c, int left, int top, int w) {
        int rows = tracks.size() + (marksLabel != null ? 1 : 0);
        if (rows == 0) {
            return;
        }
        int widest = 0;
        for (Track t : tracks) {
            widest = Math.max(widest, c.width(t.label(), Canvas.LEGEND));
        }
        if (marksLabel != null) {
            widest = Math.max(widest, c.width(marksLabel, Canvas.LEGEND));
        }
        double boxWidth = 70 + widest + 14;
        double x = left + Math.max(0, (w - boxWidth) / 2);
        c.g.setColor(new Color(250, 250, 250));
        c.g.fill(new Rectangle2D.Double(x, top, boxWidth, 22 * rows + 12));
        c.g.setColor(new Color(200, 200, 200));
        c.g.setStroke(new BasicStroke(1f));
        c.g.draw(new Rectangle2D.Double(x, top, boxWidth, 22 * rows + 12));
        double y = top + 17;
        for (Track t : tracks) {
            c.g.setColor(t.color());
            c.g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            c.g.draw(new Line2D.Double(x + 14, y, x + 54, y));
            dot(c, x + 14, y, t.color());
            diamond(c, x + 54, y, t.color());
            c.text(t.label(), x + 70, y, Canvas.Align.LEFT, Canvas.LEGEND, Color.BLACK);
            y += 22;
        }
        if (marksLabel != null) {
            c.g.setColor(scale.bandColor(0));
            c.g.fill(new java.awt.geom.RoundRectangle2D.Double(x + 22, y - 10, 24, 20, 6, 6));
            ring(c, x + 34, y);
            c.text(marksLabel, x + 70, y, Canvas.Align.LEFT, Canvas.LEGEND, Color.BLACK);
        }
    }

    /** A white ring with a dark edge, radius 8. */
    static void ring(Canvas c, double x, double y) {
        Ellipse2D.Double e = new Ellipse2D.Double(x - 8, y - 8, 16, 16);
        c.g.setStroke(new BasicStroke(3.5f));
        c.g.setColor(new Color(30, 30, 30));
        c.g.draw(e);
        c.g.setStroke(new BasicStroke(2f));
        c.g.setColor(Color.WHITE);
        c.g.draw(e);
    }

    /** A filled dot with a white edge, radius 5.5: a path's start. */
    static void dot(Canvas c, double x, double y, Color color) {
        Ellipse2D.Double e = new Ellipse2D.Double(x - 5.5, y - 5.5, 11, 11);
        c.g.setColor(color);
        c.g.fill(e);
        c.g.setStroke(new BasicStroke(1.5f));
        c.g.setColor(Color.WHITE);
        c.g.draw(e);
    }

    /** A filled diamond with a white edge: a path's end. */
    static void diamond(Canvas c, double x, double y, Color color) {
        Path2D.Double d = new Path2D.Double();
        d.moveTo(x, y - 7);
        d.lineTo(x + 7, y);
        d.lineTo(x, y + 7);
        d.lineTo(x - 7, y);
        d.closePath();
        c.g.setColor(color);
        c.g.fill(d);
        c.g.setStroke(new BasicStroke(1.5f));
        c.g.setColor(Color.WHITE);
        c.g.draw(d);
    }
}
