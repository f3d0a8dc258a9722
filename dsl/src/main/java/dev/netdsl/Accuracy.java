package dev.netdsl;

import dev.netdsl.training.Targets;

/** Counts right answers in a batch's outputs, for the training accuracy of an epoch. */
final class Accuracy {
    private Accuracy() {
    }

    /**
     * {correct, counted} for {@code out} ({@code [n, width]} row-major) against {@code batch}'s targets:
     * arg-max against labels, or logits on the right side of 0 against 0/1 targets.
     */
    static long[] count(Targets kind, float[] out, int width, Dataset batch) {
        long correct = 0;
        if (kind == Targets.CLASSES) {
            int[] labels = batch.labelData();
            for (int i = 0; i < labels.length; i++) {
                int best = 0;
                for (int c = 1; c < width; c++) {
                    if (out[i * width + c] > out[i * width + best]) {
                        best = c;
                    }
                }
                correct += best == labels[i] ? 1 : 0;
            }
            return new long[] {correct, labels.length};
        }
        float[] y = batch.yData();
        for (int i = 0; i < out.length; i++) {
            correct += (out[i] > 0) == (y[i] > 0.5f) ? 1 : 0;
        }
        return new long[] {correct, out.length};
    }
}
