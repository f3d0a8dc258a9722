package dev.netdsl.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A learning-rate schedule, as a {@link Callback} of {@code fit}, with {@code torch.optim.lr_scheduler}'s
 * formulas. The base rate is the optimizer's, and epoch {@code e} (from 1) trains with the rate PyTorch's
 * scheduler gives after {@code e - 1} calls of {@code scheduler.step()} at the end of each epoch:
 * <ul>
 * <li>{@link #step(int, double)}: {@code base * gamma^floor((e-1) / every)} ({@code StepLR});</li>
 * <li>{@link #cosine(int)}: {@code min + (base - min) * (1 + cos(pi (e-1) / epochs)) / 2}
 *     ({@code CosineAnnealingLR}, closed form);</li>
 * <li>{@link #onPlateau(String, double, int)}: times {@code factor} when the monitored number has not
 *     improved (relative threshold 1e-4) for more than {@code patience} epochs ({@code ReduceLROnPlateau});</li>
 * <li>{@link #warmup(int, LrSchedule)}: over the first {@code steps} training steps (batches), the rate
 *     grows linearly from {@code 1/steps} of the scheduled rate to all of it ({@code LinearLR(start_factor=1/steps,
 *     total_iters=steps)} stepped after every batch, chained with {@code then} stepped after every epoch). As in
 *     PyTorch, chained schedulers each update the optimizer's current rate by their recursive ("chainable")
 *     form, so a warmup followed by {@code cosine(T).minLr(m)} is not the product of the two closed forms.</li>
 * </ul>
 * The rate used by each epoch is the {@code lr} entry of its numbers.
 */
public final class LrSchedule implements Callback {
    private enum Kind { STEP, COSINE, PLATEAU, WARMUP }

    private final Kind kind;
    private final int every;
    private final double gamma;
    private final String monitor;
    private final int patience;
    private final double minLr;
    private final LrSchedule then;
    /** The plateau's direction of improvement; null to infer it from the monitored name. */
    private final Mode mode;
    private double base = Double.NaN;
    /** A warmup's current rate (the optimizer group's {@code lr} of PyTorch's chain); NaN until known. */
    private double chainLr = Double.NaN;
    private double plateauLr;
    private double best;
    private int bad;
    private long warmed;
    private int epoch;

    private LrSchedule(Kind kind, int every, double gamma, String monitor, int patience, double minLr, LrSchedule then) {
        this(kind, every, gamma, monitor, patience, minLr, then, null);
    }

    private LrSchedule(Kind kind, int every, double gamma, String monitor, int patience, double minLr, LrSchedule then,
                       Mode mode) {
        this.mode = mode;
        this.kind = kind;
        this.every = every;
        this.gamma = gamma;
        this.monitor = monitor;
        this.patience = patience;
        this.minLr = minLr;
        this.then = then;
    }

    /**
     * Multiplies the rate by {@code gamma} every {@code every} epochs ({@code StepLR(step_size=every, gamma)}).
     *
     * @throws IllegalArgumentException unless {@code every >= 1} and {@code gamma} is positive and finite
     */
    public static LrSchedule step(int every, double gamma) {
        if (every < 1) {
            throw new IllegalArgumentException("LrSchedule.step(" + every + ", " + gamma + "): every must be at least 1 epoch");
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("LrSchedule.step(" + every + ", " + gamma + "): gamma must be positive and finite,"
                    + " e.g. 0.1");
        }
        return new LrSchedule(Kind.STEP, every, gamma, null, 0, 0, null);
    }

    /**
     * Anneals the rate from the base to 0 (or {@link #minLr}) over {@code epochs} epochs along half a cosine
     * ({@code CosineAnnealingLR(T_max=epochs)}).
     *
     * @throws IllegalArgumentException if {@code epochs < 1}
     */
    public static LrSchedule cosine(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("LrSchedule.cosine(" + epochs + "): the number of epochs must be at least 1");
        }
        return new LrSchedule(Kind.COSINE, epochs, 0, null, 0, 0, null);
    }

    /**
     * Multiplies the rate by {@code factor} when {@code monitor} (e.g. {@code val_loss}) has not improved
     * for more than {@code patience} epochs ({@code ReduceLROnPlateau(mode, factor, patience)}, mode min
     * for losses and errors, max for accuracies and R² (by the name, or as {@link #mode} says); threshold 1e-4
     * relative; no cooldown).
     *
     * @throws IllegalArgumentException unless {@code 0 < factor < 1} and {@code patience >= 0}
     */
    public static LrSchedule onPlateau(String monitor, double factor, int patience) {
        Objects.requireNonNull(monitor, "monitor");
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("LrSchedule.onPlateau(\"" + monitor + "\", " + factor + ", " + patience
                    + "): factor must be between 0 and 1, e.g. 0.1");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("LrSchedule.onPlateau(\"" + monitor + "\", " + factor + ", " + patience
                    + "): patience must be 0 or more");
        }
        return new LrSchedule(Kind.PLATEAU, 0, factor, monitor, patience, 0, null);
    }

    /**
     * Warms up over the first {@code steps} training steps (linearly from {@code 1/steps} of the rate to
     * all of it), then follows {@code then}.
     *
     * @throws IllegalArgumentException if {@code steps < 1} or {@code then} is itself a warmup
     */
    public static LrSchedule warmup(int steps, LrSchedule then) {
        Objects.requireNonNull(then, "then");
        if (steps < 1) {
            throw new IllegalArgumentException("LrSchedule.warmup(" + steps + ", ...): steps must be at least 1");
        }
        if (then.kind == Kind.WARMUP) {
            throw new IllegalArgumentException("LrSchedule.warmup(" + steps + ", " + then + "): warm up once; give the"
                    + " schedule that follows the warmup");
        }
        return new LrSchedule(Kind.WARMUP, steps, 0, null, 0, 0, then.copy());
    }

    /** Warms up over the first {@code steps} training steps, then keeps the optimizer's rate. */
    public static LrSchedule warmup(int steps) {
        return warmup(steps, step(Integer.MAX_VALUE, 1));
    }

    /**
     * A copy that never goes below {@code lr} ({@code eta_min} of {@code CosineAnnealingLR}, {@code min_lr}
     * of {@code ReduceLROnPlateau}).
     *
     * @throws IllegalArgumentException for a negative rate, or on a schedule without a floor
     */
    public LrSchedule minLr(double lr) {
        if (kind != Kind.COSINE && kind != Kind.PLATEAU) {
            throw new IllegalArgumentException("minLr: only cosine and onPlateau schedules take a floor; this is " + this);
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("minLr(" + lr + "): must be finite, 0 or more");
        }
        return new LrSchedule(kind, every, gamma, monitor, patience, lr, then, mode);
    }

    /**
     * A copy of an {@link #onPlateau} schedule that takes {@code mode} as its monitored number's direction of
     * improvement ({@code ReduceLROnPlateau(mode=...)}) instead of inferring it from the name.
     *
     * @throws IllegalArgumentException on any other schedule
     */
    public LrSchedule mode(Mode mode) {
        java.util.Objects.requireNonNull(mode, "mode");
        if (kind != Kind.PLATEAU) {
            throw new IllegalArgumentException("mode: only onPlateau schedules watch a number; this is " + this);
        }
        return new LrSchedule(kind, every, gamma, monitor, patience, minLr, then, mode);
    }

    private Mode direction() {
        return mode != null ? mode : Mode.infer(monitor, "LrSchedule.onPlateau(\"" + monitor + "\", ...)");
    }

    private LrSchedule copy() {
        return new LrSchedule(kind, every, gamma, monitor, patience, minLr, then == null ? null : then.copy(), mode);
    }

    /**
     * The rate of epoch {@code e} (from 1) for base rate {@code base}, before any warmup; for
     * {@link #onPlateau} the rate it has reduced to so far.
     */
    public double rate(double base, int e) {
        return switch (kind) {
            case STEP -> base * Math.pow(gamma, Math.floorDiv(e - 1, every));
            case COSINE -> minLr + (base - minLr) * (1 + Math.cos(Math.PI * (e - 1) / every)) / 2;
            case PLATEAU -> Double.isNaN(plateauLr) ? base : plateauLr;
            case WARMUP -> then.rate(base, e);
        };
    }

    /** The warmup factor after {@code k} steps: {@code 1/steps + (1 - 1/steps) * min(k, steps) / steps}. */
    private double warmupFactor(long k) {
        double start = 1.0 / every;
        return start + (1 - start) * Math.min(k, every) / every;
    }

    private void begin(double baseRate) {
        base = baseRate;
        plateauLr = Double.NaN;
        best = kind == Kind.PLATEAU ? direction().worst() : Double.POSITIVE_INFINITY;
        bad = 0;
        warmed = 0;
        // LinearLR's first step, at construction: the rate starts at start_factor times the base.
        chainLr = kind == Kind.WARMUP ? baseRate * warmupFactor(0) : Double.NaN;
        if (then != null) {
            then.begin(baseRate);
        }
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        if (!run.resumed() || Double.isNaN(base)) {
            begin(run.learningRate());
        }
    }

    @Override
    public void onEpochBegin(TrainingRun run, int e) {
        epoch = e;
        run.setLearningRate(current());
    }

    private double current() {
        if (kind != Kind.WARMUP) {
            return rate(base, epoch);
        }
        if (Double.isNaN(chainLr)) {
            // Resumed from a file written before the chain kept its rate: the closed forms' product.
            chainLr = rate(base, epoch) * warmupFactor(warmed);
        }
        return chainLr;
    }

    /** Only a warm-up changes the rate per batch. */
    @Override
    public boolean perBatch() {
        return kind == Kind.WARMUP;
    }

    @Override
    public void onBatchEnd(TrainingRun run, int e, int batch, float loss) {
        if (kind == Kind.WARMUP && warmed < every) {
            current();
            warmed++;
            // LinearLR's recursive step k: lr * (1 + (end - start) / (total * start + (k - 1) * (end - start))).
            double start = 1.0 / every;
            chainLr *= 1 + (1 - start) / (every * start + (warmed - 1) * (1 - start));
            run.setLearningRate(chainLr);
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, int e, Map<String, Double> logs) {
        if (kind == Kind.WARMUP) {
            chainLr = then.chained(current(), e, logs);
        } else if (kind == Kind.PLATEAU) {
            plateauLr = chained(rate(base, e), e, logs);
        }
    }

    /**
     * The rate after this schedule's {@code scheduler.step()} at the end of epoch {@code e} when the optimizer's
     * rate is {@code lr}: PyTorch's recursive forms, which chained schedulers apply to each other's rates.
     */
    private double chained(double lr, int e, Map<String, Double> logs) {
        switch (kind) {
            case STEP:
                return e % every == 0 ? lr * gamma : lr;
            case COSINE:
                if ((e - 1 - every) % (2 * every) == 0) {
                    return lr + (base - minLr) * (1 - Math.cos(Math.PI / every)) / 2;
                }
                return (1 + Math.cos(Math.PI * e / every)) / (1 + Math.cos(Math.PI * (e - 1) / every)) * (lr - minLr) + minLr;
            case PLATEAU:
                Double value = logs.get(monitor);
                if (value == null) {
                    throw new IllegalArgumentException("LrSchedule.onPlateau(\"" + monitor + "\", ...): the epoch's numbers are "
                            + logs.keySet() + (monitor.startsWith("val_") ? "; give fit a validation set" : ""));
                }
                if (direction() == Mode.MAX ? value > best * (1 + 1e-4) : value < best * (1 - 1e-4)) {
                    best = value;
                    bad = 0;
                } else {
                    bad++;
                }
                if (bad > patience) {
                    bad = 0;
                    double reduced = Math.max(lr * gamma, minLr);
                    return lr - reduced > 1e-8 ? reduced : lr;
                }
                return lr;
            default:
                throw new IllegalStateException("a warmup is not chained after another schedule");
        }
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("base", base);
        s.put("plateau_lr", plateauLr);
        s.put("best", best);
        s.put("bad", bad);
        s.put("warmed", warmed);
        if (kind == Kind.WARMUP) {
            s.put("lr", chainLr);
        }
        if (then != null) {
            s.put("then", then.state());
        }
        return s;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(Map<String, Object> s) {
        base = ((Number) s.get("base")).doubleValue();
        plateauLr = ((Number) s.get("plateau_lr")).doubleValue();
        best = ((Number) s.get("best")).doubleValue();
        bad = ((Number) s.get("bad")).intValue();
        warmed = ((Number) s.get("warmed")).longValue();
        chainLr = s.get("lr") instanceof Number n ? n.doubleValue() : Double.NaN;
        if (then != null) {
            then.restore((Map<String, Object>) s.get("then"));
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STEP -> every == Integer.MAX_VALUE ? "LrSchedule.constant" : "LrSchedule.step(" + every + ", " + gamma + ")";
            case COSINE -> "LrSchedule.cosine(" + every + ")" + (minLr > 0 ? ".minLr(" + minLr + ")" : "");
            case PLATEAU -> "LrSchedule.onPlateau(\"" + monitor + "\", " + gamma + ", " + patience + ")"
                    + (minLr > 0 ? ".minLr(" + minLr + ")" : "") + (mode != null ? ".mode(Mode." + mode + ")" : "");
            case WARMUP -> "LrSchedule.warmup(" + every + ", " + then + ")";
        };
    }
}
