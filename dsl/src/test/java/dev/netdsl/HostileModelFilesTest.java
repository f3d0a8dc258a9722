package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Model files with a forged description (and a valid checksum) open or fail with a clear exception, never worse. */
class HostileModelFilesTest {

    @Test
    void six_hundred_edited_model_files_open_and_work_or_fail_with_documented_exceptions() throws Exception {
        PropertyTest.Forked run = PropertyTest.fork(RandomModelFiles.class, List.of("-Xmx512m"), "600", "20261206");
        System.out.println(run.out());
        // A native crash would kill the child: exit code 134 (SIGABRT) or 139 (SIGSEGV), no summary.
        assertThat(run.exit()).as("child exit code; output:\n" + run.out()).isZero();
        assertThat(run.out()).contains("CASES 600").doesNotContain("UNDOCUMENTED").doesNotContain("WRONG");
        // Both kinds of outcome were reached.
        assertThat(run.out()).contains(" ok ").contains("open IllegalArgumentException");
    }
}
