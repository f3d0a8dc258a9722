package dev.netdsl.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the built-in schedules share as callbacks: the base rate (the optimizer's when the fit begins), each epoch's
 * rate, and the checkpoint state of the one {@code LrSchedule} class that held every kind before them.
 */
abstract class BaseSchedule implements LrSchedule {
    double base = Double.NaN;
    int epoch;

    @Override
    public void begin(double baseRate) {
        base = baseRate;
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

    /** The rate of the epoch that runs. */
    double current() {
        return rate(base, epoch);
    }

    /** The one class's name, so checkpoints written when every kind was an {@code LrSchedule} still resume. */
    @Override
    public String stateType() {
        return LrSchedule.class.getName();
    }

    @Override
    public Map<String, Object> state() {
        return state(Double.NaN, Double.POSITIVE_INFINITY, 0, 0);
    }

    /** The numbers every kind saves, in the order the one class wrote them. */
    final Map<String, Object> state(double plateauLr, double best, int bad, long warmed) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("base", base);
        s.put("plateau_lr", plateauLr);
        s.put("best", best);
        s.put("bad", bad);
        s.put("warmed", warmed);
        return s;
    }

    /** Takes the base rate; the other numbers every kind saves must be there too, as the one class read them all. */
    @Override
    public void restore(Map<String, Object> s) {
        base = number(s, "base");
        for (String key : List.of("plateau_lr", "best", "bad", "warmed")) {
            number(s, key);
        }
    }

    static double number(Map<String, Object> s, String key) {
        return ((Number) s.get(key)).doubleValue();
    }

    /** {@code lr} as a floor ({@code minLr}), checked. */
    static double floor(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("minLr(" + lr + "): must be finite, 0 or more");
        }
        return lr;
    }
}
