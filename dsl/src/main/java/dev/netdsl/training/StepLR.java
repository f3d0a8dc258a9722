package dev.netdsl.training;

import java.util.Map;

/**
 * PyTorch's {@code StepLR(step_size=every, gamma)}: the rate times {@code gamma} every {@code every} epochs. Create with
 * {@link LrSchedule#step}.
 */
public final class StepLR extends BaseSchedule {
    private final int every;
    private final double gamma;

    StepLR(int every, double gamma) {
        if (every < 1) {
            throw new IllegalArgumentException("LrSchedule.step(" + every + ", " + gamma + "): every must be at least 1 epoch");
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("LrSchedule.step(" + every + ", " + gamma + "): gamma must be positive and finite,"
                    + " e.g. 0.1");
        }
        this.every = every;
        this.gamma = gamma;
    }

    @Override
    public double rate(double base, int e) {
        return base * Math.pow(gamma, Math.floorDiv(e - 1, every));
    }

    @Override
    public double next(double lr, int e, Map<String, Double> logs) {
        return e % every == 0 ? lr * gamma : lr;
    }

    @Override
    public StepLR copy() {
        return new StepLR(every, gamma);
    }

    @Override
    public String toString() {
        return every == Integer.MAX_VALUE ? "LrSchedule.constant" : "LrSchedule.step(" + every + ", " + gamma + ")";
    }
}
