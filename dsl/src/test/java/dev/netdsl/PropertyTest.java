package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Random specs and data never crash the JVM: every failure is a documented exception. */
class PropertyTest {

    /** Runs {@code main} of {@code type} in a fresh JVM with the test class path; returns its stdout. */
    static Forked fork(Class<?> type, List<String> jvmArgs, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(type.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("forked JVM finished").isTrue();
        return new Forked(p.exitValue(), out);
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
