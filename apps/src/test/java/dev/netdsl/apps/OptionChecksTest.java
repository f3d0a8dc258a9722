package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad option value is refused before anything is loaded: no data read, no TensorFlow class loaded. */
class OptionChecksTest {

    @Test
    void bad_values_fail_with_exit_2_before_tensorflow_is_loaded(@TempDir Path tmp) throws Exception {
        String[][] bad = {
            {"sine", "--steps", "-5"},
            {"sine", "--frames", "-1"},
            {"sine", "--lr", "-1"},
            {"himmelblau", "--steps", "0"},
            {"mnist", "--epochs", "0"},
            {"mnist-raw", "--batch-size", "0"},
            {"mnist", "--lr", "-0.1"},
            {"cnn", "--epochs", "0"},
            {"cnn", "--lr", "0"},
            {"poly", "--steps", "0"},
            {"poly", "--threshold", "0"},
            {"thermometer", "--hidden", "0"},
            {"thermometer", "--linear-epochs", "0"},
            {"planar", "--epochs", "-1"},
            {"export", "sine", "--steps", "0", "--out", tmp.resolve("e").toString()},
            {"sine", "--device", "tpu"},
            {"textgen", "--seq-len", "1"},
            {"textclass", "--dim", "30", "--heads", "4"},
            {"forecast", "--window", "6"},
            {"forecast", "--test-months", "460"},
        };
        String[] reasons = {"--steps -5 must be at least 1", "--frames -1 must be 0 (off)", "sgd(-1.0): the learning rate",
            "--steps 0 must be at least 1", "--epochs 0 must be at least 1", "--batch-size 0 must be at least 1",
            "sgd(-0.1)", "--epochs 0 must be at least 1", "adam(0.0)", "--steps 0 must be at least 1", "--threshold 0.0 must be positive",
            "--hidden 0 must be at least 1", "--linear-epochs 0 must be at least 1", "--epochs -1 must be positive",
            "--steps 0 must be at least 1", "--device tpu: use cpu, gpu or auto", "--seq-len 1 must be at least 2",
            "--dim 30 must be a multiple of --heads 4", "--window 6 must be at least 12", "--test-months 460 and two --window 24 must fit"};
        Path classes = tmp.resolve("classes.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"), RunCommands.class.getName()));
        for (String[] b : bad) {
            cmd.addAll(List.of(b));
            cmd.add("---");
        }
        cmd.remove(cmd.size() - 1);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue(); // a hang guard, ten times a slow quiet run
        List<String> exits = out.lines().filter(l -> l.startsWith("EXIT ")).toList();
        assertThat(exits).as(out).hasSize(bad.length).allMatch(l -> l.equals("EXIT 2"));
        for (String reason : reasons) {
            assertThat(out).contains(reason);
        }
        assertThat(out).doesNotContain("\tat ");
        // The JVM's class-loading log: TensorFlow's runtime (its C API and the native library loader) was never touched.
        // (Verifying an example's class may load API interfaces such as org.tensorflow.Operand; that runs nothing.)
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).as("classes loaded").anyMatch(l -> l.contains("dev.netdsl.apps.Main "));
        assertThat(loaded).as("TensorFlow runtime classes loaded").noneMatch(l -> l.contains(" org.tensorflow.TensorFlow ")
                || l.contains("org.tensorflow.internal.c_api") || l.contains("org.bytedeco.javacpp.Loader "));
    }
}
