package dev.netdsl;

import dev.netdsl.internal.Progress;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Fit;
import dev.netdsl.training.Targets;
import dev.netdsl.training.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One {@code fit(train, Fit)} call: epochs of shuffled mini-batches (or full-batch steps), the epoch's
 * numbers (training loss and accuracy, validation numbers, learning rate, time), the callbacks, the
 * epoch lines and progress bars, checkpoints of the fit's state and resuming from one.
 */
final class FitLoop implements TrainingRun {
    private final Trainer t;
    private final Fit fit;
    private final boolean shortForm;
    private final Dataset train;
    private final Dataset validation;
    private final List<Callback> callbacks;
    private final Targets kind;
    private final List<Map<String, Double>> history = new ArrayList<>();
    private final List<Float> losses = new ArrayList<>();
    private volatile boolean stop;
    private boolean resumed;
    private int epoch;

    FitLoop(Trainer t, Dataset data, Fit fit, boolean shortForm) {
        this.t = t;
        this.fit = fit;
        this.shortForm = shortForm;
        this.callbacks = fit.callbacks();
        this.kind = t.g.net.loss().get().targets();
        for (String m : fit.metrics()) {
            boolean regression = m.equals("mae") || m.equals("r2");
            if (regression != (kind == Targets.VALUES)) {
                throw new IllegalArgumentException("Fit.metrics(\"" + m + "\"): " + (regression ? "a regression metric, but "
                        + t.g.net + " is a classifier" : "a classifier metric, but " + t.g.net + " is a regression (its loss"
                        + " compares values)"));
            }
        }
        if (fit.validation() != null) {
            Feeder.check("fit (validation)", t.g.net, fit.validation());
            this.train = data;
            this.validation = fit.validation();
        } else if (fit.validationSplit() > 0) {
            Dataset[] parts = split(data, fit.validationSplit(), t.model.seed());
            this.train = parts[0];
            this.validation = parts[1];
        } else {
            this.train = data;
            this.validation = null;
        }
        if (validation == null && !fit.metrics().isEmpty()) {
            throw new IllegalArgumentException("Fit.metrics" + fit.metrics() + ": these are validation numbers; give a validation"
                    + " set too (Fit...validation(data) or validationSplit(0.1))");
        }
    }

    /**
     * {@code data} split into training and validation examples: a permutation drawn from the model's
     * seed (not from the shuffler, so a resumed fit splits the same way), the last {@code share} held out.
     */
    static Dataset[] split(Dataset data, double share, long seed) {
        int n = data.size();
        int held = (int) Math.round(n * share);
        if (held < 1 || held >= n) {
            throw new IllegalArgumentException("validationSplit(" + share + "): of " + n + " examples that holds out " + held
                    + "; both parts need at least one");
        }
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5eed5eedL);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return new Dataset[] {data.subset(order, 0, n - held), data.subset(order, n - held, n)};
    }

    History run() {
        t.checkBatches("fit", train.size(), fit.fullBatch() ? train.size() : fit.batchSize());
        int first = 1;
        if (fit.isResume()) {
            first = resume();
        }
        long start = System.nanoTime();
        callbacks.forEach(c -> c.onTrainBegin(this));
        boolean printing = !fit.isQuiet() && !shortForm;
        int batches = fit.fullBatch() ? 1 : (train.size() + fit.batchSize() - 1) / fit.batchSize();
        boolean metrics = !shortForm && kind != Targets.VALUES;
        int width = t.g.net.outputSize();
        String why = fit.fullBatch() ? "each full-batch step is an epoch with its own callbacks" : t.stepByStep(train, fit.batchSize(), perBatch());
        int fullBatches = fit.fullBatch() ? 0 : train.size() / fit.batchSize();
        if (why == null && fullBatches == 0) {
            why = "the data set is smaller than one batch";
        }
        boolean fuse = why == null;
        // Bars redraw between calls: a twentieth of an epoch per call with a bar, the whole epoch without one.
        int chunk = !fuse ? 0 : t.progress && (shortForm || printing) && System.console() != null ? Math.max(1,
                (fullBatches + 19) / 20) : fullBatches;
        FusedFit.say("fit: " + (fuse ? "fused, " + chunk + " batches of " + fit.batchSize() + " per call"
                + (fullBatches * fit.batchSize() < train.size() ? ", the last, smaller batch step by step" : "")
                : "step by step, because " + why));
        try (Feeder whole = fit.fullBatch() || fuse ? Feeder.of(t.g, train, true) : null) {
            for (epoch = first; epoch <= fit.epochs() && !stop; epoch++) {
                for (Callback c : callbacks) {
                    c.onEpochBegin(this, epoch);
                }
                long epochStart = System.nanoTime();
                int[] order = new int[train.size()];
                if (!fit.fullBatch()) {
                    // A fresh permutation each epoch (PyTorch's RandomSampler draws randperm(n) per epoch), from the
                    // model's shuffler alone, so training resumed from saveAll shuffles as if it never stopped.
                    Arrays.setAll(order, i -> i);
                    t.shuffler.shuffle(order);
                }
                double sum = 0;
                long correct = 0;
                long counted = 0;
                long done = 0;
                String task = shortForm ? "fit" : "epoch " + epoch + "/" + fit.epochs();
                boolean bars = t.progress && (shortForm || printing);
                try (Progress bar = Progress.open(task, fit.fullBatch() && shortForm ? fit.epochs() : batches, bars)) {
                    int b = 0;
                    while (fuse && b < fullBatches && !stop) {
                        int count = Math.min(chunk, fullBatches - b);
                        int[] rows = new int[chunk * fit.batchSize()];
                        System.arraycopy(order, b * fit.batchSize(), rows, 0, count * fit.batchSize());
                        float[] right = new float[count];
                        float[] l = t.fusedSteps(whole, fit.batchSize(), chunk, rows, count, right);
                        if (l == null) {
                            fuse = false; // XLA could not compile the loop: on step by step from batch b
                            break;
                        }
                        if (l.length == 0) {
                            break; // a loss or value was not finite: batch b on step by step, for its error and rollback
                        }
                        for (int k = 0; k < count; k++) {
                            losses.add(l[k]);
                            sum += (double) l[k] * fit.batchSize();
                            done += fit.batchSize();
                            correct += (long) right[k];
                            counted += kind == Targets.CLASSES ? fit.batchSize() : (long) fit.batchSize() * width;
                        }
                        b += count;
                        progress(bar, b, sum / done, metrics ? (double) correct / counted : Double.NaN);
                    }
                    for (; b < batches && !stop; b++) {
                        Dataset batch = fit.fullBatch() ? train : train.subset(order, b * fit.batchSize(),
                                Math.min(train.size(), (b + 1) * fit.batchSize()));
                        float[] out = metrics ? new float[batch.size() * width] : null;
                        String where = fit.fullBatch() ? "fit (step " + epoch + ")" : "fit (epoch " + epoch + ", batch " + (b + 1) + ")";
                        float loss;
                        if (whole != null && fit.fullBatch()) {
                            loss = t.step(whole, where, () -> t.replayOn(batch), out);
                        } else {
                            try (Feeder feed = Feeder.of(t.g, batch, true)) {
                                loss = t.step(feed, where, () -> t.replayOn(batch), out);
                            }
                        }
                        losses.add(loss);
                        // Weighted by the batch's size: the epoch's loss is the mean per example (Keras's), not per batch.
                        sum += (double) loss * batch.size();
                        done += batch.size();
                        if (out != null) {
                            long[] c = Accuracy.count(kind, out, width, batch);
                            correct += c[0];
                            counted += c[1];
                        }
                        for (Callback c : callbacks) {
                            c.onBatchEnd(this, epoch, b + 1, loss);
                        }
                        progress(bar, shortForm && fit.fullBatch() ? epoch : b + 1, sum / done,
                                counted > 0 ? (double) correct / counted : Double.NaN);
                    }
                }
                Map<String, Double> logs = new LinkedHashMap<>();
                logs.put("loss", sum / Math.max(1, done));
                if (metrics && counted > 0) {
                    logs.put("accuracy", (double) correct / counted);
                }
                if (validation != null) {
                    validationNumbers(t.model.evaluate(validation), logs);
                }
                logs.put("lr", t.learningRate);
                logs.put("seconds", (System.nanoTime() - epochStart) / 1e9);
                history.add(logs);
                for (Callback c : callbacks) {
                    c.onEpochEnd(this, epoch, logs);
                }
                if (printing) {
                    fit.out().println(line(epoch, fit.epochs(), logs));
                }
            }
        } finally {
            History h = finished(start);
            for (Callback c : callbacks) {
                c.onTrainEnd(this, h);
            }
        }
        return finished(start);
    }

    /** Moves {@code bar} to {@code position} with the running loss (and accuracy, unless NaN). */
    private void progress(Progress bar, int position, double loss, double accuracy) {
        if (shortForm) {
            bar.update(position, (float) loss);
        } else if (bar.shown()) {
            bar.update(position, "loss " + number(loss) + (Double.isNaN(accuracy) ? "" : "  accuracy " + number(accuracy)));
        }
    }

    /** Why this fit's callbacks need every batch as it happens, or null. */
    private String perBatch() {
        for (Callback c : callbacks) {
            if (c.perBatch()) {
                return c.getClass().getName() + " is told about every batch (Callback.perBatch)";
            }
        }
        return null;
    }

    /** What this fit did: its steps' losses, the epochs (a resumed fit's earlier ones too), the time. */
    private History finished(long start) {
        float[] l = new float[losses.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = losses.get(i);
        }
        return new History(l, (System.nanoTime() - start) / 1e9, history);
    }

    /** The validation set's numbers as {@code val_...} entries: loss, accuracy or MAE and R², and the extra metrics. */
    private void validationNumbers(Evaluation ev, Map<String, Double> logs) {
        logs.put("val_loss", ev.loss());
        if (ev.isRegression()) {
            logs.put("val_mae", ev.mae());
            if (!Double.isNaN(ev.r2())) {
                logs.put("val_r2", ev.r2());
            }
        } else {
            logs.put("val_accuracy", ev.accuracy());
        }
        for (String m : fit.metrics()) {
            if (m.startsWith("top")) {
                logs.put("val_" + m, ev.topK(Math.min(m.charAt(3) - '0', ev.topCorrect().length)));
            } else if (m.equals("macro_f1")) {
                logs.put("val_" + m, ev.macroF1());
            }
        }
    }

    /** {@code epoch 3/20  loss 0.412  accuracy 0.853  val_loss 0.447  val_accuracy 0.842  lr 8.1e-4  4.2 s}. */
    static String line(int epoch, int epochs, Map<String, Double> logs) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs));
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            double v = e.getValue();
            if (e.getKey().equals("seconds")) {
                s.append(String.format(Locale.ROOT, "  %.1f s", v));
            } else if (e.getKey().equals("lr")) {
                s.append("  lr ").append(rate(v));
            } else {
                s.append("  ").append(e.getKey()).append(' ').append(number(v));
            }
        }
        return s.toString();
    }

    /** Three decimals, or three significant digits in scientific notation for tiny and huge numbers. */
    static String number(double v) {
        double a = Math.abs(v);
        return a != 0 && (a < 0.01 || a >= 1e5) ? scientific(v, 2) : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A learning rate as people write it: {@code 0.05}, {@code 8.1e-4}. */
    static String rate(double v) {
        double a = Math.abs(v);
        if (a == 0 || a >= 0.01 && a < 1e5) {
            return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        }
        return scientific(v, 1);
    }

    private static String scientific(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "e", v);
        return s.replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
    }

    /** Takes the checkpointed fit's state; returns the first epoch to run. */
    private int resume() {
        FitState st = t.pending;
        if (st == null) {
            throw new IllegalStateException("fit(..., Fit...resume()): this model holds no saved fit to resume; open a file written"
                    + " by a Checkpoint callback (or TrainingRun.checkpoint) with Model.open first");
        }
        if (st.callbacks().size() != callbacks.size()) {
            throw new IllegalArgumentException("resume: the checkpoint was written by a fit with " + st.callbacks().size()
                    + " callbacks, this one has " + callbacks.size() + "; give the same callbacks in the same order");
        }
        for (int i = 0; i < callbacks.size(); i++) {
            String type = callbacks.get(i).stateType();
            if (!st.callbacks().get(i).type().equals(type)) {
                throw new IllegalArgumentException("resume: callback " + i + " was a " + st.callbacks().get(i).type()
                        + " when the checkpoint was written, this one is a " + type + "; give the same callbacks in the same order");
            }
            if (st.callbacks().get(i).state() != null) {
                try {
                    callbacks.get(i).restore(st.callbacks().get(i).state());
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("resume: the checkpoint's state of callback " + i + " (" + callbacks.get(i)
                            + ") does not restore: " + e + "; the file is damaged or was written by other code", e);
                }
            }
        }
        history.addAll(st.history());
        t.learningRate = st.learningRate();
        t.pending = null;
        resumed = true;
        // A fit a callback had stopped at the checkpoint stays stopped, as the uninterrupted fit did.
        stop = st.stopped();
        return st.epochsDone() + 1;
    }

    @Override
    public Model model() {
        return t.model;
    }

    @Override
    public int epochs() {
        return fit.epochs();
    }

    @Override
    public long stepsTaken() {
        return t.stepsTaken;
    }

    @Override
    public double learningRate() {
        return t.learningRate;
    }

    @Override
    public void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("setLearningRate(" + lr + "): must be finite, 0 or more");
        }
        t.learningRate = lr;
    }

    @Override
    public List<Map<String, Double>> history() {
        List<Map<String, Double>> view = new ArrayList<>();
        history.forEach(e -> view.add(java.util.Collections.unmodifiableMap(e)));
        return java.util.Collections.unmodifiableList(view);
    }

    @Override
    public boolean resumed() {
        return resumed;
    }

    @Override
    public void stop() {
        stop = true;
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }

    @Override
    public void checkpoint(Path path) {
        List<FitState.CallbackState> states = new ArrayList<>();
        for (Callback c : callbacks) {
            states.add(new FitState.CallbackState(c.stateType(), c.state()));
        }
        t.model.saveAll(path, new FitState(epoch, stop, List.copyOf(history), t.learningRate, states));
    }
}
