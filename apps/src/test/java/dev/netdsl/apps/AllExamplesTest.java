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
        assertThat(html).contains("Reference: ").contains("final_loss").doesNotContain("failed)");
        // Legible figures: every one shown is at least 800 px wide and is drawn at its own size up to the page's width
        // (no 520 px thumbnails), each a link to the full-size file; rows of charts wider than that are linked only.
        Matcher figure = Pattern.compile("<a href=\"([^\"]+)\"><img src=\"\\1\" alt=\"[^\"]*\" width=\"(\\d+)\">").matcher(html);
        int figures = 0;
        while (figure.find()) {
            int width = AllExamples.pngWidth(out.resolve(figure.group(1)));
            assertThat(width).as(figure.group(1)).isGreaterThanOrEqualTo(800).isLessThanOrEqualTo(AllExamples.OVERVIEW)
                    .isEqualTo(Integer.parseInt(figure.group(2)));
            figures++;
        }
        assertThat(figures).isEqualTo(images);
        assertThat(html).contains("figure img{display:block;max-width:100%;height:auto").doesNotContainPattern("max-width:[1-7]\\d\\dpx")
                .contains("<a href=\"planar/boundaries.png\">boundaries.png</a>");
        // Real tables, whole: no JSON text, nothing cut off.
        assertThat(html).doesNotContain("{\"").doesNotContain("\":").doesNotContain("...");
        // The quick runs' references compare like with like; the tutorial's ReLU on the logits is explained where kept.
        for (String name : new String[] {"mnist", "mnist-raw", "cnn"}) {
            String section = html.substring(html.indexOf("<section id=\"" + name + "\">"));
            section = section.substring(0, section.indexOf("</section>"));
            assertThat(section).as(name).contains("Reference: Like for like: PyTorch running").contains("for 2 epochs")
                    .doesNotContain("Fashion-MNIST");
            assertThat(section.contains("The tutorial&#39;s net ends with a ReLU on its logits")
                    || section.contains("The tutorial's net ends with a ReLU on its logits")).as(name).isEqualTo(!name.equals("cnn"));
        }
    }

    @Test
    void numbers_are_printed_short() {
        com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        String table = AllExamples.numbers(f.objectNode().put("a", 0.05).put("b", 1e-4).put("c", 0.0241278).put("d", 20000.0));
        assertThat(table).contains(">0.05</td>").contains(">1e-04</td>").contains(">0.0241278</td>")
                .contains(">20000</td>");
    }
}
