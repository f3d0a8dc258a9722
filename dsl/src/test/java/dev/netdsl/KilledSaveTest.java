package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process that dies in the middle of a save leaves the previous file whole. */
class KilledSaveTest {

    /** 8 million parameters: a 32 MB weights file. */
    static Net big() {
        return Net.of(1000, 4000, 1000).mse().sgd(0.1);
    }

    @Test
    void a_jvm_halted_mid_save_leaves_the_old_weights_file_intact(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weights.bin");
        List<Parameter> old;
        try (Model model = big().seed(1).build()) {
            model.save(file);
            old = model.parameters();
        }
        PropertyTest.Forked run = PropertyTest.fork(SaveKiller.class, List.of("-Xmx1g"), file.toString(), "2");
        // 99: the child halted itself while a temp file was being written.
        assertThat(run.exit()).as(run.out()).isEqualTo(99);
        try (var entries = Files.list(dir)) {
            assertThat(entries.filter(p -> p.getFileName().toString().endsWith(".tmp")).count())
                    .as("the half-written temp file is still there").isEqualTo(1);
        }
        // The target is a complete file: the old weights, or (if an earlier save finished) the new ones.
        try (Model check = big().seed(1).build(); Model other = big().seed(2).build()) {
            check.load(file);
            List<Parameter> loaded = check.parameters();
            boolean isOld = sameValues(loaded, old);
            boolean isNew = sameValues(loaded, other.parameters());
            assertThat(isOld || isNew).as("the file holds one whole save").isTrue();
            // The next save to the same file removes the dead process's temp file: no debris grows.
            check.save(file);
        }
        try (var entries = Files.list(dir)) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly("weights.bin");
        }
    }

    private static boolean sameValues(List<Parameter> a, List<Parameter> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i).values(), b.get(i).values())) {
                return false;
            }
        }
        return a.size() == b.size();
    }
}
