package dev.netdsl.training;

import java.util.Map;

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
 * The rate used by each epoch is the {@code lr} entry of its numbers. A schedule is one class: its closed form
 * ({@link #rate}), its recursive form ({@link #next}), {@link #begin} and {@link #copy}, and the callback's hooks.
 */
public interface LrSchedule extends Callback {

    /**
     * Multiplies the rate by {@code gamma} every {@code every} epochs ({@code StepLR(step_size=every, gamma)}).
     *
     * @throws IllegalArgumentException unless {@code every >= 1} and {@code gamma} is positive and finite
     */
    static StepLR step(int every, double gamma) {
        return new StepLR(every, gamma);
    }

    /**
     * Anneals the rate from the base to 0 (or {@link CosineAnnealingLR#minLr}) over {@code epochs} epochs along half
     * a cosine ({@code CosineAnnealingLR(T_max=epochs)}).
     *
     * @throws IllegalArgumentException if {@code epochs < 1}
     */
    static CosineAnnealingLR cosine(int epochs) {
        return new CosineAnnealingLR(epochs, 0);
    }

    /**
     * Multiplies the rate by {@code factor} when {@code monitor} (e.g. {@code val_loss}) has not improved
     * for more than {@code patience} epochs ({@code ReduceLROnPlateau(mode, factor, patience)}, mode min
     * for losses and errors, max for accuracies and R² (by the name, or as {@link ReduceLROnPlateau#mode} says);
     * threshold 1e-4 relative; no cooldown).
     *
     * @throws IllegalArgumentException unless {@code 0 < factor < 1} and {@code patience >= 0}
     */
    static ReduceLROnPlateau onPlateau(String monitor, double factor, int patience) {
        return new ReduceLROnPlateau(monitor, factor, patience, 0, null);
    }

    /**
     * Warms up over the first {@code steps} training steps (linearly from {@code 1/steps} of the rate to
     * all of it), then follows (a copy of) {@code then}.
     *
     * @throws IllegalArgumentException if {@code steps < 1} or {@code then} is itself a warmup
     */
    static WarmupLR warmup(int steps, LrSchedule then) {
        return new WarmupLR(steps, then);
    }

    /** Warms up over the first {@code steps} training steps, then keeps the optimizer's rate. */
    static WarmupLR warmup(int steps) {
        return warmup(steps, step(Integer.MAX_VALUE, 1));
    }

    /**
     * The rate of epoch {@code e} (from 1) for base rate {@code base}, before any warmup; for
     * {@link #onPlateau} the rate it has reduced to so far.
     */
    double rate(double base, int e);

    /**
     * The rate after this schedule's {@code scheduler.step()} at the end of epoch {@code e} when the optimizer's
     * rate is {@code lr}: PyTorch's recursive ("chainable") form, which chained schedulers apply to each other's rates.
     */
    double next(double lr, int e, Map<String, Double> logs);

    /** Starts from base rate {@code base}: a fit that does not resume this schedule calls it before epoch 1. */
    void begin(double base);

    /** A copy with the same settings that has not begun (a warmup follows a copy of the schedule it is given). */
    LrSchedule copy();

    /**
     * A copy that never goes below {@code lr} ({@code eta_min} of {@code CosineAnnealingLR}, {@code min_lr}
     * of {@code ReduceLROnPlateau}).
     *
     * @throws IllegalArgumentException for a negative rate, or on a schedule without a floor
     */
    default LrSchedule minLr(double lr) {
        throw new IllegalArgumentException("minLr: only cosine and onPlateau schedules take a floor; this is " + this);
    }

    /**
     * A copy of an {@link #onPlateau} schedule that takes {@code mode} as its monitored number's direction of
     * improvement ({@code ReduceLROnPlateau(mode=...)}) instead of inferring it from the name.
     *
     * @throws IllegalArgumentException on any other schedule
     */
    default LrSchedule mode(Mode mode) {
        java.util.Objects.requireNonNull(mode, "mode");
        throw new IllegalArgumentException("mode: only onPlateau schedules watch a number; this is " + this);
    }
}
