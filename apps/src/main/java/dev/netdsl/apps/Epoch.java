package dev.netdsl.apps;

/**
 * One epoch of the MNIST and CNN examples: the training loss and accuracy (mean over the epoch's
 * batches; accuracy NaN where the program does not count it), the test set's mean loss per example and
 * correct count, the learning rate, and the time.
 *
 * @param epoch the epoch, from 1
 */
public record Epoch(int epoch, double trainLoss, double trainAccuracy, double testLoss, int correct, int total, double lr,
                    double seconds) {
    /** {@code correct / total}. */
    public double testAccuracy() {
        return (double) correct / total;
    }
}
