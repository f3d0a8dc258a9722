package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllExamplesTest {

    @Test
    void all_quick_runs_every_example_and_the_report_shows_each_ones_figures(@TempDir Path out) throws Exception {
        long t0 = System.nanoTime();
        assertThat(Main.execute("all", "--quick", "--out", out.toString())).isZero();
        System.out.printf("all --quick took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        String html = Files.readString(out.resolve("index.html"));
        for (AllExamples.Example e : AllExamples.EXAMPLES) {
            assertThat(html).contains("<section id=\"" + e.name() + "\">").contains("./netdsl " + e.name());
            // Every example has at least one figure, and every figure the page shows exists.
            assertThat(html).contains("src=\"" + e.name() + "/");
        }
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (img.find()) {
            assertThat(out.resolve(img.group(1))).isRegularFile();
            images++;
        }
        assertThat(images).isGreaterThanOrEqualTo(20);
        assertThat(html).contains("Tutorial reference").contains("final_loss").doesNotContain("failed)");
    }

    @Test
    void numbers_are_printed_short() {
        com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        String table = AllExamples.numbers(f.objectNode().put("a", 0.05).put("b", 1e-4).put("c", 0.0241278).put("d", 20000.0));
        assertThat(table).contains("<td>0.05</td>").contains("<td>1e-04</td>").contains("<td>0.0241278</td>")
                .contains("<td>20000</td>");
    }
}
