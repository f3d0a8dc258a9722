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

    /** {@code value} if it is one of {@code allowed}; else {@code --format pdf: pick one of savedmodel, onnx}. */
    static String oneOf(String option, String value, java.util.List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(option + " " + value + ": pick one of " + String.join(", ", allowed));
        }
        return value;
    }

    /** {@code 1 epoch}, {@code 2 epochs}. */
    static String count(long n, String singular) {
        return count(n, singular, singular + "s");
    }

    /** {@code 1 batch}, {@code 2 batches}. */
    static String count(long n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }
}
