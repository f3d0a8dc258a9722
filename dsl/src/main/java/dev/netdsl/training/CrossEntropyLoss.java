package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.layers.Settings;

/**
 * Softmax cross-entropy on logits with integer class labels, averaged: PyTorch's
 * {@code nn.CrossEntropyLoss(ignore_index)}. The net's output is {@code [classes]} per example, or
 * {@code [T, classes]} with a label per position (a language model's next tokens), averaged over every
 * position. With {@link #ignoreIndex} set, positions labelled so (padding) count for nothing and the mean
 * is over the others. Create with {@link Losses#crossEntropy()}.
 *
 * @param ignoreIndex the label whose positions are ignored, or -1 for none
 */
public record CrossEntropyLoss(int ignoreIndex) implements Loss {
    /** Every label counts. */
    public CrossEntropyLoss() {
        this(-1);
    }

    /** @throws IllegalArgumentException for an index below -1 */
    public CrossEntropyLoss {
        if (ignoreIndex < -1) {
            throw new IllegalArgumentException("ignoreIndex(" + ignoreIndex + "): a label, 0 or more (-1: none)");
        }
    }

    /** Rebuilds it from {@code ignore_index} (if set). */
    public static CrossEntropyLoss fromSettings(Settings s) {
        return new CrossEntropyLoss(s.has("ignore_index") ? s.getInt("ignore_index") : -1);
    }

    /** A copy that ignores the positions labelled {@code label} ({@code ignore_index}), e.g. a padding token. */
    public CrossEntropyLoss ignoreIndex(int label) {
        if (label < 0) {
            throw new IllegalArgumentException("ignoreIndex(" + label + "): a label, 0 or more");
        }
        return new CrossEntropyLoss(label);
    }

    @Override
    public String typeName() {
        return "CrossEntropyLoss";
    }

    @Override
    public Settings settings() {
        return ignoreIndex < 0 ? Settings.empty() : Settings.of("ignore_index", ignoreIndex);
    }

    @Override
    public Targets targets() {
        return Targets.CLASSES;
    }

    @Override
    public Expr elementwise(Expr output, Expr target) {
        Expr loss = output.softmaxCrossEntropy(target);
        if (ignoreIndex < 0) {
            return loss;
        }
        // Kept positions only, and the mean over them: loss * keep / mean(keep) averages to sum(loss * keep) / count.
        Expr keep = Expr.scalar(1).minus(target.select(-1, ignoreIndex));
        return loss.times(keep).div(keep.mean());
    }

    @Override
    public String netCall() {
        return ignoreIndex < 0 ? "crossEntropy()" : "loss(Losses.crossEntropy().ignoreIndex(" + ignoreIndex + "))";
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss(" + (ignoreIndex < 0 ? "" : "ignore_index=" + ignoreIndex) + ")";
    }
}
