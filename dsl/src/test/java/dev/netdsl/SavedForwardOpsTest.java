package dev.netdsl;

import static dev.netdsl.layers.Layers.linear;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netdsl.layers.Linear;
import dev.netdsl.layers.Module;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A module's forward pass that slices, joins, masks and normalises saves with saveAll and opens to the same outputs. */
class SavedForwardOpsTest {
    static final class Slicing extends Module {
        final Linear in = add("in", linear(4, 6));

        @Override
        public Expr forward(Expr x) {
            Expr h = in.apply(x);                                            // [B, 6]
            Expr parts = Expr.concat(1, h.narrow(1, 0, 3), h.narrow(1, 3, 3).detach().tanh());
            Expr stacked = Expr.stack(1, parts, parts.relu());               // [B, 2, 6]
            Expr first = stacked.select(1, 0);                               // [B, 6]
            Expr masked = first.greater(Expr.scalar(0)).where(first, first.times(0.5));
            return masked.layerNorm(Expr.constant(new float[] {1, 2, 1, 2, 1, 2}), Expr.constant(new float[6]), 1, 1e-5);
        }
    }

    @Test
    void slicing_joining_masking_and_layer_norm_survive_save_all(@TempDir Path tmp) {
        Tensor x = Tensor.of(new float[] {1, -2, 3, 0.5f, -1, 2, 0, 1}, 2, 4);
        float[] want;
        try (Model m = Net.module(new Slicing()).input(4).mse().sgd(0.1).seed(3).build()) {
            want = m.predict(x).values();
            m.saveAll(tmp.resolve("m.netdsl"));
        }
        try (Model reopened = Model.open(tmp.resolve("m.netdsl"))) {
            assertThat(reopened.predict(x).values()).containsExactly(want);
        }
    }
}
