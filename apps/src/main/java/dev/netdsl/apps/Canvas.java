package dev.netdsl.apps;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A white, antialiased image to draw a figure on with Java2D, with the few text and tick helpers the custom
 * plots ({@link ContourPlot}, {@link SurfacePlot}) share; the image grids (predictions, kernels) draw on it too.
 */
final class Canvas {
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    /** Horizontal anchor of a text: its left end, centre or right end at x. */
    enum Align { LEFT, CENTER, RIGHT }

    final BufferedImage image;
    final Graphics2D g;

    Canvas(int width, int height) {
        this(width, height, true);
    }

    /**
     * A white canvas with antialiased text; shapes antialiased too if {@code smoothShapes} (off for pixel grids,
     * whose one-pixel frames would blur).
     */
    Canvas(int width, int height, boolean smoothShapes) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        if (smoothShapes) {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        }
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    /** Draws {@code s} in {@code font} and {@code color}, aligned on x as {@code align} says and centred on y. */
    void text(String s, double x, double y, Align align, Font font, Color color) {
        g.setFont(font);
        g.setColor(color);
        FontMetrics fm = g.getFontMetrics();
        double w = fm.stringWidth(s);
        double left = switch (align) {
            case LEFT -> x;
            case CENTER -> x - w / 2;
            case RIGHT -> x - w;
        };
        g.drawString(s, (float) left, (float) (y + (fm.getAscent() - fm.getDescent()) / 2.0));
    }

    /** {@link #text} turned a quarter to the left (reading upwards), centred on (x, y). */
    void textUp(String s, double x, double y, Font font, Color color) {
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        text(s, 0, 0, Align.CENTER, font, color);
        g.setTransform(saved);
    }

    /** The width of {@code s} in {@code font}, in pixels. */
    int width(String s, Font font) {
        return g.getFontMetrics(font).stringWidth(s);
    }

    /** The image as PNG bytes; the canvas is done with. */
    byte[] png() {
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Round tick values in [lo, hi]: multiples of a step of 1, 2 or 5 times a power of ten, the largest step that
     * still gives at least {@code atLeast} ticks.
     */
    static List<Double> ticks(double lo, double hi, int atLeast) {
        List<Double> out = new ArrayList<>();
        if (!(hi > lo)) {
            out.add(lo);
            return out;
        }
        double step = Math.pow(10, Math.ceil(Math.log10(hi - lo)));
        while (count(lo, hi, step) < atLeast) {
            step = nextSmaller(step);
        }
        for (long i = (long) Math.ceil(lo / step - 1e-9); i * step <= hi + 1e-9 * step; i++) {
            out.add(new BigDecimal(i * step).round(new java.math.MathContext(12)).doubleValue());
        }
        return out;
    }

    /** 10 -> 5 -> 2 -> 1 -> 0.5 -> ... */
    private static double nextSmaller(double step) {
        double decade = Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
        double mantissa = step / decade;
        if (mantissa > 4.99) {
            return 2 * decade;
        }
        if (mantissa > 1.99) {
            return decade;
        }
        return 0.5 * decade;
    }

    private static int count(double lo, double hi, double step) {
        return (int) (Math.floor(hi / step + 1e-9) - Math.ceil(lo / step - 1e-9)) + 1;
    }

    /** {@code v} as a tick label: no needless decimals, thousands grouped (2,000; 0.5; -4). */
    static String number(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros();
        DecimalFormat f = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
        f.setMaximumFractionDigits(Math.max(0, d.scale()));
        f.setMinimumFractionDigits(Math.max(0, d.scale()));
        return f.format(d);
    }
}
