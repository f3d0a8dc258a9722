package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a terminal every training example draws a progress bar, and its own lines never share a line with one; with
 * --quiet there is none. The examples run in a fresh JVM on a pseudo-terminal ({@code script}, util-linux), so
 * standard output is a terminal as in a user's shell.
 */
class ProgressBarsTest {
    /** A bar being drawn: a carriage return that neither ends a line (the terminal's CR LF) nor starts a line above it. */
    private static final Pattern BAR = Pattern.compile("\\r(?![\\n\\u001b])[^\\r\\n]*\\d");

    @Test
    void every_training_example_draws_a_bar_on_a_terminal_and_none_with_quiet(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script (util-linux) gives the child a terminal");
        String data = MnistExampleTest.sampleDir(tmp).toString();
        String out = tmp.resolve("out").toString();
        String[][] examples = {
            {"sine", "--steps", "1000"},
            {"himmelblau", "--steps", "2000", "--start", "0,0"},
            {"mnist", "--epochs", "1", "--data-dir", data},
            {"mnist-raw", "--epochs", "1", "--data-dir", data},
            {"cnn", "--epochs", "1", "--data-dir", data},
            {"poly"},
            {"thermometer", "--linear-epochs", "300", "--epochs", "1000"},
            {"planar", "--only", "logistic", "--epochs", "1000"},
            {"planar", "--only", "sequential", "--epochs", "1000"},
        };
        List<String> args = new ArrayList<>();
        for (String quiet : new String[] {null, "--quiet"}) {
            for (String[] e : examples) {
                args.addAll(List.of(e));
                args.addAll(List.of("--out", out, "--device", "cpu"));
                if (quiet != null) {
                    args.add(quiet);
                }
                args.add("---");
            }
        }
        args.remove(args.size() - 1);
        StringBuilder line = new StringBuilder("exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                + System.getProperty("java.class.path") + "' " + RunCommands.class.getName());
        args.forEach(a -> line.append(" '").append(a).append('\''));
        Path script = Files.writeString(tmp.resolve("run.sh"), line + "\n");
        Process p = new ProcessBuilder("/usr/bin/script", "-qec", "sh " + script, "/dev/null").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        String[] runs = text.split("EXIT \\d+");
        assertThat(text).as(text).doesNotContain("EXIT 1").doesNotContain("EXIT 2");
        assertThat(runs.length).as(text).isGreaterThanOrEqualTo(2 * examples.length);
        for (int i = 0; i < examples.length; i++) {
            assertThat(BAR.matcher(runs[i]).find()).as("a bar in %s:%n%s", examples[i][0], runs[i]).isTrue();
            assertThat(runs[examples.length + i]).as("%s --quiet", examples[i][0]).doesNotContainPattern(BAR.pattern());
        }
        // The tutorial's lines start on a line of their own: the bar's line is cleared first ("\r" then ESC [K).
        for (String tutorialLine : new String[] {"Train Epoch: 1 [0/8000", "Test set: ", "step 0: x_y", "epoch: 1000, loss",
            "Epoch 1000, Training loss"}) {
            assertThat(text).contains(tutorialLine);
            assertThat(text).as(tutorialLine).doesNotContainPattern("(?<!\\n|\\u001b\\[K)" + Pattern.quote(tutorialLine));
        }
    }
}
