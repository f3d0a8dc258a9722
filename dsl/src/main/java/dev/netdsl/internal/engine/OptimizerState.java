package dev.netdsl.internal.engine;

import dev.netdsl.Parameter;
import dev.netdsl.internal.TfRuntime.Slot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's optimizer state as named tensors, for saving and resuming: {@code <parameter>.<key>} with
 * {@code torch.optim}'s keys ({@code 0.weight.exp_avg}) in the parameters' layout, and {@code step}
 * for optimizers that count steps.
 */
public final class OptimizerState {
    private OptimizerState() {
    }

    /** The state tensors of {@code g}'s optimizer, as one list of tensors per slot. */
    private static List<NetGraph.Tensor> tensors(NetGraph g) {
        List<NetGraph.Tensor> out = new ArrayList<>();
        if (g.optimizerState == null) {
            return out;
        }
        for (int i = 0; i < g.trained.size(); i++) {
            NetGraph.Tensor p = g.trained.get(i);
            List<Slot> slots = g.optimizerState.perParam().get(i);
            for (int k = 0; k < slots.size(); k++) {
                // A slot has its parameter's stored layout, so it reads and writes through the parameter's spec.
                out.add(new NetGraph.Tensor(p.name() + "." + g.optimizerState.kinds().get(k), p.spec(), slots.get(k)));
            }
        }
        return out;
    }

    public static List<Parameter> read(NetGraph g) {
        List<Parameter> out = new ArrayList<>(g.read(tensors(g)));
        if (g.optimizerState != null && g.optimizerState.step() != null) {
            out.add(new Parameter("step", List.of(), g.rt.read(List.of(g.optimizerState.step())).get(0)));
        }
        return out;
    }

    public static void write(NetGraph g, List<Parameter> values) {
        Map<String, Parameter> given = new LinkedHashMap<>();
        values.forEach(p -> given.put(p.name(), p));
        Parameter step = given.remove("step");
        boolean counts = g.optimizerState != null && g.optimizerState.step() != null;
        if (counts != (step != null)) {
            throw new IllegalArgumentException("the saved optimizer state does not fit " + g.net + ": "
                    + (counts ? "the step count is missing" : "it has a step count this optimizer does not keep"));
        }
        try {
            g.write(tensors(g), new ArrayList<>(given.values()), List.of());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the saved optimizer state does not fit " + g.net + ": " + e.getMessage(), e);
        }
        if (step != null) {
            g.rt.assign(List.of(g.optimizerState.step()), List.of(Arrays.copyOf(step.values(), 1)));
            g.guard.keepCurrent();
        }
    }
}
