package dev.netdsl.autograd;

import dev.netdsl.internal.files.SavedModels;
import dev.netdsl.Expr;
import dev.netdsl.internal.ExprCompiler;
import dev.netdsl.internal.TfRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** {@link Autograd#exportSavedModel}: a fresh graph of what the named outputs compute, exported as a SavedModel. */
final class AutogradExport {
    private AutogradExport() {
    }

    static void export(Autograd ag, Path dir, Map<String, Input> inputs, Map<String, Expr> outputs, boolean overwrite) {

        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(outputs, "outputs");
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("exportSavedModel: no outputs; name at least one, e.g. Map.of(\"y\", logits)");
        }
        Set<String> keys = new HashSet<>();
        for (String name : inputs.keySet()) {
            checkSignatureName(name, keys);
            if (inputs.get(name).owner() != ag) {
                throw new IllegalArgumentException("exportSavedModel: input '" + name + "' belongs to another Autograd");
            }
        }
        List<Input> given = new ArrayList<>(inputs.values());
        for (Map.Entry<String, Expr> out : outputs.entrySet()) {
            checkSignatureName(out.getKey(), keys);
            List<Input> needed = new ArrayList<>();
            Leaves.collect(ag, out.getValue(), new ArrayList<>(), needed);
            for (Input in : needed) {
                if (!given.contains(in)) {
                    throw new IllegalArgumentException("exportSavedModel: output '" + out.getKey() + "' reads input '"
                            + in.name() + "' " + Arrays.toString(in.shape()) + ", which is not among the inputs " + inputs.keySet()
                            + "; add it to the inputs map");
                }
            }
        }
        // A fresh graph with only what the outputs compute, the variables they read holding their current values:
        // no minimizer state, gradients or guard checkpoints in the SavedModel.
        List<Var> vars = new ArrayList<>();
        outputs.values().forEach(e -> Leaves.collect(ag, e, vars, new ArrayList<>()));
        Map<Var, float[]> values = new IdentityHashMap<>();
        for (Var v : new LinkedHashSet<>(vars)) {
            values.put(v, ag.read(v));
        }
        try (TfRuntime serving = new TfRuntime("Autograd export", ag.rt.device())) {
            Map<Var, Operand<TFloat32>> bound = new IdentityHashMap<>();
            values.forEach((v, data) -> bound.put(v, serving.variable(v.name(), v.shape(), data).read()));
            Map<Input, Operand<TFloat32>> fed = new IdentityHashMap<>();
            org.tensorflow.Signature.Builder sig = SavedModels.servingSignature();
            inputs.forEach((name, in) -> {
                org.tensorflow.op.core.Placeholder<TFloat32> ph = serving.placeholder(in.name(), in.shape());
                fed.put(in, ph);
                sig.input(name, ph);
            });
            ExprCompiler compiler = new ExprCompiler(serving.tf(), Leaves.binder(leaf -> leaf instanceof Var v ? bound.get(v) : fed.get(leaf)));
            outputs.forEach((name, e) -> sig.output(name, compiler.compile(e)));
            serving.start();
            SavedModels.export(serving, sig.build(), dir, overwrite, "the Autograd graph");
        }
    }

    private static void checkSignatureName(String name, Set<String> taken) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("exportSavedModel: signature name '" + name
                    + "' must be letters, digits and '_', not starting with a digit (it becomes a serving key)");
        }
        if (!taken.add(name)) {
            throw new IllegalArgumentException("exportSavedModel: the name '" + name + "' is used twice; inputs and outputs"
                    + " need distinct names");
        }
    }
}
