package dev.netdsl;

import java.util.Arrays;

/**
 * A model's numbers on a data set, from {@link Model#evaluate(Dataset)}: the mean loss per example, and
 * for a classifier its accuracy, top-k accuracy, confusion matrix and per-class precision, recall and F1;
 * for a regression its mean absolute error and R².
 *
 * @param loss the mean loss per example
 * @param correct examples whose highest output is their label (elements on the right side of 0 for 0/1 targets)
 * @param total examples (or elements) counted for accuracy; 0 for a regression
 * @param topCorrect {@code topCorrect[k-1]}: examples whose label is among the k highest outputs, k = 1..5
 * @param confusion counts {@code [true][predicted]}, or an empty matrix for a regression
 * @param mae the mean absolute error of a regression, else NaN
 * @param r2 the coefficient of determination of a regression, as scikit-learn's {@code r2_score}: {@code 1 - SSres/SStot}
 *           per output, averaged over the outputs; a constant output counts 1 if predicted exactly, else 0; NaN
 *           for a classifier
 */
public record Evaluation(double loss, int correct, int total, int[] topCorrect, int[][] confusion, double mae, double r2) {
    /** A classifier's loss and accuracy only (no top-k or confusion matrix). */
    public Evaluation(double loss, int correct, int total) {
        this(loss, correct, total, new int[] {correct}, new int[0][0], Double.NaN, Double.NaN);
    }

    /** Copies the arrays. */
    public Evaluation {
        topCorrect = topCorrect.clone();
        int[][] c = new int[confusion.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = confusion[i].clone();
        }
        confusion = c;
    }

    /** A regression's numbers. */
    static Evaluation regression(double loss, double mae, double r2) {
        return new Evaluation(loss, 0, 0, new int[0], new int[0][0], mae, r2);
    }

    /** True for a regression (no accuracy; {@link #mae()} and {@link #r2()} instead). */
    public boolean isRegression() {
        return total == 0;
    }

    /** {@code correct / total}, in 0..1. @throws IllegalStateException for a regression */
    public double accuracy() {
        if (isRegression()) {
            throw new IllegalStateException("a regression has no accuracy; see mae() and r2()");
        }
        return (double) correct / total;
    }

    /**
     * The share of examples whose label is among the {@code k} highest outputs.
     *
     * @throws IllegalArgumentException unless {@code 1 <= k <= 5} (or the number of classes, if fewer)
     */
    public double topK(int k) {
        if (k < 1 || k > topCorrect.length) {
            throw new IllegalArgumentException("topK(" + k + "): this evaluation has top-1.." + topCorrect.length);
        }
        return (double) topCorrect[k - 1] / total;
    }

    /** Counts {@code [true class][predicted class]}; a copy. */
    @Override
    public int[][] confusion() {
        int[][] c = new int[confusion.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    @Override
    public int[] topCorrect() {
        return topCorrect.clone();
    }

    /** Of the examples predicted as {@code c}, the share that are {@code c} (NaN if none is predicted so). */
    public double precision(int c) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? Double.NaN : (double) confusion[c][c] / predicted;
    }

    /** Of the examples of class {@code c}, the share predicted as {@code c} (NaN if there are none). */
    public double recall(int c) {
        int actual = Arrays.stream(confusion[c]).sum();
        return actual == 0 ? Double.NaN : (double) confusion[c][c] / actual;
    }

    /** The harmonic mean of {@link #precision} and {@link #recall} for class {@code c}. */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 || Double.isNaN(p) || Double.isNaN(r) ? 0 : 2 * p * r / (p + r);
    }

    /**
     * The mean of the F1 scores of the classes that occur among the labels or the predictions (macro F1, as
     * scikit-learn's {@code f1_score(average='macro')} and torchmetrics count it: a class that is neither a
     * label nor a prediction is left out, not scored 0); NaN with no examples.
     */
    public double macroF1() {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < confusion.length; c++) {
            int seen = 0;
            for (int k = 0; k < confusion.length; k++) {
                seen += confusion[c][k] + confusion[k][c];
            }
            if (seen > 0) {
                sum += f1(c);
                present++;
            }
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    @Override
    public String toString() {
        if (isRegression()) {
            return String.format("loss %.4f, mae %.4f, r2 %.4f", loss, mae, r2);
        }
        return String.format("loss %.4f, accuracy %d/%d (%.2f%%)", loss, correct, total, 100 * accuracy());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Evaluation e && e.loss == loss && e.correct == correct && e.total == total
                && Arrays.equals(e.topCorrect, topCorrect) && Arrays.deepEquals(e.confusion, confusion)
                && Double.compare(e.mae, mae) == 0 && Double.compare(e.r2, r2) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new double[] {loss, correct, total, mae, r2});
    }
}
