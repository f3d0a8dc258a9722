package dev.netdsl.apps;

/**
 * The examples' checks of their options, made where the options are built (the {@code Options} records), so a
 * bad value fails before any data is read or TensorFlow is loaded.
 */
final class Checks {
    private Checks() {
    }

    /** {@code --steps -5 must be at least 1}. */
    static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " " + value + " must be at least " + min);
        }
    }

    /** {@code 1 epoch}, {@code 2 epochs}; {@code 1 batch}, {@code 2 batches}. */
    static String count(long n, String singular) {
        boolean es = singular.endsWith("ch") || singular.endsWith("s") || singular.endsWith("x");
        return n + " " + (n == 1 ? singular : singular + (es ? "es" : "s"));
    }
}
