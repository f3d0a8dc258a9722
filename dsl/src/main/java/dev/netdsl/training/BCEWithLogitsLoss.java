package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.layers.Settings;

/**
 * Binary cross-entropy on logits with 0/1 float targets, averaged: PyTorch's
 * {@code nn.BCEWithLogitsLoss()}, computed stably as {@code max(z, 0) - z*y + log(1 + exp(-|z|))}
 * (derivative {@code sigmoid(z) - y}, at 0 too). Create with {@link Losses#bceWithLogits()}.
 */
public record BCEWithLogitsLoss() implements Loss {
    /** Rebuilds it from a file (it has no settings). */
    public static BCEWithLogitsLoss fromSettings(Settings s) {
        return new BCEWithLogitsLoss();
    }

    @Override
    public String typeName() {
        return "BCEWithLogitsLoss";
    }

    @Override
    public Targets targets() {
        return Targets.BINARY;
    }

    @Override
    public Expr elementwise(Expr output, Expr target) {
        return output.bceWithLogits(target);
    }

    @Override
    public String netCall() {
        return "bceWithLogits()";
    }

    @Override
    public String toString() {
        return "BCEWithLogitsLoss()";
    }
}
