package dev.netdsl.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The models open in this JVM, one entry per model content (see {@link ModelFiles#hash}), kept
 * until the JVM exits, when a shutdown hook closes them. Spark runs many tasks in one executor JVM,
 * one after another and several at once; they all share the entry, so a model is opened once per
 * executor, not per partition or row. Models hold native TensorFlow memory and are never serialised.
 */
final class ModelCache {
    private static final Map<String, Entry> ENTRIES = new ConcurrentHashMap<>();
    private static final AtomicInteger OPENED = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "netdsl-spark-model-cache"));
    }

    private ModelCache() {
    }

    /**
     * How task threads share a model. {@link #SHARED}: one model, predict calls run at once (a
     * NetDSL {@code Model} and a TensorFlow session allow that); {@link #SYNCHRONIZED}: one model,
     * one predict at a time; {@link #PER_THREAD}: a model per concurrently running task, from a pool.
     */
    enum Sharing { SHARED, SYNCHRONIZED, PER_THREAD }

    /** The cached model for {@code key}, opened with {@code open} the first time. */
    static Entry get(String key, Sharing sharing, Supplier<ScoringModel> open) {
        return ENTRIES.computeIfAbsent(key + "/" + sharing, k -> new Entry(sharing, open));
    }

    /** How many models this JVM has opened through the cache (for tests). */
    static int opened() {
        return OPENED.get();
    }

    /** Closes and forgets every cached model; later calls open them again. */
    static void closeAll() {
        List<Entry> all = new ArrayList<>(ENTRIES.values());
        ENTRIES.clear();
        for (Entry e : all) {
            e.close();
        }
    }

    /** One model content in this JVM: the first model opened (for its shapes) and, per thread, more. */
    static final class Entry {
        private final Sharing sharing;
        private final Supplier<ScoringModel> open;
        private final ScoringModel first;
        private final Deque<ScoringModel> idle = new ArrayDeque<>();
        private final List<ScoringModel> all = new ArrayList<>();
        private boolean closed;

        Entry(Sharing sharing, Supplier<ScoringModel> open) {
            this.sharing = sharing;
            this.open = open;
            this.first = open.get();
            OPENED.incrementAndGet();
            all.add(first);
            idle.add(first);
        }

        /** The model's description and shapes (from the first model opened). */
        ScoringModel model() {
            return first;
        }

        /** {@code model.predict(rows)} under this entry's sharing rule. */
        float[][] predict(float[][] rows) {
            switch (sharing) {
                case SHARED:
                    return first.predict(rows);
                case SYNCHRONIZED:
                    synchronized (first) {
                        return first.predict(rows);
                    }
                case PER_THREAD:
                    ScoringModel m = borrow();
                    try {
                        return m.predict(rows);
                    } finally {
                        giveBack(m);
                    }
                default:
                    throw new IllegalStateException("unknown sharing " + sharing);
            }
        }

        private ScoringModel borrow() {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the model cache was closed (the JVM is exiting)");
                }
                ScoringModel m = idle.poll();
                if (m != null) {
                    return m;
                }
            }
            ScoringModel m = open.get();
            OPENED.incrementAndGet();
            synchronized (this) {
                all.add(m);
            }
            return m;
        }

        private synchronized void giveBack(ScoringModel m) {
            if (closed) {
                m.close();
            } else {
                idle.push(m);
            }
        }

        synchronized void close() {
            closed = true;
            for (ScoringModel m : all) {
                m.close();
            }
            all.clear();
            idle.clear();
        }
    }
}
