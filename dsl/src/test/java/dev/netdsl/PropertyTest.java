package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Random specs and data never crash the JVM: every failure is a documented exception. */
class PropertyTest {

    /**
     * Runs {@code main} of {@code type} in a fresh JVM with the test class path and returns its exit code
     * and stdout. The child writes to a file, not a pipe, so waiting for it can time out: a hung child is
     * killed after {@code timeoutSeconds} and the test fails instead of hanging the build.
     */
    static Forked fork(Class<?> type, List<String> jvmArgs, String... args) throws Exception {
        return fork(FORK_TIMEOUT_SECONDS, type, jvmArgs, args);
    }

    /**
     * How long a forked child may take before it counts as hung: over ten times the slowest child's quiet time
     * (RandomSpecs, 35 s here), so a machine whose cores are busy with other work still passes.
     */
    static final long FORK_TIMEOUT_SECONDS = 900;

    static Forked fork(long timeoutSeconds, Class<?> type, List<String> jvmArgs, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(type.getName());
        cmd.addAll(List.of(args));
        Path out = java.nio.file.Files.createTempFile("netdsl-fork", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError(type.getSimpleName() + " did not finish within " + timeoutSeconds + " s; its output:\n"
                        + java.nio.file.Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Forked(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
        }
    }

    @Test
    void a_hung_child_fails_the_test_instead_of_hanging_it() {
        long start = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fork(2, Sleeper.class, List.of()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("did not finish within 2 s");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(60);
    }

    /** Sleeps far longer than any test waits. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(600_000);
        }
    }

    record Forked(int exit, String out) {
    }

    @Test
    void a_thousand_random_specs_fail_only_with_documented_exceptions() throws Exception {
        Forked run = fork(RandomSpecs.class, List.of("-Xmx512m"), "1000", "20261123");
        // A native crash would kill the child: exit code 134 (SIGABRT) or 139 (SIGSEGV), no summary.
        assertThat(run.exit()).as("child exit code; output:\n" + run.out()).isZero();
        assertThat(run.out()).contains("CASES 1000").doesNotContain("UNDOCUMENTED");
        // Both valid and invalid inputs were tried.
        assertThat(run.out()).contains(" ok model").contains(" ok autograd").contains("IllegalArgumentException");
        System.out.println(run.out());
    }
}
