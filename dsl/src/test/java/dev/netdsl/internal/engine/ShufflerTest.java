package dev.netdsl.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShufflerTest {

    @Test
    void draws_exactly_what_a_split_splittable_random_draws() {
        for (long seed : new long[] {0, 1, 3, -7, 20261124L, Long.MAX_VALUE}) {
            SplittableRandom reference = new SplittableRandom(seed).split();
            Shuffler shuffler = Shuffler.splitOf(seed);
            for (int i = 0; i < 20_000; i++) {
                int bound = 1 + (i * 7919) % 70_001;
                assertThat(shuffler.nextInt(bound)).as("seed %d draw %d", seed, i).isEqualTo(reference.nextInt(bound));
            }
        }
    }

    @Test
    void a_restored_state_continues_the_same_sequence() {
        Shuffler a = Shuffler.splitOf(42);
        a.nextInt(1000);
        Shuffler b = Shuffler.restore(a.state());
        for (int i = 0; i < 100; i++) {
            assertThat(b.nextInt(60_000)).isEqualTo(a.nextInt(60_000));
        }
    }
}
