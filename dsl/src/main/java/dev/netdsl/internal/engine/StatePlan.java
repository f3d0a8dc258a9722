package dev.netdsl.internal.engine;

import dev.netdsl.Parameter;
import dev.netdsl.internal.Layouts;
import dev.netdsl.internal.TfRuntime.Slot;
import dev.netdsl.internal.engine.NetGraph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matching values to a model's tensors by name and shape (PyTorch's {@code state_dict} names and declared layout):
 * what fits (slots and values in their stored layout) and what does not.
 */
public record StatePlan(List<Slot> targets, List<float[]> stored, List<String> loaded, List<String> missing,
        List<String> unexpected, List<String> mismatched) {
    /** Every problem for a strict load, except tensors in {@code optional} that are missing. */
    public List<String> problems(Collection<String> optional) {
        List<String> out = new ArrayList<>(mismatched);
        missing.stream().filter(m -> !optional.contains(m.substring(0, m.indexOf(' ')))).forEach(m -> out.add(m + " is missing"));
        unexpected.forEach(u -> out.add(u + " is not a parameter of this model"));
        return out;
    }

    /**
     * This plan if it found no problem ({@link #problems} with nothing optional), else the exception {@code error} makes
     * of the problems, joined with "; ".
     */
    public StatePlan checked(java.util.function.Function<String, ? extends RuntimeException> error) {
        List<String> problems = problems(List.of());
        if (!problems.isEmpty()) {
            throw error.apply(String.join("; ", problems));
        }
        return this;
    }

    /**
     * {@code Model.setParameters}: overwrites every parameter with {@code values} (buffers too if given), under the
     * exclusive lock.
     *
     * @throws IllegalArgumentException listing every missing, unexpected or mis-shaped parameter
     */
    public static void set(NetGraph g, List<Parameter> values) {
        List<NetGraph.Tensor> all = new ArrayList<>(g.parameters);
        all.addAll(g.buffers);
        Set<String> optional = new java.util.HashSet<>();
        g.buffers.forEach(b -> optional.add(b.name()));
        g.rt.exclusive("set parameters", () -> {
            g.write(all, values, optional);
            return null;
        });
    }

    /** Matches {@code values} to {@code tensors} by name and shape (PyTorch's declared layout). */
    public static StatePlan of(List<NetGraph.Tensor> tensors, List<Parameter> values) {
        Map<String, Parameter> given = new LinkedHashMap<>();
        List<String> mismatched = new ArrayList<>();
        for (Parameter p : values) {
            if (given.put(p.name(), p) != null) {
                mismatched.add(p.name() + " is given twice");
            }
        }
        List<Slot> targets = new ArrayList<>();
        List<float[]> stored = new ArrayList<>();
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (NetGraph.Tensor want : tensors) {
            Parameter got = given.remove(want.name());
            List<Integer> shape = Arrays.stream(want.spec().shape()).boxed().toList();
            if (got == null) {
                missing.add(want.name() + " " + shape);
            } else if (!got.shape().equals(shape)) {
                mismatched.add(want.name() + " has shape " + got.shape() + " but this model's is " + shape);
            } else {
                float[] v = got.values();
                String bad = null;
                for (float f : v) {
                    if (!Float.isFinite(f)) {
                        bad = want.name() + " holds " + f + "; parameters must be finite";
                        break;
                    }
                }
                if (bad != null) {
                    mismatched.add(bad);
                } else {
                    targets.add(want.slot());
                    stored.add(Layouts.toStored(want.spec(), v));
                    loaded.add(want.name());
                }
            }
        }
        List<String> unexpected = new ArrayList<>();
        given.values().forEach(p -> unexpected.add(p.name() + " " + p.shape()));
        return new StatePlan(targets, stored, loaded, missing, unexpected, mismatched);
    }

    /**
     * {@code Model.load}: sets {@code g}'s parameters and buffers to {@code values}, read from {@code source} (a
     * file) with {@code prefix} stripped from their names; a strict load sets nothing unless every tensor fits.
     *
     * @throws IllegalArgumentException for a strict load that does not fit (listing every mismatch); the model is
     *     unchanged then
     */
    public static StatePlan load(NetGraph g, Object source, List<Parameter> read, String prefix, boolean strict) {
        List<Parameter> values = new ArrayList<>();
        for (Parameter p : read) {
            String name = !prefix.isEmpty() && p.name().startsWith(prefix) ? p.name().substring(prefix.length()) : p.name();
            values.add(new Parameter(name, p.shape(), p.values()));
        }
        List<Tensor> all = new ArrayList<>(g.parameters);
        all.addAll(g.buffers);
        return g.rt.exclusive("load", () -> {
            StatePlan plan = of(all, values);
            if (strict) {
                plan.checked(problems -> new IllegalArgumentException("can't load " + source + " into " + g.net + ": " + problems
                        + ". Its names and shapes must be the model's (" + names(all) + ")"
                        + prefixHint(all, values)
                        + "; LoadOptions.nonStrict() loads what matches. The model is unchanged"));
            }
            g.assign(plan);
            return plan;
        });
    }

    /**
     * If the file holds every tensor of the model under one prefix ({@code model_state_dict.0.weight}, a
     * checkpoint dict's entry, or {@code module.} from {@code nn.DataParallel}), how to load them.
     */
    private static String prefixHint(List<Tensor> tensors, List<Parameter> values) {
        String first = tensors.isEmpty() ? null : tensors.get(0).name();
        for (Parameter p : values) {
            if (first != null && p.name().endsWith("." + first)) {
                String prefix = p.name().substring(0, p.name().length() - first.length());
                java.util.Set<String> names = new java.util.HashSet<>();
                values.forEach(v -> names.add(v.name()));
                boolean all = tensors.stream().allMatch(t -> names.contains(prefix + t.name()));
                boolean more = values.stream().anyMatch(v -> !v.name().startsWith(prefix));
                if (all) {
                    return "; the file holds them under the prefix \"" + prefix + "\": load with LoadOptions."
                            + (more ? "nonStrict()" : "strict()") + ".stripPrefix(\"" + prefix + "\")";
                }
            }
        }
        return "";
    }

    private static String names(List<Tensor> tensors) {
        List<String> out = new ArrayList<>();
        for (Tensor t : tensors) {
            out.add(t.name() + " " + Arrays.toString(t.spec().shape()));
        }
        return out.size() <= 12 ? String.join(", ", out) : String.join(", ", out.subList(0, 12)) + ", ... (" + out.size() + " in all)";
    }
}
