package dev.netdsl.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netdsl.DType;
import dev.netdsl.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text as token ids: characters and words, padding and unknown tokens, and classed texts from a CSV (issue 26). */
class TokenizerTest {

    @Test
    void characters_round_trip_and_unknown_ones_become_unk() {
        Tokenizer t = Tokenizer.characters("hello world");
        assertThat(t.vocabulary()).startsWith("<pad>", "<unk>", " ", "d", "e");
        assertThat(t.size()).isEqualTo(2 + 8);
        assertThat(t.decode(t.encode("hello"))).isEqualTo("hello");
        assertThat(t.encode("hex")).containsExactly(t.encode("h")[0], t.encode("e")[0], Tokenizer.UNKNOWN);
        assertThat(t.encode("he", 4)).containsExactly(t.encode("h")[0], t.encode("e")[0], Tokenizer.PAD, Tokenizer.PAD);
        assertThat(t.decode(t.encode("he", 4))).isEqualTo("he");
    }

    @Test
    void words_keep_the_commonest_in_a_fixed_order() {
        Tokenizer t = Tokenizer.words(List.of("The cat sat.", "the dog sat, the end"), 1, 100);
        assertThat(t.vocabulary()).startsWith("<pad>", "<unk>", "the", "sat", ",", ".");
        assertThat(t.decode(t.encode("The cat!"))).isEqualTo("the cat <unk>");
        assertThat(Tokenizer.words(List.of("a a b"), 2, 10).vocabulary()).containsExactly("<pad>", "<unk>", "a");
        assertThatThrownBy(() -> Tokenizer.words(List.of(), 0, 5)).hasMessageContaining("at least 1");
    }

    @Test
    void texts_from_a_csv_become_padded_id_sequences_with_classes(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("quotes.csv");
        Files.writeString(csv, "quote,source\n\"Time flies, like an arrow.\",wisdom\nRTFM,computers\nKnow thyself,wisdom\n");
        Texts texts = Texts.csv(csv, "quote", "source");
        assertThat(texts.classNames()).containsExactly("computers", "wisdom");
        assertThat(texts.labels()).containsExactly(1, 0, 1);
        Tokenizer words = Tokenizer.words(texts.texts(), 1, 100);
        Dataset data = texts.dataset(words, 6);
        assertThat(data.inputType()).isEqualTo(DType.INT32);
        assertThat(data.exampleShape()).containsExactly(6);
        assertThat(data.labels()).containsExactly(1, 0, 1);
        assertThat(data.classNames()).containsExactly("computers", "wisdom");
        assertThat(words.decode(java.util.Arrays.copyOfRange(data.xIds(), 6, 12))).isEqualTo("rtfm");
        Files.writeString(csv, "quote,source\nhello,\n");
        assertThatThrownBy(() -> Texts.csv(csv, "quote", "source")).hasMessageContaining("line 2: column \"source\" is empty");
        assertThatThrownBy(() -> Texts.csv(csv, "text", "source")).hasMessageContaining("no column \"text\"");
    }
}
