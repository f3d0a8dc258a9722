package dev.netdsl.training;

import java.util.Map;

/**
 * PyTorch's {@code CosineAnnealingLR(T_max=epochs, eta_min)}: half a cosine from the base rate down to the floor. Create
 * with {@link LrSchedule#cosine}.
 */
public final class CosineAnnealingLR extends BaseSchedule {
    private final int epochs;
    private final double minLr;

    CosineAnnealingLR(int epochs, double minLr) {
        if (epochs < 1) {
            throw new IllegalArgumentException("LrSchedule.cosine(" + epochs + "): the number of epochs must be at least 1");
        }
        this.epochs = epochs;
        this.minLr = minLr;
    }

    /** A copy that never goes below {@code lr} ({@code eta_min}), 0 by default. */
    @Override
    public CosineAnnealingLR minLr(double lr) {
        return new CosineAnnealingLR(epochs, floor(lr));
    }

    @Override
    public double rate(double base, int e) {
        return minLr + (base - minLr) * (1 + Math.cos(Math.PI * (e - 1) / epochs)) / 2;
    }

    @Override
    public double next(double lr, int e, Map<String, Double> logs) {
        if ((e - 1 - epochs) % (2 * epochs) == 0) {
            return lr + (base - minLr) * (1 - Math.cos(Math.PI / epochs)) / 2;
        }
        return (1 + Math.cos(Math.PI * e / epochs)) / (1 + Math.cos(Math.PI * (e - 1) / epochs)) * (lr - minLr) + minLr;
    }

    @Override
    public CosineAnnealingLR copy() {
        return new CosineAnnealingLR(epochs, minLr);
    }

    @Override
    public String toString() {
        return "LrSchedule.cosine(" + epochs + ")" + (minLr > 0 ? ".minLr(" + minLr + ")" : "");
    }
}
