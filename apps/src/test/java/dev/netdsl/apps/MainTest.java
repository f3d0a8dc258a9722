package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    static String[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void an_unknown_option_exits_with_2_and_shows_usage_without_a_stack_trace() {
        String[] r = run("sine", "--stepz", "5");

        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("Unknown options: '--stepz', '5'").contains("Possible solutions: --steps").contains("Usage: netdsl sine").doesNotContain("at dev.netdsl");
    }

    @Test
    void a_bad_value_exits_with_2_and_a_one_line_reason() {
        String[] r = run("sine", "--lr", "-1", "--steps", "10");

        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("netdsl sine: sgd(-1.0): the learning rate -1.0 must be positive and finite")
                .doesNotContain("Exception");
    }

    @Test
    void sine_help_lists_every_option_with_its_default() {
        String[] r = run("sine", "--help");

        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("--cfg").contains("1,20,50,20,1").contains("--steps").contains("10000")
                .contains("--lr").contains("0.05").contains("--seed").contains("--out").contains("--frames").contains("--quiet");
    }

    @Test
    void every_example_takes_the_common_options_and_help_lists_them_and_the_exit_codes() {
        for (String example : new String[] {"sine", "himmelblau", "mnist", "mnist-raw", "cnn", "poly", "thermometer", "activations",
            "planar"}) {
            String[] r = run(example, "--help");
            assertThat(r[0]).isEqualTo("0");
            assertThat(r[1]).as(example).contains("--out=DIR").contains("--seed=").contains("--quiet").contains("--device=cpu|gpu|auto");
        }
        assertThat(run("--help")[1]).contains("Exit codes:").contains("0  the command did").contains("2  bad usage");
        assertThat(run("poly", "--help")[1]).contains("--steps");
        assertThat(run("all", "--help")[1]).contains("--quiet").contains("--device").contains("--seed");
    }

    @Test
    void himmelblau_quiet_prints_the_summary_only(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String[] loud = run("himmelblau", "--steps", "4000", "--start", "0,0", "--out", dir.toString(), "--device", "cpu");
        String[] quiet = run("himmelblau", "--steps", "4000", "--start", "0,0", "--out", dir.toString(), "--quiet");

        assertThat(loud[0]).isEqualTo("0");
        assertThat(quiet[0]).isEqualTo("0");
        assertThat(loud[1]).contains("step 2000: x_y =");
        assertThat(quiet[1]).doesNotContain("step 2000").isNotBlank();
        assertThat(quiet[1].lines().count()).isLessThan(loud[1].lines().count());
    }

    @Test
    void a_bad_device_is_a_usage_error() {
        String[] r = run("poly", "--device", "tpu", "--steps", "3");

        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--device tpu: use cpu, gpu or auto");
    }

    @Test
    void a_malformed_himmelblau_start_exits_with_2_and_shows_the_expected_form() {
        String[] r = run("himmelblau", "--start", "4;0");

        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--start 4;0: write a start as x,y, e.g. --start -4,0").doesNotContain("Exception");
    }

    @Test
    void a_missing_data_directory_is_one_line_with_exit_2() {
        String[] r = run("mnist", "--data-dir", "/nonexistent-netdsl-data", "--epochs", "1", "--offline");

        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].lines().findFirst().orElseThrow())
                .startsWith("netdsl mnist: no such directory: /nonexistent-netdsl-data");
        assertThat(r[2]).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void a_corrupt_data_file_is_named_with_exit_2(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"}) {
            java.nio.file.Files.write(dir.resolve(f), new byte[] {0, 0, 8, 3, 0, 0});
        }
        String[] r = run("mnist-raw", "--data-dir", dir.toString(), "--epochs", "1");

        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("netdsl mnist-raw: IDX file " + dir.resolve("train-images-idx3-ubyte"))
                .contains("shorter than an IDX image header").doesNotContain("Exception");
    }

    @Test
    void an_unwritable_out_directory_is_one_line_with_exit_1(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("a-file"), "x");
        String[] r = run("sine", "--steps", "5", "--quiet", "--out", file.resolve("out").toString());

        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2].strip()).isEqualTo("netdsl sine: can't create output directory " + file.resolve("out").resolve("sine")
                + ": " + file.resolve("out") + ": Not a directory; pick a writable --out directory");
    }

    @Test
    void debug_prints_the_stack_trace() {
        String[] r = run("sine", "--lr", "-1", "--debug");

        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("java.lang.IllegalArgumentException").contains("\tat dev.netdsl");
    }
}
