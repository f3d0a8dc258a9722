package dev.netdsl.training;

import dev.netdsl.History;
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
 *     total_iters=steps)} stepped after every batch, chained with {@code then}).</li>
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
    private double base = Double.NaN;
    private double plateauLr;
    private double best;
    private int bad;
    private long warmed;
    private int epoch;

    private LrSchedule(Kind kind, int every, double gamma, String monitor, int patience, double minLr, LrSchedule then) {
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
     * for losses and errors, max for accuracies and R²; threshold 1e-4 relative; no cooldown).
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
        return new LrSchedule(kind, every, gamma, monitor, patience, lr, then);
    }

    private LrSchedule copy() {
        return new LrSchedule(kind, every, gamma, monitor, patience, minLr, then == null ? null : then.copy());
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
        best = History.higherIsBetter(monitor == null ? "" : monitor) ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        bad = 0;
        warmed = 0;
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
        return kind == Kind.WARMUP ? rate(base, epoch) * warmupFactor(warmed) : rate(base, epoch);
    }

    /** Only a warm-up changes the rate per batch. */
    @Override
    public boolean perBatch() {
        return kind == Kind.WARMUP;
    }

    @Override
    public void onBatchEnd(TrainingRun run, int e, int batch, float loss) {
        if (kind == Kind.WARMUP && warmed < every) {
            warmed++;
            run.setLearningRate(current());
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, int e, Map<String, Double> logs) {
        if (kind == Kind.WARMUP) {
            then.onEpochEnd(run, e, logs);
        } else if (kind == Kind.PLATEAU) {
            Double value = logs.get(monitor);
            if (value == null) {
                throw new IllegalArgumentException("LrSchedule.onPlateau(\"" + monitor + "\", ...): the epoch's numbers are "
                        + logs.keySet() + (monitor.startsWith("val_") ? "; give fit a validation set" : ""));
            }
            boolean max = History.higherIsBetter(monitor);
            if (max ? value > best * (1 + 1e-4) : value < best * (1 - 1e-4)) {
                best = value;
                bad = 0;
            } else {
                bad++;
            }
            if (bad > patience) {
                double old = rate(base, e);
                double reduced = Math.max(old * gamma, minLr);
                if (old - reduced > 1e-8) {
                    plateauLr = reduced;
                }
                bad = 0;
            }
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
                    + (minLr > 0 ? ".minLr(" + minLr + ")" : "");
            case WARMUP -> "LrSchedule.warmup(" + every + ", " + then + ")";
        };
    }
}
