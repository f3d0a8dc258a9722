package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The report's parts, each on made-up inputs: its tables, its numbers, its references and notes, the confusion matrix. */
class ReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nested_metrics_become_tables_never_json_text_and_nothing_is_cut_off() throws Exception {
        JsonNode m = JSON.readTree("""
                {"example": "x", "cfg": [1, 20, 1], "minima": [[3.0, 2.0], [-2.805118, 3.131312]],
                 "data": {"set": "mnist", "train_samples": 8000},
                 "models": {"logistic": {"final_loss": 0.6731, "tutorial_final_loss": 0.6731, "accuracy": 0.475, "seconds": 0.282446},
                            "deep": {"final_loss": 0.1510, "tutorial_final_loss": null, "accuracy": 0.9125, "seconds": 2.322050659}},
                 "net": {"spec": "Net.of(1, 13, 1)", "parameters": {"hidden_linear.weight": [13, 1], "hidden_linear.bias": [13]}},
                 "activations": [{"name": "Tanh()", "f(-2)": -0.9640276, "f'(-2)": 0.070650816,
                                  "note": "a long text that once was cut off after eighty characters with three dots at its end, which hid it"}],
                 "loss_every_100": [0.48, 0.3, 0.2, 0.1, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02, 0.0153],
                 "confusion": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]}""");
        String html = AllExamples.numbers(m);
        assertThat(html).doesNotContain("{\"").doesNotContain("\":").doesNotContain("...");
        assertThat(html).contains("<th>cfg</th><td>1, 20, 1</td>").contains("<td>[3, 2], [-2.80512, 3.13131]</td>");
        // A record of records with the same fields: one table, a row per name, a column per field.
        assertThat(html).contains("<caption>models</caption>").contains("<th></th><th>final_loss</th><th>tutorial_final_loss</th>"
                + "<th>accuracy</th><th>seconds</th>").contains("<tr><th>deep</th><td class=\"num\">0.151</td><td></td>"
                + "<td class=\"num\">91.3%</td><td class=\"num\">2.32</td></tr>");
        // A record holding a record: its own table, the inner record as a table in its cell, shapes in brackets.
        assertThat(html).contains("<caption>net</caption>").contains("<table class=\"inner\"><tr><th>hidden_linear.weight</th>"
                + "<td>[13, 1]</td></tr>");
        assertThat(html).contains("<caption>activations</caption>").contains("<th>f'(-2)</th>")
                .contains("which hid it</td>");
        assertThat(html).contains("13 values, from 0.48 to 0.0153 (in metrics.json)").contains("4 rows of 4 values");
    }

    @Test
    void times_have_two_decimals_accuracies_are_percentages_and_big_counts_are_grouped() throws Exception {
        JsonNode m = JSON.readTree("""
                {"seconds": 0.285768, "seconds_per_epoch": 3.3636493655, "steps_per_second": 3451.35, "test_accuracy": 0.628,
                 "parameters": 225226, "lr": 5.0E-4, "a": 0.05, "b": 1e-4, "c": 0.0241278, "d": 20000.0, "seed": 1}""");
        String html = AllExamples.numbers(m);
        for (String cell : new String[] {">0.29<", ">3.36<", ">3,451<", ">62.8%<", ">225,226<", ">5e-04<", ">0.05<", ">1e-04<",
            ">0.0241278<", ">20000<", ">1<"}) {
            assertThat(html).contains(cell);
        }
        assertThat(html).doesNotContain("0.285768").doesNotContain("3.3636");
    }

    private static JsonNode run(String set, String source, int epochs, boolean finalRelu) throws Exception {
        return JSON.readTree("{\"data\": {\"set\": \"" + set + "\", \"source\": \"" + source + "\"}, \"epochs\": ["
                + String.join(", ", java.util.Collections.nCopies(epochs, "{}")) + "], \"test_accuracy\": 0.628, \"batch_size\": 200,"
                + " \"lr\": 0.01, \"seed\": 1, \"final_relu\": " + finalRelu + "}");
    }

    @Test
    void a_reference_number_compares_like_with_like_or_says_why_it_does_not() throws Exception {
        String quick = AllExamples.mnistReference("mnist", run("mnist", "the embedded MNIST sample", 2, true));
        assertThat(quick).startsWith("Like for like: PyTorch running the tutorial's code on the same 8,000/2,000 embedded digits"
                + " for 2 epochs").contains("this run (seed 1): 62.8%").doesNotContain("Fashion");
        String fashion = AllExamples.mnistReference("mnist", run("fashion-mnist", "fashion-mnist in /data", 10, false));
        assertThat(fashion).startsWith("Like for like: PyTorch running the tutorial's code on Fashion-MNIST for 10 epochs")
                .contains("83.9% without it").endsWith("(without the final ReLU).");
        String other = AllExamples.mnistReference("mnist", run("mnist", "mnist in /data", 5, true));
        assertThat(other).startsWith("No PyTorch number for this run's data (mnist), length (5 epochs) and settings; this run: 62.8%.")
                .contains("not comparable");
        // The hand-written net's Fashion-MNIST number was never measured in PyTorch: it says so instead of borrowing one.
        assertThat(AllExamples.mnistReference("mnist-raw", run("fashion-mnist", "x", 10, true))).contains("was not run in PyTorch");
        assertThat(AllExamples.sineReference(JSON.readTree("{\"cfg\": [1, 20, 1], \"lr\": 0.05, \"loss_at_step_4999\": 0.02}")))
                .contains("this run's at step 4,999: 0.02").endsWith("not comparable.");
        assertThat(AllExamples.sineReference(JSON.readTree("{\"cfg\": [1, 20, 50, 20, 1], \"lr\": 0.05, \"final_loss\": 0.1}")))
                .contains("stopped before step 4,999");
    }

    @Test
    void the_final_relu_note_names_the_classes_it_silenced() throws Exception {
        String note = AllExamples.finalReluNote(JSON.readTree("{\"final_relu\": true, \"never_predicted\": [\"5\", \"9\"]}"));
        assertThat(note).contains("ReLU on its logits").contains("never wins the arg-max").contains("no test image was predicted as 5, 9")
                .contains("those columns of the confusion matrix are empty").contains("--no-final-relu");
        assertThat(AllExamples.finalReluNote(JSON.readTree("{\"final_relu\": false, \"never_predicted\": []}"))).isNull();
        assertThat(AllExamples.finalReluNote(JSON.readTree("{\"test_accuracy\": 0.9}"))).isNull();
    }

    @Test
    void confusion_counts_are_written_in_black_or_white_whichever_reads_on_the_cell() throws Exception {
        for (double share = 0; share <= 1.0001; share += 0.01) {
            Color cell = ClassifierPlots.blue(share);
            assertThat(ClassifierPlots.contrast(cell, ClassifierPlots.textOn(cell))).as("share %.2f", share).isGreaterThanOrEqualTo(4.5);
        }
        assertThat(ClassifierPlots.textOn(ClassifierPlots.blue(1))).isEqualTo(Color.WHITE);
        assertThat(ClassifierPlots.textOn(ClassifierPlots.blue(0.05))).isEqualTo(Color.BLACK);
        // Drawn: the darkest cell (the diagonal) holds white text, a pale one black text; an empty column is named.
        int[][] counts = new int[10][10];
        for (int i = 0; i < 9; i++) {
            counts[i][i] = 200;
            counts[i][(i + 1) % 9] += 12;
        }
        counts[9][4] = 150;
        byte[] png = ClassifierPlots.confusion(counts, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), "test");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(800);
        int[] diagonal = cellPixels(image, 3, 3);
        int[] pale = cellPixels(image, 3, 4);
        assertThat(diagonal[0]).as("white text pixels on the dark diagonal").isGreaterThan(20);
        assertThat(pale[1]).as("black text pixels on a pale cell").isGreaterThan(20);
        assertThat(ClassifierPlots.neverPredicted(counts, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))).containsExactly("9");
    }

    /** {white-ish, black-ish} pixel counts inside cell (row, column) of a confusion matrix image, found by its frame. */
    private static int[] cellPixels(BufferedImage image, int row, int column) {
        // The grid's top-left: the first pixel of the darkest colour from the top-left (cell (0, 0) is dark navy).
        int x0 = -1;
        int y0 = -1;
        Color dark = ClassifierPlots.blue(1);
        search:
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (image.getRGB(x, y) == dark.getRGB()) {
                    x0 = x;
                    y0 = y;
                    break search;
                }
            }
        }
        int cell = 62;
        int[] out = new int[2];
        for (int y = y0 + row * cell + 8; y < y0 + (row + 1) * cell - 8; y++) {
            for (int x = x0 + column * cell + 8; x < x0 + (column + 1) * cell - 8; x++) {
                Color c = new Color(image.getRGB(x, y));
                int sum = c.getRed() + c.getGreen() + c.getBlue();
                out[0] += sum > 3 * 235 && ClassifierPlots.blue(1).getRGB() != c.getRGB() ? 1 : 0;
                out[1] += sum < 3 * 60 ? 1 : 0;
            }
        }
        return out;
    }
}
