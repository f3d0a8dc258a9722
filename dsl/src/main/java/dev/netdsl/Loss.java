package dev.netdsl;

/** The training objective a {@link Net} minimises. Create with {@link Losses}. */
public enum Loss {
    /** Mean squared error over every output, PyTorch's {@code nn.MSELoss()} with mean reduction. */
    MSE("MSELoss", "mse()"),
    /**
     * Softmax cross-entropy on logits with integer class labels, averaged over the batch: PyTorch's
     * {@code nn.CrossEntropyLoss()}. The net's output size is the number of classes.
     */
    CROSS_ENTROPY("CrossEntropyLoss", "crossEntropy()"),
    /**
     * Binary cross-entropy on logits with 0/1 float targets, averaged: PyTorch's
     * {@code nn.BCEWithLogitsLoss()}, computed stably as {@code max(z, 0) - z*y + log(1 + exp(-|z|))}.
     */
    BCE_WITH_LOGITS("BCEWithLogitsLoss", "bceWithLogits()");

    private final String typeName;
    private final String call;

    Loss(String typeName, String call) {
        this.typeName = typeName;
        this.call = call;
    }

    /** The {@link Net} call that picks this loss, e.g. {@code mse()}. */
    String call() {
        return call;
    }

    /** PyTorch-style name, e.g. {@code MSELoss}. */
    public String typeName() {
        return typeName;
    }
}
