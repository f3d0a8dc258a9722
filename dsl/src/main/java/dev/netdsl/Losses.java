package dev.netdsl;

/** Static factories for losses, meant for static import. */
public final class Losses {
    private Losses() {
    }

    /** Mean squared error, {@code mean((yHat - y)^2)}. */
    public static Loss mse() {
        return Loss.MSE;
    }
}
