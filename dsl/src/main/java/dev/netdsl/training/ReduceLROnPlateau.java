package dev.netdsl.training;

import java.util.Map;
import java.util.Objects;

/**
 * PyTorch's {@code ReduceLROnPlateau(mode, factor, patience, threshold=1e-4, min_lr)}: the rate times {@code factor}
 * when the monitored number has not improved for more than {@code patience} epochs. Create with
 * {@link LrSchedule#onPlateau}.
 */
public final class ReduceLROnPlateau extends BaseSchedule {
    private final String monitor;
    private final double factor;
    private final int patience;
    private final double minLr;
    /** The direction of improvement; null to infer it from the monitored name. */
    private final Mode mode;
    private double plateauLr;
    private double best;
    private int bad;

    ReduceLROnPlateau(String monitor, double factor, int patience, double minLr, Mode mode) {
        Objects.requireNonNull(monitor, "monitor");
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("LrSchedule.onPlateau(\"" + monitor + "\", " + factor + ", " + patience
                    + "): factor must be between 0 and 1, e.g. 0.1");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("LrSchedule.onPlateau(\"" + monitor + "\", " + factor + ", " + patience
                    + "): patience must be 0 or more");
        }
        this.monitor = monitor;
        this.factor = factor;
        this.patience = patience;
        this.minLr = minLr;
        this.mode = mode;
    }

    /** A copy that never goes below {@code lr} ({@code min_lr}), 0 by default. */
    @Override
    public ReduceLROnPlateau minLr(double lr) {
        return new ReduceLROnPlateau(monitor, factor, patience, floor(lr), mode);
    }

    /** A copy that takes {@code mode} as the direction of improvement instead of inferring it from the name. */
    @Override
    public ReduceLROnPlateau mode(Mode mode) {
        return new ReduceLROnPlateau(monitor, factor, patience, minLr, Objects.requireNonNull(mode, "mode"));
    }

    private Mode direction() {
        return mode != null ? mode : Mode.infer(monitor, "LrSchedule.onPlateau(\"" + monitor + "\", ...)");
    }

    @Override
    public void begin(double baseRate) {
        super.begin(baseRate);
        plateauLr = Double.NaN;
        best = direction().worst();
        bad = 0;
    }

    /** The rate it has reduced to so far ({@code base} until the first reduction). */
    @Override
    public double rate(double base, int e) {
        return Double.isNaN(plateauLr) ? base : plateauLr;
    }

    @Override
    public void onEpochEnd(TrainingRun run, int e, Map<String, Double> logs) {
        plateauLr = next(rate(base, e), e, logs);
    }

    @Override
    public double next(double lr, int e, Map<String, Double> logs) {
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
            double reduced = Math.max(lr * factor, minLr);
            return lr - reduced > 1e-8 ? reduced : lr;
        }
        return lr;
    }

    @Override
    public ReduceLROnPlateau copy() {
        return new ReduceLROnPlateau(monitor, factor, patience, minLr, mode);
    }

    @Override
    public Map<String, Object> state() {
        return state(plateauLr, best, bad, 0);
    }

    @Override
    public void restore(Map<String, Object> s) {
        super.restore(s);
        plateauLr = number(s, "plateau_lr");
        best = number(s, "best");
        bad = ((Number) s.get("bad")).intValue();
    }

    @Override
    public String toString() {
        return "LrSchedule.onPlateau(\"" + monitor + "\", " + factor + ", " + patience + ")"
                + (minLr > 0 ? ".minLr(" + minLr + ")" : "") + (mode != null ? ".mode(Mode." + mode + ")" : "");
    }
}
