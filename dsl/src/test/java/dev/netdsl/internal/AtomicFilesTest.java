package dev.netdsl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole-file and whole-directory replacement: the old or the new is always there whole, and no debris grows. */
class AtomicFilesTest {

    private static Path export(Path dir, String marker) throws IOException {
        Files.createDirectories(dir.resolve("variables"));
        Files.writeString(dir.resolve("saved_model.pb"), marker);
        Files.writeString(dir.resolve("variables").resolve("variables.index"), marker);
        return dir;
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The pid of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void a_failed_move_of_the_new_export_puts_the_old_one_back(@TempDir Path tmp) throws Exception {
        Path target = export(tmp.resolve("model"), "old");
        Path ready = export(tmp.resolve("ready"), "new");
        AtomicInteger moves = new AtomicInteger();
        AtomicFiles.Mover failSecond = (from, to) -> {
            if (moves.incrementAndGet() == 2) {
                throw new IOException("disk full");
            }
            Files.move(from, to);
        };

        assertThatThrownBy(() -> AtomicFiles.replaceDirectory(ready, target, true, failSecond))
                .isInstanceOf(IOException.class).hasMessageContaining("disk full");

        assertThat(Files.readString(target.resolve("saved_model.pb"))).isEqualTo("old");
        assertThat(names(tmp)).containsExactly("model", "ready");
    }

    @Test
    void an_export_replaced_cleanly_leaves_only_the_new_one(@TempDir Path tmp) throws Exception {
        Path target = export(tmp.resolve("model"), "old");
        AtomicFiles.replaceDirectory(export(tmp.resolve("ready"), "new"), target, true, (a, b) -> Files.move(a, b));
        assertThat(Files.readString(target.resolve("saved_model.pb"))).isEqualTo("new");
        assertThat(names(tmp)).containsExactly("model");
    }

    @Test
    void after_a_crash_between_the_renames_the_old_export_comes_back_at_the_next_write(@TempDir Path tmp) throws Exception {
        // The state a process killed between "old aside" and "new in" leaves: no target, the old export aside
        // (visible, named for the target), and the new one still in its temp directory.
        long dead = deadPid();
        export(tmp.resolve("model.previous-" + dead + "-0a1b2c3d"), "old");
        export(tmp.resolve(".model." + dead + "-5e6f.tmp"), "half");

        AtomicFiles.cleanDebris(tmp.resolve("model"));

        assertThat(Files.readString(tmp.resolve("model").resolve("saved_model.pb"))).isEqualTo("old");
        assertThat(names(tmp)).containsExactly("model");
    }

    @Test
    void debris_of_a_finished_swap_and_of_killed_saves_is_removed_but_live_writes_are_not(@TempDir Path tmp) throws Exception {
        long dead = deadPid();
        export(tmp.resolve("model"), "new");
        export(tmp.resolve("model.previous-" + dead + "-0a1b2c3d"), "old");
        Files.writeString(tmp.resolve(".w.bin." + dead + "-77.tmp"), "half a file");
        Files.writeString(tmp.resolve("w.bin"), "whole");
        // Another live process's temp file (this JVM's parent is alive) stays.
        long live = ProcessHandle.current().parent().orElseThrow().pid();
        Files.writeString(tmp.resolve(".w.bin." + live + "-88.tmp"), "being written");
        // Files that only look similar are never touched.
        Files.writeString(tmp.resolve("model.previous-notes.txt"), "mine");

        AtomicFiles.cleanDebris(tmp.resolve("model"));
        AtomicFiles.cleanDebris(tmp.resolve("w.bin"));

        assertThat(Files.readString(tmp.resolve("model").resolve("saved_model.pb"))).isEqualTo("new");
        assertThat(names(tmp)).containsExactly(".w.bin." + live + "-88.tmp", "model", "model.previous-notes.txt", "w.bin");
    }

    @Test
    void a_write_cleans_up_after_an_earlier_killed_write_of_the_same_file(@TempDir Path tmp) throws Exception {
        long dead = deadPid();
        Files.writeString(tmp.resolve(".w.bin." + dead + "-99.tmp"), "half a file");
        AtomicFiles.write(tmp.resolve("w.bin"), new byte[] {1, 2, 3});
        assertThat(names(tmp)).containsExactly("w.bin");
    }
}
