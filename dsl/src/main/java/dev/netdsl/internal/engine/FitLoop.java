package dev.netdsl.internal.engine;

import dev.netdsl.Dataset;
import dev.netdsl.History;
import dev.netdsl.Model;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Targets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one training loop: epochs of batches ({@link FitPlan}), each batch fed ({@link Feeder}) to one step or many
 * in one fused call ({@link StepRunner}), and the callbacks told as they go, in the order {@link Trainer} added
 * them: the built-in ones ({@link FitCallbacks}: validation, clock, progress bar), the user's, the epoch line last.
 */
public final class FitLoop {
    private final Model model;
    private final StepRunner steps;
    private final FitPlan plan;
    private final FitRun run;
    private final List<Callback> all = new ArrayList<>();
    private final FitCallbacks.Tally tally = new FitCallbacks.Tally();
    private final boolean accuracy;
    /** Answers counted per example for the training accuracy (0 if it is not counted). */
    private final long perRow;
    private final boolean epochNumbers;

    FitLoop(Model model, StepRunner steps, FitPlan plan, List<Callback> callbacks, boolean accuracy, boolean epochNumbers) {
        this.model = model;
        this.steps = steps;
        this.plan = plan;
        this.run = new FitRun(model, steps, plan.epochs(), callbacks);
        Targets kind = steps.g.net.loss().get().targets();
        this.accuracy = accuracy && kind != Targets.VALUES;
        this.perRow = this.accuracy ? TrainingStep.counted(kind, 1, steps.g.net.outputShape()) : 0;
        this.epochNumbers = epochNumbers;
    }

    /** Adds built-in or user callbacks, told in the order added. */
    FitLoop add(List<Callback> callbacks) {
        all.addAll(callbacks);
        return this;
    }

    /** The epoch's running numbers, which a progress bar shows. */
    FitCallbacks.Tally tally() {
        return tally;
    }

    /** Runs the fit ({@code resume}: from where a saved fit stopped); the history. */
    History run(boolean resume) {
        int first = resume ? run.resume() : 1;
        long start = System.nanoTime();
        FusedFit.say(plan.say());
        all.forEach(c -> c.onTrainBegin(run));
        try (Feeder whole = plan.source() == null && (plan.chunk() > 0 || plan.batchSize() == 0) ? Feeder.of(steps.g, plan.train(), true) : null) {
            boolean fuse = plan.chunk() > 0;
            for (run.epoch = first; run.epoch <= plan.epochs() && !run.stopRequested(); run.epoch++) {
                int epoch = run.epoch;
                all.forEach(c -> c.onEpochBegin(run, epoch));
                tally.reset();
                int[] order = plan.order(steps.shuffler);
                int b = 0;
                while (fuse && b < plan.whole() && !run.stopRequested()) {
                    int count = Math.min(plan.chunk(), plan.whole() - b);
                    float[] right = new float[count];
                    float[] l = steps.fusedSteps(whole, plan.batchSize(), plan.chunk(), plan.rows(order, b, count), count, right);
                    fuse = l != null; // null: XLA could not compile the loop, so the rest goes step by step
                    if (l == null || l.length == 0) {
                        break; // empty: a value was not finite; its batch runs step by step, for the error and rollback
                    }
                    for (int k = 0; k < count; k++) {
                        record(plan.batchSize() == 0 ? plan.train().size() : plan.batchSize(), l[k], right[k]);
                    }
                    b += count;
                    batchEnd(epoch, b, l[count - 1], false);
                }
                for (; b < plan.batches() && !run.stopRequested(); b++) {
                    String where = plan.batchSize() > 0 ? "fit (epoch " + epoch + ", batch " + (b + 1) + ")"
                            : plan.epochs() > 1 ? "fit (step " + epoch + ")" : "fit";
                    if (plan.source() != null) {
                        int[] rows = plan.batchRows(order, b);
                        float loss = steps.applyFrom(plan.source(), model, rows, where);
                        record(rows.length, loss, 0);
                        batchEnd(epoch, b + 1, loss, true);
                        continue;
                    }
                    Dataset batch = plan.batch(order, b);
                    float[] right = accuracy ? new float[1] : null;
                    float loss;
                    try (Feeder feed = plan.batchSize() == 0 ? null : Feeder.of(steps.g, batch, true)) {
                        loss = steps.step(feed != null ? feed : whole, where, () -> steps.replayOn(batch), right);
                    }
                    record(batch.size(), loss, right == null ? 0 : right[0]);
                    batchEnd(epoch, b + 1, loss, true);
                }
                Map<String, Double> logs = tally.logs();
                all.forEach(c -> c.onEpochEnd(run, epoch, logs));
            }
        } finally {
            History h = run.finished(start, epochNumbers);
            all.forEach(c -> c.onTrainEnd(run, h));
        }
        return run.finished(start, epochNumbers);
    }

    private void record(int rows, float loss, float right) {
        run.step(loss);
        tally.add(loss, rows, right, rows * perRow);
    }

    /** Batch {@code batch} ended: every callback is told after a single step, those that need no batch after a fused call. */
    private void batchEnd(int epoch, int batch, float loss, boolean single) {
        for (Callback c : all) {
            if (single || !c.perBatch()) {
                c.onBatchEnd(run, epoch, batch, loss);
            }
        }
    }
}
