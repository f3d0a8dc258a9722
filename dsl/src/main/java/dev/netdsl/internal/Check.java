package dev.netdsl.internal;

/** Argument checks shared by the public API; every message says what, where and how to fix. */
public final class Check {
    private Check() {
    }

    /** Rejects a learning rate that is not positive and finite. */
    public static void learningRate(String where, double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(where + "(" + lr + "): the learning rate " + lr
                    + " must be positive and finite; try a value like 0.01");
        }
    }

    /** Rejects a value outside [0, 1). */
    public static void unitInterval(String where, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(where + ": " + name + " " + value + " must be in [0, 1)");
        }
    }

    /** Rejects a value that is not positive and finite. */
    public static void positiveFinite(String where, String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(where + ": " + name + " " + value + " must be positive and finite");
        }
    }

    /** Rejects a count below 1. */
    public static void positive(String where, String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(where + ": " + name + " " + value + " must be at least 1");
        }
    }

    /** Rejects hardtanh bounds unless {@code min < max}, both finite. */
    public static void hardtanh(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("hardtanh(" + min + ", " + max + "): needs finite min < max, e.g. hardtanh(-1, 1)");
        }
    }

    /** Rejects a NaN or infinite {@code value}, naming {@code where} and {@code name}. */
    public static void finite(String where, String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(where + ": " + name + " " + value + " must be finite");
        }
    }
}
