package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.training.Losses;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class L1LossTest {

    @Test
    void l1_loss_is_the_mean_absolute_error_and_steps_by_its_sign(@TempDir Path dir) {
        Dataset data = Dataset.of(new float[][] {{1}, {2}}, new float[][] {{3}, {-1}});
        try (Model m = Net.of(1, 1).loss(Losses.l1()).sgd(0.5).build()) {
            m.setParameters(List.of(new Parameter("0.weight", List.of(1, 1), new float[] {1}),
                    new Parameter("0.bias", List.of(1), new float[] {0})));
            // outputs 1 and 2 against 3 and -1: (2 + 3) / 2
            assertThat(m.loss(data)).isEqualTo(2.5f);
            // d/dw = mean(sign(out - y) * x) = (-1 * 1 + 1 * 2) / 2 = 0.5; d/db = (-1 + 1) / 2 = 0
            m.step(data);
            assertThat(m.parameters().get(0).values()[0]).isCloseTo(0.75f, within(1e-7f));
            assertThat(m.parameters().get(1).values()[0]).isCloseTo(0f, within(1e-7f));
            assertThat(m.spec().toString()).isEqualTo("Net.of(1, 1).relu().loss(L1Loss()).sgd(0.5)");
            m.saveAll(dir.resolve("m"));
        }
        try (Model again = Model.open(dir.resolve("m"))) {
            assertThat(again.spec().loss()).contains(Losses.l1());
        }
    }
}
