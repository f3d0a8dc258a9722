package dev.netdsl.internal;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/**
 * A progress bar on the terminal for long training loops, or nothing when the output is not a
 * terminal (logs and CI stay clean) or progress is switched off. The bar is drawn on standard output,
 * next to the lines it accompanies, so standard error stays line-oriented (the {@code netdsl} launcher
 * filters TensorFlow's native log lines out of it line by line).
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar counting to {@code total} if {@code enabled} and a console is attached, else a no-op. */
    public static Progress open(String task, long total, boolean enabled) {
        if (!enabled || System.console() == null) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.out)).setUpdateIntervalMillis(250).continuousUpdate().build());
    }

    /** Moves the bar to {@code done} and shows {@code loss}. */
    public void update(long done, float loss) {
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(String.format(" loss %.4f", loss));
        }
    }

    /** Moves the bar to {@code done} and shows {@code message} (e.g. the running loss and accuracy). */
    public void update(long done, String message) {
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(" " + message);
        }
    }

    /** True if a bar is shown. */
    public boolean shown() {
        return bar != null;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
