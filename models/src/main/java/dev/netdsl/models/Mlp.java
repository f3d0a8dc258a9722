package dev.netdsl.models;

import dev.netdsl.Net;
import dev.netdsl.layers.Linear;
import dev.netdsl.training.SGD;

/**
 * The sine-fitting tutorial's {@code make_layers(cfg)} + {@code LinerRegress}: a stack of {@code Linear} layers with
 * ReLU between them and none after the last, sized by {@code cfg} (input first, output last).
 */
public final class Mlp {
    private Mlp() {
    }

    /**
     * The tutorial's regression MLP, e.g. {@code Mlp.of(1, 20, 50, 20, 1)}; add a loss and optimizer with
     * the fluent {@link Net} calls.
     *
     * @throws IllegalArgumentException if fewer than two sizes are given or a size is below 1
     */
    public static Net of(int... cfg) {
        return Net.of(cfg).relu();
    }

    /** The tutorial's whole training setup: {@code Mlp.of(cfg)} with MSE and SGD at {@code lr}. */
    public static Net sineRegressor(int[] cfg, double lr) {
        return of(cfg).mse().sgd(lr);
    }
}
