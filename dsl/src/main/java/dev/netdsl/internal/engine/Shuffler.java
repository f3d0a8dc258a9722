package dev.netdsl.internal.engine;

/**
 * The generator that shuffles mini-batches: exactly {@link java.util.SplittableRandom}'s algorithm
 * (SplitMix64), so orders are the same as before, but with a state that can be saved and restored, so
 * that training resumed from a saved model shuffles as if it had never stopped.
 */
public final class Shuffler {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private long seed;
    private final long gamma;

    private Shuffler(long seed, long gamma) {
        this.seed = seed;
        this.gamma = gamma;
    }

    /** The generator {@code new SplittableRandom(seed).split()} returns. */
    public static Shuffler splitOf(long seed) {
        long s = seed + GOLDEN_GAMMA;
        long childSeed = mix64(s);
        long childGamma = mixGamma(s + GOLDEN_GAMMA);
        return new Shuffler(childSeed, childGamma);
    }

    /** A generator continuing from a saved {@link #state()}. */
    public static Shuffler restore(long[] state) {
        if (state.length != 2 || (state[1] & 1) == 0) {
            throw new IllegalArgumentException("a shuffler state is two numbers, the second odd; got " + java.util.Arrays.toString(state));
        }
        return new Shuffler(state[0], state[1]);
    }

    /** The state to save: {seed, gamma}. */
    public long[] state() {
        return new long[] {seed, gamma};
    }

    /** Uniform in [0, bound), as {@code SplittableRandom.nextInt(bound)} draws it. */
    public int nextInt(int bound) {
        int r = mix32(seed += gamma);
        int m = bound - 1;
        if ((bound & m) == 0) {
            return r & m;
        }
        for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = mix32(seed += gamma) >>> 1) {
            // rejected: draw again
        }
        return r;
    }

    /** Fisher-Yates in place, from the last element down (as NetDSL has always shuffled). */
    public void shuffle(int[] order) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static int mix32(long z) {
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }

    private static long mixGamma(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        z = (z ^ (z >>> 33)) | 1L;
        int n = Long.bitCount(z ^ (z >>> 1));
        return (n < 24) ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
    }
}
