package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.layers.Settings;

/**
 * Softmax cross-entropy on logits with integer class labels, averaged over the batch: PyTorch's
 * {@code nn.CrossEntropyLoss()}. The net's output size is the number of classes. Create with
 * {@link Losses#crossEntropy()}.
 */
public record CrossEntropyLoss() implements Loss {
    /** Rebuilds it from a file (it has no settings). */
    public static CrossEntropyLoss fromSettings(Settings s) {
        return new CrossEntropyLoss();
    }

    @Override
    public String typeName() {
        return "CrossEntropyLoss";
    }

    @Override
    public Targets targets() {
        return Targets.CLASSES;
    }

    @Override
    public Expr elementwise(Expr output, Expr target) {
        return output.softmaxCrossEntropy(target);
    }

    @Override
    public String netCall() {
        return "crossEntropy()";
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss()";
    }
}
