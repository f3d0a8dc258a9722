package dev.netdsl.internal.engine;

import java.util.List;
import java.util.Map;

/**
 * Where a {@code fit} was when a checkpoint saved it: epochs done, whether a callback had asked it to
 * stop there, the history so far, the learning rate, and each callback's state (by position, with its
 * class name to check it is the same callback).
 */
public record FitState(int epochsDone, boolean stopped, List<Map<String, Double>> history, double learningRate,
                List<CallbackState> callbacks) {
    /** One callback's saved state. */
    public record CallbackState(String type, Map<String, Object> state) {
    }
}
