package dev.netdsl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
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
}
