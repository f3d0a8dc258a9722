package dev.netdsl;

/** Static factories for losses, meant for static import. */
public final class Losses {
    private Losses() {
    }

    /** Mean squared error, {@code mean((yHat - y)^2)}. */
    public static Loss mse() {
        return Loss.MSE;
    }

    /** Softmax cross-entropy on logits with integer labels ({@code nn.CrossEntropyLoss()}). */
    public static Loss crossEntropy() {
        return Loss.CROSS_ENTROPY;
    }

    /** Binary cross-entropy on logits with 0/1 targets ({@code nn.BCEWithLogitsLoss()}). */
    public static Loss bceWithLogits() {
        return Loss.BCE_WITH_LOGITS;
    }
}
