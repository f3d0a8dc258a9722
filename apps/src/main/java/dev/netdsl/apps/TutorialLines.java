package dev.netdsl.apps;

import dev.netdsl.training.Callback;
import dev.netdsl.training.TrainingRun;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The MNIST tutorial's lines, with epochs counted from 1 ({@code Train Epoch: 1 [0/60000 (0%)]	Loss: 2.302585} every
 * 100 batches, {@code Test set: Average loss: 0.1234, Accuracy: 9123/10000 (91%)} after each epoch, the loss being the
 * mean per example), a progress bar per epoch on a terminal, and the numbers behind the plots: each batch's loss and each
 * epoch's training and test numbers. A callback of {@code Model.fit} with the test set as validation, or told by a
 * hand-written loop ({@link #batch}, {@link #epoch}).
 */
final class TutorialLines implements Callback {
    private final PrintStream console;
    private final int samples;
    private final int batchSize;
    private final int testSize;
    private final int epochCount;
    private final boolean bars;
    private final int batches;
    /** {@code [epochs trained before the batch, loss]} of every batch. */
    final List<double[]> batchLosses = new ArrayList<>();
    final List<Epoch> epochs = new ArrayList<>();
    private Bar bar = Bar.open("", 0, false);
    private double running;

    /**
     * @param epochCount the epochs the run will train (for the bar's "epoch 1/10")
     * @param bars whether to draw a progress bar per epoch (on a terminal only; not with --quiet)
     */
    TutorialLines(PrintStream console, int samples, int batchSize, int testSize, int epochCount, boolean bars) {
        this.console = console;
        this.samples = samples;
        this.batchSize = batchSize;
        this.testSize = testSize;
        this.epochCount = epochCount;
        this.bars = bars;
        this.batches = (samples + batchSize - 1) / batchSize;
    }

    /** Records (and prints every 100th) batch {@code batch} of epoch {@code epoch}, both from 1. */
    void batch(int epoch, int batch, float loss) {
        if (batch == 1) {
            bar = Bar.open("epoch " + epoch + "/" + epochCount, batches, bars);
            running = 0;
        }
        running += loss;
        batchLosses.add(new double[] {epoch - 1 + (double) (batch - 1) / batches, loss});
        if ((batch - 1) % 100 == 0) {
            console.printf("Train Epoch: %d [%d/%d (%.0f%%)]\tLoss: %.6f%n", epoch, (batch - 1) * batchSize, samples,
                    100.0 * (batch - 1) / batches, loss);
        }
        bar.update(batch, String.format(java.util.Locale.ROOT, "loss %.4f", running / batch));
    }

    /** Records and prints epoch {@code epoch} (from 1). */
    void epoch(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy, double lr, double seconds) {
        bar.close();
        int correct = (int) Math.round(testAccuracy * testSize);
        console.printf("%nTest set: Average loss: %.4f, Accuracy: %d/%d (%.0f%%)%n%n", testLoss, correct, testSize,
                100.0 * correct / testSize);
        epochs.add(new Epoch(epoch, trainLoss, trainAccuracy, testLoss, correct, testSize, lr, seconds));
    }

    @Override
    public void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
        batch(epoch, batch, loss);
    }

    @Override
    public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
        epoch(epoch, logs.get("loss"), logs.getOrDefault("accuracy", Double.NaN), logs.get("val_loss"), logs.get("val_accuracy"),
                logs.get("lr"), logs.get("seconds"));
    }

    @Override
    public void onTrainEnd(TrainingRun run, dev.netdsl.History history) {
        bar.close();
    }

    /**
     * Loss: each batch (faint), the epoch's mean over its batches, and the test set's, per epoch. (The round ticks
     * on the batches' equally spaced x values come from {@link Charts#roundTicks} when it is written.)
     */
    XYChart lossChart(String name) {
        XYChart chart = new XYChartBuilder().width(860).height(520).title(name + ": cross-entropy loss, train vs test")
                .xAxisTitle("epochs trained").yAxisTitle("cross-entropy loss (mean per example)").build();
        wholeEpochTicks(chart);
        // An epoch's mean is drawn at its end, where the test set is evaluated.
        double[] ends = trained();
        double[] testLoss = epochs.stream().mapToDouble(Epoch::testLoss).toArray();
        XYSeries s = chart.addSeries("train (each batch)", batchLosses.stream().mapToDouble(p -> p[0]).toArray(),
                batchLosses.stream().mapToDouble(p -> p[1]).toArray());
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(new Color(31, 119, 180, 70));
        XYSeries mean = chart.addSeries("train (epoch mean)", ends, epochs.stream().mapToDouble(Epoch::trainLoss).toArray());
        mean.setLineColor(new Color(8, 48, 107));
        mean.setMarkerColor(new Color(8, 48, 107));
        mean.setLineStyle(new BasicStroke(3f));
        XYSeries t = chart.addSeries("test (end of epoch)", ends, testLoss);
        t.setLineColor(Color.RED);
        t.setMarkerColor(Color.RED);
        t.setLineStyle(new BasicStroke(3f));
        return chart;
    }

    /** Accuracy (%) per epoch: training (where counted) and test. */
    XYChart accuracyChart(String name) {
        XYChart chart = new XYChartBuilder().width(860).height(520).title(name + ": accuracy per epoch, train vs test")
                .xAxisTitle("epochs trained").yAxisTitle("accuracy (%)").build();
        wholeEpochTicks(chart);
        double[] at = trained();
        if (epochs.stream().noneMatch(e -> Double.isNaN(e.trainAccuracy()))) {
            XYSeries tr = chart.addSeries("train (during the epoch)", at,
                    epochs.stream().mapToDouble(e -> 100 * e.trainAccuracy()).toArray());
            tr.setLineColor(new Color(31, 119, 180));
            tr.setMarkerColor(new Color(31, 119, 180));
        }
        XYSeries te = chart.addSeries("test (end of epoch)", at, epochs.stream().mapToDouble(e -> 100 * e.testAccuracy()).toArray());
        te.setLineColor(Color.RED);
        te.setMarkerColor(Color.RED);
        return chart;
    }

    /** 1, 2, ...: the number of epochs trained at the end of each recorded epoch. */
    private double[] trained() {
        return epochs.stream().mapToDouble(Epoch::epoch).toArray();
    }

    /** An x axis from 0 to the epochs trained, ticked at whole epochs (or every few), not at tenths; the legend below. */
    private void wholeEpochTicks(XYChart chart) {
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS)
                .setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax((double) Math.max(1, epochs.size()));
        chart.getStyler().setXAxisDecimalPattern("0.#");
        // It spaces ticks by a pixel hint: about one tick per epoch over the ~600 px plot, at least 60 px apart.
        chart.getStyler().setXAxisTickMarkSpacingHint(Math.max(60, 600 / Math.max(1, epochs.size())));
    }
}
