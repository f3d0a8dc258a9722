package dev.netdsl.apps;

import dev.netdsl.datasets.Idx;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.List;

/** Pictures of a 10-class image classifier's results: accuracy per epoch, the confusion matrix, a grid of predictions. */
final class ClassifierPlots {
    private ClassifierPlots() {
    }

    static int[] argmax(float[][] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int c = 1; c < rows[i].length; c++) {
                if (rows[i][c] > rows[i][out[i]]) {
                    out[i] = c;
                }
            }
        }
        return out;
    }

    static int[] argmax(float[] flat, int width) {
        int[] out = new int[flat.length / width];
        for (int i = 0; i < out.length; i++) {
            for (int c = 1; c < width; c++) {
                if (flat[i * width + c] > flat[i * width + out[i]]) {
                    out[i] = c;
                }
            }
        }
        return out;
    }

    /** {@code counts[t][p]}: how many test images of true class {@code t} were predicted as {@code p}. */
    static int[][] confusionCounts(int[] predicted, int[] truth, int classes) {
        int[][] counts = new int[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            counts[truth[i]][predicted[i]]++;
        }
        return counts;
    }

    /** The classes no test image was predicted as: the confusion matrix's empty columns. */
    static List<String> neverPredicted(int[][] counts, List<String> classes) {
        List<String> out = new ArrayList<>();
        for (int p = 0; p < counts.length; p++) {
            int column = 0;
            for (int[] row : counts) {
                column += row[p];
            }
            if (column == 0) {
                out.add(classes.get(p));
            }
        }
        return out;
    }

    /** The cells' colours: pale blue for few images, mid blue at half the largest count, dark navy for the most. */
    private static final Color[] BLUES = {new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)};

    /** The colour of a cell holding {@code share} (0 to 1) of the largest count, between the three {@link #BLUES}. */
    static Color blue(double share) {
        double at = Math.max(0, Math.min(1, share)) * (BLUES.length - 1);
        int i = Math.min(BLUES.length - 2, (int) at);
        double f = at - i;
        Color a = BLUES[i];
        Color b = BLUES[i + 1];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    /**
     * The confusion matrix: a row per true class, a column per predicted class, each cell's count written on it in
     * black or white, whichever stands out more from the cell's colour (so the dark diagonal reads as well as the pale
     * cells); zeros in grey; the classes never predicted named in the subtitle.
     */
    static byte[] confusion(int[][] counts, List<String> classes, String name) {
        return confusion(counts, classes, name, "images");
    }

    /** {@link #confusion(int[][], List, String)} counting {@code items} (images, quotes). */
    static byte[] confusion(int[][] counts, List<String> classes, String name, String items) {
        int n = counts.length;
        int cell = 62;
        int labelWidth = 40;
        for (int t = 0; t < n; t++) {
            labelWidth = Math.max(labelWidth, 12 + new Canvas(1, 1).width(rowLabel(t, classes), Canvas.TICK));
        }
        int left = 40 + labelWidth;
        int top = 96;
        int width = Math.max(820, left + n * cell + 40);
        int height = top + n * cell + 70;
        Canvas c = new Canvas(width, height);
        int total = 0;
        int right = 0;
        int max = 1;
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                total += counts[t][p];
                right += t == p ? counts[t][p] : 0;
                max = Math.max(max, counts[t][p]);
            }
        }
        List<String> never = neverPredicted(counts, classes);
        c.text(name + ": confusion matrix (test set)", width / 2.0, 22, Canvas.Align.CENTER, Canvas.TITLE, Color.BLACK);
        c.text(String.format(java.util.Locale.ROOT, "rows: true class, columns: predicted class; %,d %s, %.1f%% right", total, items,
                100.0 * right / Math.max(1, total)), width / 2.0, 46, Canvas.Align.CENTER, Canvas.SUBTITLE, Color.DARK_GRAY);
        if (!never.isEmpty()) {
            c.text("never predicted (empty columns): " + String.join(", ", never), width / 2.0, 66, Canvas.Align.CENTER,
                    Canvas.SUBTITLE, new Color(180, 0, 0));
        }
        Font value = new Font(Font.SANS_SERIF, Font.BOLD, 15);
        for (int t = 0; t < n; t++) {
            c.text(rowLabel(t, classes), left - 10, top + t * cell + cell / 2.0, Canvas.Align.RIGHT, Canvas.TICK, Color.BLACK);
            for (int p = 0; p < n; p++) {
                int x = left + p * cell;
                int y = top + t * cell;
                Color background = counts[t][p] == 0 ? Color.WHITE : blue((double) counts[t][p] / max);
                c.g.setColor(background);
                c.g.fillRect(x, y, cell, cell);
                c.g.setColor(new Color(225, 225, 225));
                c.g.drawRect(x, y, cell, cell);
                c.text(Integer.toString(counts[t][p]), x + cell / 2.0, y + cell / 2.0, Canvas.Align.CENTER,
                        counts[t][p] == 0 ? Canvas.TICK : value, counts[t][p] == 0 ? new Color(170, 170, 170) : textOn(background));
            }
        }
        for (int p = 0; p < n; p++) {
            boolean empty = never.contains(classes.get(p));
            c.text(Integer.toString(p), left + p * cell + cell / 2.0, top + n * cell + 16, Canvas.Align.CENTER, Canvas.AXIS_TITLE,
                    empty ? new Color(180, 0, 0) : Color.BLACK);
        }
        c.text("predicted class", left + n * cell / 2.0, top + n * cell + 44, Canvas.Align.CENTER, Canvas.AXIS_TITLE, Color.BLACK);
        c.textUp("true class", 16, top + n * cell / 2.0, Canvas.AXIS_TITLE, Color.BLACK);
        return c.png();
    }

    /**
     * Attention maps side by side, one per text: a row per word attending (the query), a column per word attended to
     * (the key), each cell's weight as a percentage on a blue scale from 0 to the map's largest weight; rows sum to 100.
     */
    static byte[] attention(List<List<String>> tokens, List<float[][]> maps, String title) {
        int cell = 38;
        int gap = 50;
        Canvas probe = new Canvas(1, 1);
        int[] labelWidths = new int[tokens.size()];
        int longest = 0;
        int width = 20;
        int rows = 0;
        for (int k = 0; k < tokens.size(); k++) {
            for (String w : tokens.get(k)) {
                labelWidths[k] = Math.max(labelWidths[k], probe.width(w, Canvas.TICK));
            }
            longest = Math.max(longest, labelWidths[k]);
            width += labelWidths[k] + 12 + tokens.get(k).size() * cell + gap;
            rows = Math.max(rows, tokens.get(k).size());
        }
        width = Math.max(820, width);
        int top = 80 + longest + 12;
        int height = top + rows * cell + 60;
        Canvas c = new Canvas(width, height);
        c.text(title, width / 2.0, 22, Canvas.Align.CENTER, Canvas.TITLE, Color.BLACK);
        c.text("rows: the word attending, columns: the words it attends to; weights in % (each row sums to 100), averaged over"
                + " the heads; padding gets none", width / 2.0, 46, Canvas.Align.CENTER, Canvas.SUBTITLE, Color.DARK_GRAY);
        Font value = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        int x0 = 20;
        for (int k = 0; k < tokens.size(); k++) {
            List<String> ws = tokens.get(k);
            float[][] m = maps.get(k);
            float max = 1e-9f;
            for (float[] row : m) {
                for (float v : row) {
                    max = Math.max(max, v);
                }
            }
            int left = x0 + labelWidths[k] + 12;
            for (int q = 0; q < ws.size(); q++) {
                c.text(ws.get(q), left - 8, top + q * cell + cell / 2.0, Canvas.Align.RIGHT, Canvas.TICK, Color.BLACK);
                c.textUp(ws.get(q), left + q * cell + cell / 2.0, top - 8 - probe.width(ws.get(q), Canvas.TICK) / 2.0, Canvas.TICK,
                        Color.BLACK);
                for (int key = 0; key < ws.size(); key++) {
                    Color background = blue(m[q][key] / max);
                    c.g.setColor(background);
                    c.g.fillRect(left + key * cell, top + q * cell, cell, cell);
                    c.g.setColor(new Color(225, 225, 225));
                    c.g.drawRect(left + key * cell, top + q * cell, cell, cell);
                    c.text(Long.toString(Math.round(100.0 * m[q][key])), left + key * cell + cell / 2.0, top + q * cell + cell / 2.0,
                            Canvas.Align.CENTER, value, textOn(background));
                }
            }
            x0 = left + ws.size() * cell + gap;
        }
        return c.png();
    }

    /** A row's label: the class's number, and its name where that is not the number (Fashion-MNIST's "3  Dress"). */
    private static String rowLabel(int t, List<String> classes) {
        return classes.get(t).equals(Integer.toString(t)) ? classes.get(t) : t + "  " + classes.get(t);
    }

    /** Black or white, whichever has the larger contrast ratio with {@code background} (WCAG's relative luminance). */
    static Color textOn(Color background) {
        double l = luminance(background);
        return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? Color.BLACK : Color.WHITE;
    }

    /** WCAG's contrast ratio of two colours, from 1 (the same) to 21 (black on white). */
    static double contrast(Color a, Color b) {
        double x = luminance(a);
        double y = luminance(b);
        return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    }

    private static double luminance(Color c) {
        return 0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    }

    private static double linear(int channel) {
        double v = channel / 255.0;
        return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    /** A grid of the first 32 test images with predicted and true labels (green right, red wrong). */
    static byte[] predictions(Idx.Images images, int[] predicted, int[] truth, List<String> classes) {
        int cols = 8;
        int rows = 4;
        int scale = 4;
        int cell = 28 * scale;
        int caption = 34;
        int width = cols * (cell + 10) + 10;
        int height = rows * (cell + caption + 10) + 50;
        Canvas canvas = new Canvas(width, height, false);
        Graphics2D g = canvas.g;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Test images: predicted / true label", 12, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int k = 0; k < Math.min(rows * cols, images.count()); k++) {
            int x0 = 10 + (k % cols) * (cell + 10);
            int y0 = 45 + (k / cols) * (cell + caption + 10);
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    int v = 255 - images.pixel(k, r, c);
                    g.setColor(new Color(v, v, v));
                    g.fillRect(x0 + c * scale, y0 + r * scale, scale, scale);
                }
            }
            boolean right = predicted[k] == truth[k];
            g.setColor(right ? new Color(0, 130, 0) : new Color(200, 0, 0));
            g.drawString("pred " + classes.get(predicted[k]), x0, y0 + cell + 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString("true " + classes.get(truth[k]), x0, y0 + cell + 29);
        }
        return canvas.png();
    }
}
