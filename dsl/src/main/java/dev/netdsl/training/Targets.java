package dev.netdsl.training;

/** What kind of target a {@link Loss} compares the net's output with. */
public enum Targets {
    /** Float targets of the output's shape (regression, e.g. MSE). */
    VALUES,
    /** 0/1 float targets of the output's shape, the output being logits (BCE); accuracy counts logit > 0 as 1. */
    BINARY,
    /**
     * Integer class labels, one per example, the output being {@code [batch, classes]} logits; the loss
     * receives the labels as one-hot rows.
     */
    CLASSES
}
