package dev.netdsl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves a large model over {@code FILE} again and again, while a watcher thread halts the JVM (exit
 * 99, no shutdown hooks, like a kill) the moment it sees a partly written temp file. Run in a forked
 * JVM by {@link KilledSaveTest}.
 *
 * <p>Usage: {@code SaveKiller FILE SEED}
 */
public final class SaveKiller {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]).toAbsolutePath();
        Thread watcher = haltOnTempFileOf(file);
        try (Model model = KilledSaveTest.big().seed(Long.parseLong(args[1])).build()) {
            watcher.start();
            for (int i = 0; i < 100; i++) {
                model.save(file);
            }
        }
        System.exit(3); // never caught a save in the act
    }

    /**
     * A daemon thread (not started) that halts the JVM with exit code 99 the moment it sees a partly
     * written temp file of {@code file} ({@code .<name>.<pid>-<id>.tmp}) beside it.
     */
    static Thread haltOnTempFileOf(Path file) {
        String prefix = "." + file.getFileName() + ".";
        Thread watcher = new Thread(() -> {
            while (true) {
                try (var entries = Files.list(file.getParent())) {
                    if (entries.anyMatch(p -> p.getFileName().toString().startsWith(prefix) && size(p) > 0)) {
                        Runtime.getRuntime().halt(99);
                    }
                } catch (IOException ignored) {
                    // a temp file vanished while listing: look again
                }
            }
        });
        watcher.setDaemon(true);
        return watcher;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
