package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Convolutions whose kernel is 1 with a stride of 2 or more: TensorFlow's oneDNN backprop-filter kernel
 * crashed the process on them (SIGSEGV in {@code MklConvCustomBackpropFilterOp}, or "double free or
 * corruption"), within a few training steps. Each case trains in a forked JVM with oneDNN forced on, so a
 * crash fails this test and not the whole run; the same losses must come out with oneDNN off.
 */
class ConvCrashTest {

    private static final String[] CASES = {"1,28,1,2,1", "3,32,1,2,1", "2,20,1,4,0", "2,20,1,3,0", "2,20,1,2,0"};

    @Test
    void one_by_one_kernels_with_strides_train_under_onednn_as_without_it() throws Exception {
        List<String> on = train("1", CASES);
        List<String> off = train("0", CASES);
        assertThat(on).hasSize(CASES.length);
        for (int i = 0; i < CASES.length; i++) {
            // The same case, and the same loss up to the kernels' rounding.
            String[] a = on.get(i).split(" ");
            String[] b = off.get(i).split(" ");
            assertThat(a[1]).isEqualTo(CASES[i]).isEqualTo(b[1]);
            assertThat(Float.parseFloat(a[2])).as(CASES[i]).isCloseTo(Float.parseFloat(b[2]), offset(1e-4f));
        }
    }

    /** Runs {@link ConvTrainer} with {@code TF_ENABLE_ONEDNN_OPTS=onednn}; its result lines, or fails with the exit code. */
    private static List<String> train(String onednn, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/netdsl_hs_err_%p.log", "-cp",
                System.getProperty("java.class.path"), ConvTrainer.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("netdsl-conv", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("TF_ENABLE_ONEDNN_OPTS", onednn);
            Process p = pb.start();
            // A guard against a hang (heap corruption can deadlock): ten times a slow machine's run.
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("ConvTrainer hung; output:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("exit code with TF_ENABLE_ONEDNN_OPTS=" + onednn + " (134/139: a native crash); output:\n"
                    + text).isZero();
            return text.lines().filter(l -> l.startsWith("OK ")).toList();
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
