package dev.netdsl.datasets;

import dev.netdsl.Dataset;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Mini-batches of a data set, PyTorch's {@code DataLoader(dataset, batch_size, shuffle)}: the last
 * batch of an epoch may be smaller. With {@link #shuffle(long)} every epoch has its own order, the
 * same for the same seed and epoch.
 */
public final class Batches {
    private final Dataset data;
    private final int size;
    private final Long seed;

    private Batches(Dataset data, int size, Long seed) {
        this.data = data;
        this.size = size;
        this.seed = seed;
    }

    /**
     * Batches of {@code size} rows in data-set order.
     *
     * @throws IllegalArgumentException if {@code size < 1}
     */
    public static Batches of(Dataset data, int size) {
        Objects.requireNonNull(data, "data");
        if (size < 1) {
            throw new IllegalArgumentException("batch size " + size + " must be at least 1, e.g. 200");
        }
        return new Batches(data, size, null);
    }

    /** A copy that shuffles each epoch with a generator seeded from {@code seed} and the epoch. */
    public Batches shuffle(long seed) {
        return new Batches(data, size, seed);
    }

    /** Batches per epoch. */
    public int count() {
        return (data.size() + size - 1) / size;
    }

    /** The data set being batched. */
    public Dataset data() {
        return data;
    }

    /** The row order of {@code epoch}: identity without a seed, else a seeded permutation. */
    public int[] order(int epoch) {
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (seed != null) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
            for (int i = order.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** The batches of {@code epoch}, in order; each batch is copied out when it is read. */
    public List<Dataset> epoch(int epoch) {
        int[] order = order(epoch);
        return new AbstractList<>() {
            @Override
            public Dataset get(int b) {
                int from = b * size;
                if (b < 0 || from >= order.length) {
                    throw new IndexOutOfBoundsException("batch " + b + " of " + size());
                }
                return data.subset(Arrays.copyOfRange(order, from, Math.min(order.length, from + size)));
            }

            @Override
            public int size() {
                return count();
            }
        };
    }
}
