package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Feeds;
import dev.netdsl.autograd.Input;
import dev.netdsl.autograd.Var;
import dev.netdsl.layers.Initializers;
import dev.netdsl.layers.Layers;
import dev.netdsl.layers.Linear;
import dev.netdsl.layers.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SavedModel exports load in TensorFlow alone, in a fresh JVM, and predict what the model predicts. */
class ExportTest {

    /** Runs {@link SavedModelRunner} in a forked JVM on float rows; returns its outputs. */
    static float[] runExport(Path dir, String in, String out, float[][] x) throws Exception {
        List<String> values = new ArrayList<>();
        for (float[] row : x) {
            for (float v : row) {
                values.add(Float.toString(v));
            }
        }
        return runExport(dir, in, out, "float32", new int[] {x.length, x[0].length}, values);
    }

    /** Runs {@link SavedModelRunner} in a forked JVM on one int32 or float32 input of {@code shape}; returns its outputs. */
    static float[] runExport(Path dir, String in, String out, String type, int[] shape, List<String> values) throws Exception {
        List<String> args = new ArrayList<>(List.of(dir.toString(), in, out, type,
                String.join(",", java.util.Arrays.stream(shape).mapToObj(Integer::toString).toList())));
        args.addAll(values);
        PropertyTest.Forked run = PropertyTest.fork(SavedModelRunner.class, List.of(), args.toArray(new String[0]));
        assertThat(run.exit()).as(run.out()).isZero();
        List<String> lines = run.out().lines().filter(l -> !l.startsWith("SHAPE")).toList();
        float[] y = new float[lines.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = Float.parseFloat(lines.get(i));
        }
        return y;
    }

    private static float[][] rows(int n, int width, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[][] x = new float[n][width];
        for (float[] row : x) {
            for (int c = 0; c < width; c++) {
                row[c] = (float) r.nextGaussian();
            }
        }
        return x;
    }

    private static void assertClose(float[] actual, float[][] expected) {
        int k = 0;
        for (float[] row : expected) {
            for (float v : row) {
                assertThat((double) actual[k++]).isCloseTo(v, org.assertj.core.api.Assertions.within(1e-6));
            }
        }
        assertThat(k).isEqualTo(actual.length);
    }

    @Test
    void a_module_export_predicts_the_same_in_a_fresh_jvm(@TempDir Path tmp) throws Exception {
        Module m = new Module() {
            final Linear a = add("a", Layers.linear(2, 6));
            final Linear b = add("b", Layers.linear(6, 3));

            @Override
            public Expr forward(Expr x) {
                return b.apply(a.apply(x).tanh()).softmax();
            }
        };
        float[][] x = rows(5, 2, 1);
        try (Model model = Net.module(m).mse().sgd(0.1).seed(3).build()) {
            model.exportSavedModel(tmp.resolve("export"));
            assertClose(runExport(tmp.resolve("export"), "x", "y", x), model.predict(x));
        }
    }

    @Test
    void an_autograd_graph_exports_with_named_inputs_and_outputs(@TempDir Path tmp) throws Exception {
        float[][] x = rows(4, 3, 2);
        try (Autograd ag = Autograd.open(7)) {
            Input in = ag.input("features", -1, 3);
            Var w = ag.variable("w", new long[] {3, 2}, Initializers.normal(0, 1));
            Var b = ag.variable("b", 0.5f, -0.5f);
            Expr logits = in.matmul(w).plus(b).relu();
            ag.exportSavedModel(tmp.resolve("graph"), Map.of("pixels", in), Map.of("logits", logits));
            float[] flat = new float[12];
            for (int i = 0; i < 4; i++) {
                System.arraycopy(x[i], 0, flat, i * 3, 3);
            }
            float[] expected = ag.eval(logits, Feeds.of(in, flat, 4, 3));
            float[] actual = runExport(tmp.resolve("graph"), "pixels", "logits", x);
            assertThat(actual).hasSize(8);
            for (int i = 0; i < 8; i++) {
                assertThat((double) actual[i]).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-6));
            }
            // An output that reads an input missing from the signature is refused before TensorFlow.
            Input other = ag.input("other", -1, 2);
            assertThatThrownBy(() -> ag.exportSavedModel(tmp.resolve("bad"), Map.of("pixels", in),
                    Map.of("y", other.sum()))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reads input 'other'");
            assertThatThrownBy(() -> ag.exportSavedModel(tmp.resolve("bad"), Map.of("1x", in), Map.of("y", logits)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signature name '1x'");
        }
    }

    @Test
    void an_existing_export_is_replaced_only_with_overwrite(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("export");
        float[][] x = rows(3, 1, 4);
        try (Model first = Net.of(1, 4, 1).mse().sgd(0.1).seed(1).build();
             Model second = Net.of(1, 4, 1).mse().sgd(0.1).seed(2).build()) {
            first.exportSavedModel(dir);
            assertThatThrownBy(() -> second.exportSavedModel(dir)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not empty").hasMessageContaining("overwrite");
            assertClose(runExport(dir, "x", "y", x), first.predict(x));
            second.exportSavedModel(dir, true);
            assertClose(runExport(dir, "x", "y", x), second.predict(x));
            // Nothing is left beside the export: no temp or old directories.
            try (var siblings = Files.list(tmp)) {
                assertThat(siblings.map(p -> p.getFileName().toString()).toList()).containsExactly("export");
            }
        }
    }
}
