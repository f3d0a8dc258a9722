package dev.netdsl.internal.engine;

import dev.netdsl.Dataset;
import dev.netdsl.Evaluation;
import dev.netdsl.History;
import dev.netdsl.Net;
import dev.netdsl.internal.Progress;
import dev.netdsl.training.Callback;
import dev.netdsl.training.Fit;
import dev.netdsl.training.TrainingRun;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every {@code fit} does around its steps, as callbacks that run like a user's: the epoch's running
 * numbers ({@link Tally}), the validation numbers, the learning rate and time, the history, the progress
 * bar and the epoch line. {@link FitLoop} runs them with the user's, in the order that puts each number in
 * the epoch's logs before the callbacks that read it.
 */
public final class FitCallbacks {
    private FitCallbacks() {
    }

    /** An epoch's running loss and right answers, over the batches trained so far. */
    static final class Tally {
        double sum;
        long done;
        long correct;
        long counted;

        void reset() {
            sum = 0;
            done = 0;
            correct = 0;
            counted = 0;
        }

        /** A batch of {@code rows} examples with loss {@code loss} and {@code correct} of {@code counted} right answers. */
        void add(float loss, int rows, float correct, long counted) {
            // Weighted by the batch's size: the epoch's loss is the mean per example (Keras's), not per batch.
            sum += (double) loss * rows;
            done += rows;
            this.correct += (long) correct;
            this.counted += counted;
        }

        double loss() {
            return sum / Math.max(1, done);
        }

        double accuracy() {
            return counted > 0 ? (double) correct / counted : Double.NaN;
        }

        /** The epoch's first numbers: {@code loss}, and {@code accuracy} if it was counted. */
        Map<String, Double> logs() {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", loss());
            if (counted > 0) {
                logs.put("accuracy", accuracy());
            }
            return logs;
        }
    }

    /** The validation set's numbers as {@code val_...} entries: loss, accuracy or MAE and R², and the extra metrics. */
    record Validation(Dataset data, Fit fit) implements Callback {
        /**
         * Checks {@code fit}'s extra metrics against {@code net}'s kind (classifier or regression) and that they have a
         * validation set to be computed on.
         */
        static void check(Net net, Fit fit, Dataset validation) {
            boolean values = net.loss().get().targets() == dev.netdsl.training.Targets.VALUES;
            for (String m : fit.metrics()) {
                boolean regression = m.equals("mae") || m.equals("r2");
                if (regression != values) {
                    throw new IllegalArgumentException("Fit.metrics(\"" + m + "\"): " + (regression ? "a regression metric, but "
                            + net + " is a classifier" : "a classifier metric, but " + net + " is a regression (its loss"
                            + " compares values)"));
                }
            }
            if (validation == null && !fit.metrics().isEmpty()) {
                throw new IllegalArgumentException("Fit.metrics" + fit.metrics() + ": these are validation numbers; give a validation"
                        + " set too (Fit...validation(data) or validationSplit(0.1))");
            }
        }

        @Override
        public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
            Evaluation ev = run.model().evaluate(data);
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
    }

    /** The epoch's learning rate and seconds (validation included), then the epoch into the history. */
    static final class Clock implements Callback {
        private long start;

        @Override
        public void onEpochBegin(TrainingRun run, int epoch) {
            start = System.nanoTime();
        }

        @Override
        public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
            logs.put("lr", run.learningRate());
            logs.put("seconds", (System.nanoTime() - start) / 1e9);
            ((FitRun) run).history.add(logs);
        }
    }

    /**
     * A progress bar per epoch ("epoch 3/20", the running loss and accuracy), or one named {@code task} ("fit",
     * the running loss, or with {@code lastLoss} the last step's), on a terminal. Updated after each batch, or each
     * fused call: it needs no batch as it happens.
     */
    static final class Bars implements Callback {
        private final boolean shown;
        private final String task;
        private final int batches;
        private final Tally tally;
        private final boolean lastLoss;
        private Progress bar;

        Bars(boolean shown, String task, int batches, Tally tally, boolean lastLoss) {
            this.shown = shown;
            this.task = task;
            this.batches = batches;
            this.tally = tally;
            this.lastLoss = lastLoss;
        }

        @Override
        public void onEpochBegin(TrainingRun run, int epoch) {
            bar = Progress.open(task != null ? task : "epoch " + epoch + "/" + run.epochs(), batches, shown);
        }

        @Override
        public boolean perBatch() {
            return false;
        }

        @Override
        public void onBatchEnd(TrainingRun run, int epoch, int batch, float loss) {
            if (task != null) {
                bar.update(batch, lastLoss ? loss : (float) tally.loss());
            } else if (bar.shown()) {
                double accuracy = tally.accuracy();
                bar.update(batch, "loss " + number(tally.loss()) + (Double.isNaN(accuracy) ? "" : "  accuracy " + number(accuracy)));
            }
        }

        @Override
        public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
            bar.close();
            bar = null;
        }

        @Override
        public void onTrainEnd(TrainingRun run, History history) {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /**
     * {@code epoch 3/20  loss 0.412  accuracy 0.853  val_loss 0.447  val_accuracy 0.842  lr 8.1e-4  4.2 s}; and, as Keras
     * says them, what a callback such as {@code EarlyStopping} did ({@code Epoch 6: early stopping}, {@code Restoring model weights from
     * the end of the best epoch: 3.}) and where a resumed fit starts, or that it had nothing left to do.
     */
    record Lines(PrintStream out) implements Callback {
        @Override
        public void onTrainBegin(TrainingRun run) {
            if (run.resumed()) {
                int done = run.history().size();
                if (run.stopRequested()) {
                    out.println("Resumed a fit that had stopped after epoch " + done + ": nothing left to train.");
                } else if (done >= run.epochs()) {
                    out.println("Resumed a fit that had finished its " + run.epochs() + (run.epochs() == 1 ? " epoch" : " epochs")
                            + ": nothing left to train.");
                } else {
                    out.println("Resuming at epoch " + (done + 1) + "/" + run.epochs() + ".");
                }
            }
        }

        @Override
        public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
            out.println(line(epoch, run.epochs(), logs));
        }

        @Override
        public void onTrainEnd(TrainingRun run, History history) {
            for (Callback c : ((FitRun) run).callbacks) {
                c.endLines(history).forEach(out::println);
            }
        }
    }

    /** The epoch line for {@code logs}. */
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
}
