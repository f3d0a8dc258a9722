package dev.netdsl.apps;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * A 3D surface z = f(x, y) in the manner of matplotlib's {@code plot_surface}, drawn with Java2D: a grid of quads
 * projected orthographically from a view azimuth and elevation, painted back to front, each coloured by a
 * {@link ColorScale} and shaded by its slope to a light; grey back panes with grid lines, round ticks on the
 * x, y and z axes, marked points on the surface, and the colour bar.
 */
final class SurfacePlot {
    private final DoubleBinaryOperator f;
    private final ColorScale scale;
    private double x0 = -1;
    private double x1 = 1;
    private double y0 = -1;
    private double y1 = 1;
    private double azimuth = Math.toRadians(-60);
    private double elevation = Math.toRadians(35);
    private int cells = 72;
    private String title = "";
    private String subtitle = "";
    private String xTitle = "x";
    private String yTitle = "y";
    private String zTitle = "z";
    private final List<double[]> marks = new ArrayList<>();

    /** The box's height over its half width (matplotlib's default box is 4 x 4 x 3). */
    private static final double BOX_HEIGHT = 1.7;
    /** Cells between mesh lines. */
    private static final int MESH = 6;
    private static final Color MESH_COLOR = new Color(0, 0, 0, 45);

    SurfacePlot(DoubleBinaryOperator f, ColorScale scale) {
        this.f = f;
        this.scale = scale;
    }

    SurfacePlot range(double xFrom, double xTo, double yFrom, double yTo) {
        x0 = xFrom;
        x1 = xTo;
        y0 = yFrom;
        y1 = yTo;
        return this;
    }

    /** The viewpoint as matplotlib's {@code view_init(elev, azim)}, in degrees. */
    SurfacePlot view(double elevationDegrees, double azimuthDegrees) {
        elevation = Math.toRadians(elevationDegrees);
        azimuth = Math.toRadians(azimuthDegrees);
        return this;
    }

    SurfacePlot titles(String title, String subtitle) {
        this.title = title;
        this.subtitle = subtitle;
        return this;
    }

    SurfacePlot axes(String x, String y, String z) {
        xTitle = x;
        yTitle = y;
        zTitle = z;
        return this;
    }

    /** Points (x, y) marked on the surface as small white-edged dots. */
    SurfacePlot marks(List<double[]> points) {
        marks.addAll(points);
        return this;
    }

    /** One thing to paint, at a depth (larger is farther). */
    private record Item(double depth, Runnable paint) {
    }

    /** Renders a {@code width} x {@code height} figure; returns PNG bytes. */
    byte[] png(int width, int height) {
        double[][] z = new double[cells + 1][cells + 1];
        double zMax = 0;
        double zMin = Double.POSITIVE_INFINITY;
        for (int j = 0; j <= cells; j++) {
            for (int i = 0; i <= cells; i++) {
                z[j][i] = f.applyAsDouble(x(i), y(j));
                zMax = Math.max(zMax, z[j][i]);
                zMin = Math.min(zMin, z[j][i]);
            }
        }
        List<Double> zTicks = Canvas.ticks(Math.min(0, zMin), zMax, 4);
        double zLo = Math.min(0, zMin);
        double zHi = Math.max(zMax, zTicks.get(zTicks.size() - 1));
        Canvas c = new Canvas(width, height);
        c.text(title, width / 2.0, 26, Canvas.Align.CENTER, Canvas.TITLE, Color.BLACK);
        int top = 56;
        if (!subtitle.isEmpty()) {
            c.text(subtitle, width / 2.0, 52, Canvas.Align.CENTER, Canvas.SUBTITLE, new Color(60, 60, 60));
            top = 72;
        }
        int barSpace = 40 + 20 + scale.labelWidth(c);
        Projection p = fit(60, top + 10, width - barSpace - 50, height - 40, zLo, zHi);
        panes(c, p, zTicks);
        List<Item> items = new ArrayList<>();
        double[] light = light();
        for (int j = 0; j < cells; j++) {
            for (int i = 0; i < cells; i++) {
                double[][] q = {p.world(x(i), y(j), z[j][i]), p.world(x(i + 1), y(j), z[j][i + 1]),
                    p.world(x(i + 1), y(j + 1), z[j + 1][i + 1]), p.world(x(i), y(j + 1), z[j + 1][i])};
                double[] a = minus(q[2], q[0]);
                double[] b = minus(q[3], q[1]);
                double[] n = cross(a, b);
                double len = Math.sqrt(dot(n, n));
                double lambert = len == 0 ? 1 : Math.max(0, dot(n, light) * Math.signum(n[2])) / len;
                double shade = 0.3 + 0.75 * lambert;
                Color base = scale.smooth(f.applyAsDouble((x(i) + x(i + 1)) / 2, (y(j) + y(j + 1)) / 2));
                Color col = new Color(clamp(base.getRed() * shade), clamp(base.getGreen() * shade), clamp(base.getBlue() * shade));
                double depth = 0;
                Path2D.Double quad = new Path2D.Double();
                for (int k = 0; k < 4; k++) {
                    double[] s = p.screen(q[k]);
                    depth += p.depth(q[k]) / 4;
                    if (k == 0) {
                        quad.moveTo(s[0], s[1]);
                    } else {
                        quad.lineTo(s[0], s[1]);
                    }
                }
                quad.closePath();
                // Every few cells a mesh line along the quad's low-x or low-y edge, as plot_surface's edges show.
                boolean meshX = i % MESH == 0;
                boolean meshY = j % MESH == 0;
                double[] s0 = p.screen(q[0]);
                double[] s1 = p.screen(q[1]);
                double[] s3 = p.screen(q[3]);
                items.add(new Item(depth, () -> {
                    c.g.setColor(col);
                    c.g.fill(quad);
                    c.g.setStroke(new BasicStroke(0.7f));
                    c.g.draw(quad);
                    if (meshX || meshY) {
                        c.g.setColor(MESH_COLOR);
                        c.g.setStroke(new BasicStroke(0.8f));
                        if (meshX) {
                            c.g.draw(new Line2D.Double(s0[0], s0[1], s3[0], s3[1]));
                        }
                        if (meshY) {
                            c.g.draw(new Line2D.Double(s0[0], s0[1], s1[0], s1[1]));
                        }
                    }
                }));
            }
        }
        for (double[] m : marks) {
            double[] w = p.world(m[0], m[1], f.applyAsDouble(m[0], m[1]));
            double[] s = p.screen(w);
            items.add(new Item(p.depth(w) - 0.02, () -> {
                Ellipse2D.Double e = new Ellipse2D.Double(s[0] - 4.5, s[1] - 4.5, 9, 9);
                c.g.setColor(new Color(228, 26, 28));
                c.g.fill(e);
                c.g.setColor(Color.WHITE);
                c.g.setStroke(new BasicStroke(1.5f));
                c.g.draw(e);
            }));
        }
        items.sort(Comparator.comparingDouble(Item::depth).reversed());
        items.forEach(it -> it.paint().run());
        axes(c, p, zTicks);
        double barHeight = Math.min(height - top - 100, 460);
        scale.drawBar(c, width - barSpace + 10, top + (height - top - barHeight) / 2, 20, barHeight, zTitle, true);
        return c.png();
    }

    private double x(int i) {
        return x0 + (x1 - x0) * i / cells;
    }

    private double y(int j) {
        return y0 + (y1 - y0) * j / cells;
    }

    /** Toward the light: from above, over the viewer's left shoulder. */
    private double[] light() {
        double[] toViewer = {Math.cos(azimuth) * Math.cos(elevation), Math.sin(azimuth) * Math.cos(elevation), Math.sin(elevation)};
        double[] right = {-Math.sin(azimuth), Math.cos(azimuth), 0};
        double[] l = {0.5 * toViewer[0] - 0.5 * right[0], 0.5 * toViewer[1] - 0.5 * right[1], 0.5 * toViewer[2] + 0.7};
        double len = Math.sqrt(dot(l, l));
        return new double[] {l[0] / len, l[1] / len, l[2] / len};
    }

    /** The grey back panes (the floor and the two walls farther from the viewer) with grid lines at the ticks. */
    private void panes(Canvas c, Projection p, List<Double> zTicks) {
        double h = BOX_HEIGHT;
        double wx = p.depth(new double[] {1, 0, h / 2}) > p.depth(new double[] {-1, 0, h / 2}) ? 1 : -1;
        double wy = p.depth(new double[] {0, 1, h / 2}) > p.depth(new double[] {0, -1, h / 2}) ? 1 : -1;
        Color pane = new Color(235, 235, 238);
        Color grid = new Color(255, 255, 255);
        fillPane(c, p, new double[][] {{-1, -1, 0}, {1, -1, 0}, {1, 1, 0}, {-1, 1, 0}}, pane);
        fillPane(c, p, new double[][] {{wx, -1, 0}, {wx, 1, 0}, {wx, 1, h}, {wx, -1, h}}, pane);
        fillPane(c, p, new double[][] {{-1, wy, 0}, {1, wy, 0}, {1, wy, h}, {-1, wy, h}}, pane);
        c.g.setStroke(new BasicStroke(1f));
        c.g.setColor(grid);
        for (double t : Canvas.ticks(x0, x1, 5)) {
            double u = p.nx(t);
            line(c, p, new double[] {u, -1, 0}, new double[] {u, 1, 0});
            line(c, p, new double[] {u, wy, 0}, new double[] {u, wy, h});
        }
        for (double t : Canvas.ticks(y0, y1, 5)) {
            double v = p.ny(t);
            line(c, p, new double[] {-1, v, 0}, new double[] {1, v, 0});
            line(c, p, new double[] {wx, v, 0}, new double[] {wx, v, h});
        }
        for (double t : zTicks) {
            double w = p.nz(t);
            line(c, p, new double[] {wx, -1, w}, new double[] {wx, 1, w});
            line(c, p, new double[] {-1, wy, w}, new double[] {1, wy, w});
        }
    }

    private static void fillPane(Canvas c, Projection p, double[][] corners, Color color) {
        Path2D.Double path = new Path2D.Double();
        for (int k = 0; k < corners.length; k++) {
            double[] s = p.screen(corners[k]);
            if (k == 0) {
                path.moveTo(s[0], s[1]);
            } else {
                path.lineTo(s[0], s[1]);
            }
        }
        path.closePath();
        c.g.setColor(color);
        c.g.fill(path);
        c.g.setColor(new Color(190, 190, 195));
        c.g.setStroke(new BasicStroke(1f));
        c.g.draw(path);
    }

    private static void line(Canvas c, Projection p, double[] a, double[] b) {
        double[] s = p.screen(a);
        double[] e = p.screen(b);
        c.g.draw(new Line2D.Double(s[0], s[1], e[0], e[1]));
    }

    /**
     * Ticks and titles: x along the floor edge nearer the viewer, y along the other near floor edge, z up the
     * box's leftmost vertical edge, each label pushed out from the box.
     */
    private void axes(Canvas c, Projection p, List<Double> zTicks) {
        double ex = p.depth(new double[] {0, 1, 0}) < p.depth(new double[] {0, -1, 0}) ? 1 : -1;
        double ey = p.depth(new double[] {1, 0, 0}) < p.depth(new double[] {-1, 0, 0}) ? 1 : -1;
        Color ink = new Color(60, 60, 60);
        c.g.setColor(ink);
        c.g.setStroke(new BasicStroke(1.2f));
        line(c, p, new double[] {-1, ex, 0}, new double[] {1, ex, 0});
        line(c, p, new double[] {ey, -1, 0}, new double[] {ey, 1, 0});
        for (double t : Canvas.ticks(x0, x1, 5)) {
            tick(c, p, new double[] {p.nx(t), ex, 0}, new double[] {0, ex, 0}, Canvas.number(t));
        }
        for (double t : Canvas.ticks(y0, y1, 5)) {
            tick(c, p, new double[] {ey, p.ny(t), 0}, new double[] {ey, 0, 0}, Canvas.number(t));
        }
        title(c, p, new double[] {0, ex * 1.42, 0}, xTitle);
        title(c, p, new double[] {ey * 1.42, 0, 0}, yTitle);
        // z: the floor corner leftmost on the screen.
        double[] corner = null;
        for (double cx : new double[] {-1, 1}) {
            for (double cy : new double[] {-1, 1}) {
                double[] k = {cx, cy, 0};
                if (corner == null || p.screen(k)[0] < p.screen(corner)[0]) {
                    corner = k;
                }
            }
        }
        double[] bottom = corner;
        double[] topCorner = {corner[0], corner[1], p.nz(zTicks.get(zTicks.size() - 1))};
        c.g.setColor(ink);
        c.g.setStroke(new BasicStroke(1.2f));
        line(c, p, bottom, topCorner);
        double widest = 0;
        for (double t : zTicks) {
            double[] s = p.screen(new double[] {corner[0], corner[1], p.nz(t)});
            c.g.setColor(ink);
            c.g.draw(new Line2D.Double(s[0] - 5, s[1], s[0], s[1]));
            String label = Canvas.number(t);
            c.text(label, s[0] - 8, s[1], Canvas.Align.RIGHT, Canvas.TICK, Color.BLACK);
            widest = Math.max(widest, c.width(label, Canvas.TICK));
        }
        double[] mid = p.screen(new double[] {corner[0], corner[1], p.nz(zTicks.get(zTicks.size() - 1)) / 2});
        c.textUp(zTitle, mid[0] - 8 - widest - 14, mid[1], Canvas.AXIS_TITLE, Color.BLACK);
    }

    /** A tick at {@code at} on a floor edge, its label pushed away from {@code edgeMiddle}'s side of the box. */
    private static void tick(Canvas c, Projection p, double[] at, double[] outward, String label) {
        double[] s = p.screen(at);
        double[] o = p.screen(new double[] {at[0] + outward[0] * 0.06, at[1] + outward[1] * 0.06, 0});
        c.g.setColor(new Color(60, 60, 60));
        c.g.setStroke(new BasicStroke(1.2f));
        c.g.draw(new Line2D.Double(s[0], s[1], o[0], o[1]));
        double[] t = p.screen(new double[] {at[0] + outward[0] * 0.18, at[1] + outward[1] * 0.18, 0});
        c.text(label, t[0], t[1] + 4, Canvas.Align.CENTER, Canvas.TICK, Color.BLACK);
    }

    private static void title(Canvas c, Projection p, double[] at, String text) {
        double[] s = p.screen(at);
        c.text(text, s[0], s[1] + 4, Canvas.Align.CENTER, Canvas.AXIS_TITLE, Color.BLACK);
    }

    /** The projection that fits the box (with room for its labels) into the given screen rectangle. */
    private Projection fit(double left, double top, double right, double bottom, double zLo, double zHi) {
        Projection unit = new Projection(azimuth, elevation, 1, 0, 0, x0, x1, y0, y1, zLo, zHi);
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (double cx : new double[] {-1.3, 1.3}) {
            for (double cy : new double[] {-1.3, 1.3}) {
                for (double cz : new double[] {0, BOX_HEIGHT}) {
                    double[] s = unit.screen(new double[] {cx, cy, cz});
                    minX = Math.min(minX, s[0]);
                    maxX = Math.max(maxX, s[0]);
                    minY = Math.min(minY, s[1]);
                    maxY = Math.max(maxY, s[1]);
                }
            }
        }
        double k = Math.min((right - left) / (maxX - minX), (bottom - top) / (maxY - minY));
        double ox = left + ((right - left) - k * (maxX - minX)) / 2 - k * minX;
        double oy = top + ((bottom - top) - k * (maxY - minY)) / 2 - k * minY;
        return new Projection(azimuth, elevation, k, ox, oy, x0, x1, y0, y1, zLo, zHi);
    }

    /**
     * Data to the box [-1, 1] x [-1, 1] x [0, BOX_HEIGHT] ("world"), and the world to the screen: u to the
     * viewer's right, v away from the viewer along the floor, then tilted by the elevation.
     */
    private record Projection(double az, double el, double k, double ox, double oy, double x0, double x1, double y0, double y1,
                              double zLo, double zHi) {
        double nx(double x) {
            return 2 * (x - x0) / (x1 - x0) - 1;
        }

        double ny(double y) {
            return 2 * (y - y0) / (y1 - y0) - 1;
        }

        double nz(double z) {
            return BOX_HEIGHT * (z - zLo) / (zHi - zLo);
        }

        double[] world(double x, double y, double z) {
            return new double[] {nx(x), ny(y), nz(z)};
        }

        double[] screen(double[] w) {
            double u = -w[0] * Math.sin(az) + w[1] * Math.cos(az);
            double v = -(w[0] * Math.cos(az) + w[1] * Math.sin(az));
            double up = w[2] * Math.cos(el) + v * Math.sin(el);
            return new double[] {ox + k * u, oy - k * up};
        }

        double depth(double[] w) {
            double v = -(w[0] * Math.cos(az) + w[1] * Math.sin(az));
            return v * Math.cos(el) - w[2] * Math.sin(el);
        }
    }

    private static double[] minus(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
