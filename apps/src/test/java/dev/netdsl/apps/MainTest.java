package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private static String[] run(String... args) {
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
    void a_malformed_himmelblau_start_exits_with_2_and_shows_the_expected_form() {
        String[] r = run("himmelblau", "--start", "4;0");

        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--start 4;0: write a start as x,y, e.g. --start -4,0").doesNotContain("Exception");
    }
}
