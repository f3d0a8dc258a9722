package dev.netdsl;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Selecting a {@link Dataset}'s examples: by index ({@code subset}, the building block of batches and shuffles), the
 * first {@code n} ({@code take}), and the seeded permutation {@code split} cuts in two. Inputs, targets and class names
 * go along. And how a data set describes itself ({@code toString}, its largest label).
 */
final class DatasetRows {
    private DatasetRows() {
    }

    /** The examples of {@code d} at {@code indices[from..to)}. */
    static Dataset subset(Dataset d, int[] indices, int from, int to) {
        int n = to - from;
        if (n < 1) {
            throw new IllegalArgumentException("subset: no indices given; a data set needs at least one example");
        }
        int features = d.features();
        int targets = d.targets();
        float[] sx = d.x == null ? null : new float[n * features];
        int[] si = d.ids == null ? null : new int[n * features];
        float[] sy = d.y == null ? null : new float[n * targets];
        int per = d.targets();
        int[] sl = d.labels == null ? null : new int[n * per];
        for (int i = 0; i < n; i++) {
            int r = indices[from + i];
            if (r < 0 || r >= d.rows) {
                throw new IllegalArgumentException("subset: index " + r + " is outside 0.." + (d.rows - 1));
            }
            System.arraycopy(d.x != null ? d.x : d.ids, r * features, d.x != null ? sx : si, i * features, features);
            if (sy != null) {
                System.arraycopy(d.y, r * targets, sy, i * targets, targets);
            } else if (sl != null) {
                System.arraycopy(d.labels, r * per, sl, i * per, per);
            }
        }
        return new Dataset(n, d.exampleShape, sx, si, d.targetShape, sy, sl, d.classNames);
    }

    /** {@code d.take(n)}: the first {@code n} examples. */
    static Dataset take(Dataset d, int n) {
        if (n < 1 || n > d.rows) {
            throw new IllegalArgumentException("take(" + n + "): the data set has " + d.rows + " examples; take 1.." + d.rows
                    + (n > d.rows ? ", or use the whole set" : ""));
        }
        int features = d.features();
        return new Dataset(n, d.exampleShape, d.x == null ? null : Arrays.copyOf(d.x, n * features),
                d.ids == null ? null : Arrays.copyOf(d.ids, n * features), d.targetShape,
                d.y == null ? null : Arrays.copyOf(d.y, n * d.targets()),
                d.labels == null ? null : Arrays.copyOf(d.labels, n * d.targets()), d.classNames);
    }

    /**
     * {@code d.split(share, seed)}, naming {@code call} in its error: the last {@code round(share * n)} examples of a
     * seeded permutation held out.
     */
    static Dataset.Split split(Dataset d, double share, long seed, String call) {
        int n = d.rows;
        int held = (int) Math.round(n * share);
        if (held < 1 || held >= n) {
            throw new IllegalArgumentException(call + ": of " + n + " examples that holds out " + held
                    + "; both parts need at least one" + (n < 2 ? ", so a split needs two or more examples"
                    : ": give a share that holds out 1 to " + (n - 1) + " of them"));
        }
        int[] order = permutation(n, seed);
        return new Dataset.Split(subset(d, order, 0, n - held), subset(d, order, n - held, n));
    }

    /** The order of {@code Dataset.split}: a permutation of {@code 0..n-1} drawn from {@code seed}. */
    private static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5eed5eedL);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    /** The largest label, or -1 for float targets. */
    static int maxLabel(Dataset d) {
        int max = -1;
        if (d.labels != null) {
            for (int l : d.labels) {
                max = Math.max(max, l);
            }
        }
        return max;
    }

    /** {@code Dataset[60000 x [1, 28, 28], labels [T-shirt/top, ...]]}: size, example shape, targets, class names. */
    static String describe(Dataset d) {
        String in = d.exampleShape.length == 1 ? Integer.toString(d.exampleShape[0]) : Arrays.toString(d.exampleShape);
        return "Dataset[" + d.rows + " x " + in + (d.ids != null ? " int32" : "") + (d.labels != null ? ", labels" + names(d)
                : " -> " + (d.targetShape.length == 1 ? Integer.toString(d.targetShape[0]) : Arrays.toString(d.targetShape))) + "]";
    }

    /** The class names for toString: empty, or the first ten of them. */
    private static String names(Dataset d) {
        if (d.classNames.isEmpty()) {
            return "";
        }
        return " " + (d.classNames.size() <= 10 ? d.classNames.toString()
                : d.classNames.subList(0, 10).toString().replace("]", ", ... " + (d.classNames.size() - 10) + " more]"));
    }
}
