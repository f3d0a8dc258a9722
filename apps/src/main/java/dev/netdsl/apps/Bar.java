package dev.netdsl.apps;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar for the examples' own loops (hand-written Autograd training, the thermometer's steps, the MNIST
 * tutorial's epochs), drawn as NetDSL's own {@code fit} bars are: on standard output, only when it is a terminal, never
 * with {@code --quiet}; otherwise it does nothing. Lines printed while a bar shows go through {@link #above}.
 */
final class Bar implements AutoCloseable {
    /** Carriage return, then "erase to the end of the line": a line printed over a bar replaces it. */
    private static final byte[] CLEAR_LINE = {'\r', 27, '[', 'K'};
    private ProgressBar bar;

    private Bar(ProgressBar bar) {
        this.bar = bar;
    }

    /** True if standard output is a terminal, where NetDSL's bars and these are drawn. */
    static boolean terminal() {
        return System.console() != null;
    }

    /** A bar named {@code task} counting to {@code total} (-1: unknown) if {@code wanted} and on a terminal, else a no-op. */
    static Bar open(String task, long total, boolean wanted) {
        if (!wanted || !terminal()) {
            return new Bar(null);
        }
        return new Bar(new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.out)).setUpdateIntervalMillis(250).continuousUpdate().build());
    }

    /** Moves the bar to {@code done} and shows {@code message} beside it. */
    void update(long done, String message) {
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(" " + message);
        }
    }

    /** Ends the bar on its line (once; closing again does nothing). */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /**
     * {@code out}, or, when it is standard output on a terminal, a stream that writes each whole line over the line a bar
     * may be drawn on (the bar redraws itself below): the examples' per-step and per-epoch lines and a bar never share a
     * line. Elsewhere (a file, a pipe, a test's buffer) {@code out} itself: no control characters in logs.
     */
    static PrintStream above(PrintStream out) {
        if (out != System.out || !terminal()) {
            return out;
        }
        OutputStream lines = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                line.write(b);
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    line.reset();
                    // One write under the stream's lock: a bar's redraw can't land inside the line.
                    synchronized (out) {
                        out.write(CLEAR_LINE, 0, CLEAR_LINE.length);
                        out.write(bytes, 0, bytes.length);
                        out.flush();
                    }
                }
            }
        };
        return new PrintStream(lines, true, Charset.defaultCharset());
    }
}
