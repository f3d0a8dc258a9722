package dev.netdsl.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/** Graph functions for the fused loops: typed inputs in, what a body builds from them out. */
public final class GraphFunctions {
    private GraphFunctions() {
    }

    /**
     * A function named after {@code key} with one input per entry of {@code types} and {@code shapes} (-1
     * for an unknown dimension); its outputs are what {@code body} returns for those inputs. The key must
     * be unique in the graph the function goes into: TensorFlow Java names a function by its key and a
     * hash that ignores the shapes, and a graph keeps the first of two functions with the same name
     * (docs/tensorflow-notes.md).
     */
    public static ConcreteFunction create(String key, List<Class<? extends TType>> types, List<long[]> shapes,
                                          BiFunction<Ops, List<Operand<?>>, List<Operand<?>>> body) {
        return ConcreteFunction.create(b -> {
            List<Operand<?>> in = new ArrayList<>();
            Signature.Builder sig = Signature.builder().key(key);
            for (int k = 0; k < shapes.size(); k++) {
                Placeholder<?> ph = b.placeholder(types.get(k), Placeholder.shape(Shape.of(shapes.get(k))));
                in.add(ph);
                sig.input("in" + k, ph);
            }
            List<Operand<?>> out = body.apply(b, in);
            for (int k = 0; k < out.size(); k++) {
                sig.output("out" + k, out.get(k));
            }
            return sig.build();
        });
    }

    /** The gradients of {@code loss} with respect to {@code params}, built inside a function's graph {@code b}. */
    public static List<Operand<TFloat32>> gradients(Ops b, Operand<TFloat32> loss, List<Operand<TFloat32>> params) {
        Output<?>[] pv = new Output<?>[params.size()];
        for (int k = 0; k < pv.length; k++) {
            pv[k] = params.get(k).asOutput();
        }
        List<Operand<TFloat32>> grads = new ArrayList<>();
        for (Output<?> g : ((Graph) b.scope().env()).addGradients(loss.asOutput(), pv)) {
            grads.add(g.expect(TFloat32.class));
        }
        return grads;
    }

    /**
     * The optimizer's state among a function's inputs, parameter by parameter: {@code state}'s per-parameter
     * slots lie in order from input {@code from}.
     */
    @SuppressWarnings("unchecked")
    public static List<List<Operand<TFloat32>>> perParam(List<Operand<?>> in, int from, OptimizerOps.State state) {
        List<List<Operand<TFloat32>>> out = new ArrayList<>();
        int k = from;
        for (List<TfRuntime.Slot> per : state.perParam()) {
            List<Operand<TFloat32>> mine = new ArrayList<>();
            for (int j = 0; j < per.size(); j++) {
                mine.add((Operand<TFloat32>) in.get(k++));
            }
            out.add(mine);
        }
        return out;
    }

    /**
     * A call of {@code f} on {@code args} in {@code rt}'s graph that XLA must compile ({@code _XlaMustCompile}),
     * with {@code results} float32 outputs.
     */
    public static Operation callCompiled(TfRuntime rt, String name, ConcreteFunction f, List<Output<?>> args, int results) {
        DataType[] tin = new DataType[args.size()];
        for (int k = 0; k < tin.length; k++) {
            tin[k] = args.get(k).dataType();
        }
        DataType[] tout = new DataType[results];
        Arrays.fill(tout, DataType.DT_FLOAT);
        rt.graph().attachFunction(f);
        return rt.graph().opBuilder("StatefulPartitionedCall", rt.unique(name), rt.tf().scope())
                .addInputList(args.toArray(new Output<?>[0]))
                .setAttr("Tin", tin)
                .setAttr("Tout", tout)
                .setAttr("f", f)
                .setAttr("_XlaMustCompile", true)
                .build();
    }

    /**
     * Writes {@code call}'s first outputs to {@code targets}, in order, once its first {@code checked} outputs
     * are all checked finite: one NaN or infinity fails the run before anything is written, so a diverged
     * loop leaves the variables as they were.
     */
    public static Op checkedWriteBack(TfRuntime rt, String name, Operation call, int checked, List<TfRuntime.Slot> targets) {
        List<Op> checks = new ArrayList<>();
        for (int j = 0; j < checked; j++) {
            checks.add(Guard.check(rt, call.output(j).expect(TFloat32.class)));
        }
        Ops after = rt.tf().withControlDependencies(checks);
        List<Op> writes = new ArrayList<>();
        for (int j = 0; j < targets.size(); j++) {
            writes.add(after.assign(targets.get(j).variable(), call.output(j).expect(TFloat32.class)));
        }
        return rt.tf().withName(rt.unique(name)).withControlDependencies(writes).noOp();
    }
}
