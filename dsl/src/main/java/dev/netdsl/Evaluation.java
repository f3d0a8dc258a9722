package dev.netdsl;

/**
 * A model's loss and accuracy on a labelled data set, from {@link Model#evaluate(Dataset)}.
 *
 * @param loss the mean loss per example
 * @param correct examples whose highest output is their label
 * @param total examples evaluated
 */
public record Evaluation(double loss, int correct, int total) {
    /** {@code correct / total}, in 0..1. */
    public double accuracy() {
        return total == 0 ? 0 : (double) correct / total;
    }

    @Override
    public String toString() {
        return String.format("loss %.4f, accuracy %d/%d (%.2f%%)", loss, correct, total, 100 * accuracy());
    }
}
