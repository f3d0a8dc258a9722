package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.Model;

/** For tests in other packages: the trainer's switches and counters, which are not API. */
public final class TrainerKnobs {
    private TrainerKnobs() {
    }

    /** Native calls that ran fused steps so far. */
    public static long fusedCalls(Model m) {
        return access().trainer(m).steps.fusedCalls;
    }

    /** Turns the fused loop off (every step one call) or back on. */
    public static void fusion(Model m, boolean on) {
        access().trainer(m).fusion = on;
    }
}
