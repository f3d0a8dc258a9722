package dev.netdsl.apps;

import dev.netdsl.datasets.Idx;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

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

    /** Test accuracy (%) per epoch. */
    static XYChart accuracy(double[] epochs, double[] percent, String name) {
        XYChart chart = new XYChartBuilder().width(760).height(480).title(name + ": test accuracy per epoch")
                .xAxisTitle("epoch").yAxisTitle("accuracy (%)").build();
        chart.getStyler().setLegendVisible(false).setMarkerSize(8);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.addSeries("accuracy", epochs, percent);
        return chart;
    }

    /** The confusion matrix of a 10-class test set. */
    static HeatMapChart confusion(int[] predicted, int[] truth, List<String> classes, String name) {
        int[][] counts = new int[10][10];
        for (int i = 0; i < truth.length; i++) {
            counts[truth[i]][predicted[i]]++;
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(820).height(760).title(name + ": confusion matrix (test set)")
                .xAxisTitle("predicted").yAxisTitle("true").build();
        chart.getStyler().setShowValue(true).setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
                .setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)});
        chart.getStyler().setLegendVisible(false);
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                cells.add(new Number[] {p, 9 - t, counts[t][p]});
            }
        }
        List<String> reversed = new ArrayList<>(classes);
        java.util.Collections.reverse(reversed);
        chart.addSeries("counts", classes, reversed, cells);
        return chart;
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
