package dev.netdsl;

import java.util.Arrays;

/**
 * What a {@link Model#fit} call did: the loss of every step (before that step's update, as PyTorch's
 * {@code loss.item()} reports it) and the wall-clock time.
 */
public final class History {
    private final float[] losses;
    private final double seconds;

    History(float[] losses, double seconds) {
        this.losses = losses;
        this.seconds = seconds;
    }

    /** The loss of every step in order; a copy. */
    public float[] losses() {
        return losses.clone();
    }

    /** Number of steps taken. */
    public int steps() {
        return losses.length;
    }

    /** The loss of the last step, or NaN if no step ran. */
    public float finalLoss() {
        return losses.length == 0 ? Float.NaN : losses[losses.length - 1];
    }

    /** Wall-clock seconds spent in {@code fit}. */
    public double seconds() {
        return seconds;
    }

    /** Steps per second, or 0 if no time passed. */
    public double stepsPerSecond() {
        return seconds > 0 ? losses.length / seconds : 0;
    }

    @Override
    public String toString() {
        return "History[steps=" + losses.length + ", finalLoss=" + finalLoss() + ", seconds="
                + String.format("%.3f", seconds) + "]" + (losses.length <= 5 ? Arrays.toString(losses) : "");
    }
}
