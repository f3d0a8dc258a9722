package dev.netdsl.training;

import java.util.Map;
import java.util.Objects;

/**
 * PyTorch's {@code LinearLR(start_factor=1/steps, total_iters=steps)} stepped after every batch, chained with another
 * schedule stepped after every epoch: each updates the optimizer's current rate by its recursive form. Create with
 * {@link LrSchedule#warmup(int, LrSchedule)}.
 */
public final class WarmupLR extends BaseSchedule {
    private final int steps;
    private final LrSchedule then;
    /** The current rate (the optimizer group's {@code lr} of PyTorch's chain); NaN until known. */
    private double chainLr = Double.NaN;
    private long warmed;

    WarmupLR(int steps, LrSchedule then) {
        Objects.requireNonNull(then, "then");
        if (steps < 1) {
            throw new IllegalArgumentException("LrSchedule.warmup(" + steps + ", ...): steps must be at least 1");
        }
        if (then instanceof WarmupLR) {
            throw new IllegalArgumentException("LrSchedule.warmup(" + steps + ", " + then + "): warm up once; give the"
                    + " schedule that follows the warmup");
        }
        this.steps = steps;
        this.then = then.copy();
    }

    /** The warmup factor after {@code k} steps: {@code 1/steps + (1 - 1/steps) * min(k, steps) / steps}. */
    private double factor(long k) {
        double start = 1.0 / steps;
        return start + (1 - start) * Math.min(k, steps) / steps;
    }

    @Override
    public void begin(double baseRate) {
        super.begin(baseRate);
        warmed = 0;
        // LinearLR's first step, at construction: the rate starts at start_factor times the base.
        chainLr = baseRate * factor(0);
        then.begin(baseRate);
    }

    /** The closed form of the schedule that follows the warmup. */
    @Override
    public double rate(double base, int e) {
        return then.rate(base, e);
    }

    @Override
    double current() {
        if (Double.isNaN(chainLr)) {
            // Resumed from a file written before the chain kept its rate: the closed forms' product.
            chainLr = rate(base, epoch) * factor(warmed);
        }
        return chainLr;
    }

    @Override
    public void onBatchEnd(TrainingRun run, int e, int batch, float loss) {
        if (warmed < steps) {
            current();
            warmed++;
            // LinearLR's recursive step k: lr * (1 + (end - start) / (total * start + (k - 1) * (end - start))).
            double start = 1.0 / steps;
            chainLr *= 1 + (1 - start) / (steps * start + (warmed - 1) * (1 - start));
            run.setLearningRate(chainLr);
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, int e, Map<String, Double> logs) {
        chainLr = next(current(), e, logs);
    }

    /** The epoch's step of the schedule that follows the warmup (the warmup's own steps come after batches). */
    @Override
    public double next(double lr, int e, Map<String, Double> logs) {
        return then.next(lr, e, logs);
    }

    @Override
    public WarmupLR copy() {
        return new WarmupLR(steps, then);
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = state(Double.NaN, Double.POSITIVE_INFINITY, 0, warmed);
        s.put("lr", chainLr);
        s.put("then", then.state());
        return s;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(Map<String, Object> s) {
        super.restore(s);
        warmed = ((Number) s.get("warmed")).longValue();
        chainLr = s.get("lr") instanceof Number n ? n.doubleValue() : Double.NaN;
        then.restore((Map<String, Object>) s.get("then"));
    }

    @Override
    public String toString() {
        return "LrSchedule.warmup(" + steps + ", " + then + ")";
    }
}
