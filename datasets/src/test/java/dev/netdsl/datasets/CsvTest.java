package dev.netdsl.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.netdsl.Dataset;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
    private static final String IRIS = """
            # a comment line, then the header
            sepal_length,sepal_width,species
            5.1,3.5,setosa
            7.0,3.2,versicolor

            6.3,3.3,virginica
            4.9,"3.0",setosa
            6.4, 3.2 ,versicolor
            """;

    @Test
    void named_features_and_a_string_label_become_a_classification_data_set() {
        Csv.Table t = Csv.parse(IRIS, "iris.csv").features("sepal_width", "sepal_length").label("species").load();

        Dataset d = t.dataset();
        assertThat(d.size()).isEqualTo(5);
        assertThat(d.x()[0]).containsExactly(3.5f, 5.1f);
        assertThat(d.x()[4]).containsExactly(3.2f, 6.4f);
        assertThat(t.classNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(d.labels()).containsExactly(0, 1, 2, 0, 1);
        assertThat(t.featureNames()).containsExactly("sepal_width", "sepal_length");
        // The data set knows its class names too, and keeps them through a split.
        assertThat(d.classNames()).isEqualTo(t.classNames());
        assertThat(t.split(0.4, 1).validation().classNames()).isEqualTo(t.classNames());
        assertThat(d.split(0.4, 1).test().classNames()).isEqualTo(t.classNames());
    }

    @Test
    void numeric_targets_and_default_features_make_a_regression_data_set(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("t.csv"), "a;b;y\n1;2;3\n4;5;6\n");
        Csv.Table t = Csv.read(f).delimiter(';').target("y").load();

        assertThat(t.featureNames()).containsExactly("a", "b");
        assertThat(t.dataset().x()).isDeepEqualTo(new float[][] {{1, 2}, {4, 5}});
        assertThat(t.dataset().y()).isDeepEqualTo(new float[][] {{3}, {6}});
        assertThat(t.classNames()).isEmpty();
    }

    @Test
    void the_split_is_seeded_and_is_collections_shuffle_with_that_seed() {
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 11; i++) {
            csv.append(i).append(',').append(2 * i).append('\n');
        }
        Csv.Table t = Csv.parse(csv.toString(), "line.csv").target("y").load();
        Csv.Split s = t.split(0.2, 7);

        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        Collections.shuffle(order, new Random(7));
        assertThat(s.validationRows()).containsExactly(order.get(0), order.get(1));
        assertThat(s.trainRows()).hasSize(9).doesNotContain(s.validationRows());
        assertThat(s.validation().x()[0][0]).isEqualTo((float) order.get(0));
        assertThat(t.split(0.2, 7).trainRows()).containsExactly(s.trainRows());
        assertThat(t.split(0.2, 8).trainRows()).isNotEqualTo(s.trainRows());
        assertThatThrownBy(() -> t.split(0.05, 1)).hasMessageContaining("leaves no validation rows");
    }

    @Test
    void bad_rows_name_the_file_line_and_column() {
        String bad = "x1,x2,y\n1,2,3\n4,oops,6\n";
        assertThatThrownBy(() -> Csv.parse(bad, "data.csv").target("y").load())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Csv data.csv, line 3, column x2 (2 of 3): 'oops' is not a number; write numbers in decimal, like 12, -0.5"
                        + " or 1.5e-3");
        assertThatThrownBy(() -> Csv.parse("x1,x2,y\n1,2,3\n\n4,,6\n", "data.csv").target("y").load())
                .hasMessage("Csv data.csv, line 4, column x2 (2 of 3): is empty; fill it in or drop the row");
        assertThatThrownBy(() -> Csv.parse("x1,x2,y\n1,2,3\n4,5\n", "data.csv").target("y").load())
                .hasMessageContaining("Csv data.csv, line 3: 2 cells where the header has 3 columns [x1, x2, y]");
        assertThatThrownBy(() -> Csv.parse("x1,x2,y\n1,2,3\n", "data.csv").features("x1", "x3").target("y").load())
                .hasMessage("Csv data.csv: no column x3; the header has [x1, x2, y]");
        assertThatThrownBy(() -> Csv.parse("x1,x2,y\n1,2,Infinity\n", "data.csv").target("y").load())
                .hasMessageContaining("line 2, column y (3 of 3): 'Infinity' is not a finite float32 number");
        assertThatThrownBy(() -> Csv.parse("x1,x2,y\n1,2,3\n", "data.csv").load())
                .hasMessageContaining("say what to learn");
        assertThatThrownBy(() -> Csv.parse("x,y\n1,\"2\n", "data.csv").target("y").load())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data.csv");
        assertThatThrownBy(() -> Csv.parse("x,y\n", "data.csv").target("y").load()).hasMessageContaining("no data rows");
    }

    @Test
    void a_missing_file_is_an_io_error_saying_there_is_no_such_file(@TempDir Path tmp) {
        assertThatThrownBy(() -> Csv.read(tmp.resolve("none.csv")).target("y").load())
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessage("Csv " + tmp.resolve("none.csv") + ": no such file; check the path");
        assertThatThrownBy(() -> Csv.read(Path.of("none.csv")).target("y").load())
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessage("Csv none.csv: no such file (relative to " + Path.of("").toAbsolutePath() + "); check the path");
        assertThatThrownBy(() -> Csv.read(tmp).target("y").load())
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessage("Csv " + tmp + ": can't read it: it is a directory; give the path of a CSV file");
    }

    @Test
    void a_column_named_twice_in_the_header_is_refused_naming_both_positions() {
        // Commons CSV kept the last "x" only: the first column was silently lost.
        assertThatThrownBy(() -> Csv.parse("x,x,y\n1,2,3\n", "points.csv").target("y").load())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Csv points.csv: the header names column \"x\" twice (columns 1 and 2); rename one");
        assertThatThrownBy(() -> Csv.parse("a,x,b,x,y\n1,2,3,4,5\n", "points.csv").features("x").target("y").load())
                .hasMessage("Csv points.csv: the header names column \"x\" twice (columns 2 and 4); rename one");
        // A repeated column that is not used does no harm.
        Csv.Table t = Csv.parse("note,note,x,y\na,b,1,2\n", "points.csv").features("x").target("y").load();
        assertThat(t.dataset().x()).isDeepEqualTo(new float[][] {{1}});
        assertThatThrownBy(() -> Csv.parse("x,,y\n1,2,3\n", "points.csv").target("y").load())
                .hasMessage("Csv points.csv: column 2 of the header has no name; name it or pick the features with .features(...)");
    }

    @Test
    void numbers_are_decimal_only_not_java_hex_floats_or_type_suffixes() {
        // Float.parseFloat takes all of these; a CSV user means none of them as a number.
        for (String v : List.of("0x1p3", "1f", "2d", "1e3D", "0X10P0", "1_0", "1..2", "e3", "1e", "+-1", ".", "1 2")) {
            assertThatThrownBy(() -> Csv.parse("x,y\n1,2\n\"" + v + "\",3\n", "data.csv").target("y").load())
                    .as(v).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Csv data.csv, line 3, column x (1 of 2): '" + v + "' is not a number; write numbers in decimal,"
                            + " like 12, -0.5 or 1.5e-3");
        }
        String ok = "x,y\n12,-0.5\n+3,1.5e-3\n.5,5.\n1E+2,-7e0\n007,0.000\n";
        assertThat(Csv.parse(ok, "data.csv").target("y").load().dataset().x())
                .isDeepEqualTo(new float[][] {{12}, {3}, {0.5f}, {100}, {7}});
        assertThatThrownBy(() -> Csv.parse("x,y\n1,NaN\n", "data.csv").target("y").load())
                .hasMessage("Csv data.csv, line 2, column y (2 of 2): 'NaN' is not a finite float32 number");
        assertThatThrownBy(() -> Csv.parse("x,y\n1e39,1\n", "data.csv").target("y").load())
                .hasMessage("Csv data.csv, line 2, column x (1 of 2): '1e39' is not a finite float32 number");
    }

    @Test
    void a_utf8_byte_order_mark_is_not_part_of_the_first_column_name(@TempDir Path tmp) throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(bom);
        bytes.write("x,y\n1,2\n".getBytes(StandardCharsets.UTF_8));
        Path f = Files.write(tmp.resolve("bom.csv"), bytes.toByteArray());
        Csv.Table t = Csv.read(f).features("x").target("y").load();
        assertThat(t.featureNames()).containsExactly("x");
        assertThat(t.dataset().x()).isDeepEqualTo(new float[][] {{1}});
        assertThat(Csv.parse("\uFEFFx,y\n1,2\n", "bom.csv").features("x").target("y").load().featureNames()).containsExactly("x");
    }

    @Test
    void latin1_bytes_fail_naming_the_offset_line_and_how_to_convert_or_are_read_with_charset(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("cafe.csv"), "x,drink\n1,tea\n2,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Csv.read(f).label("drink").load())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Csv " + f + ": the byte at offset 19 (line 3) is 0xE9, which is not UTF-8; the file is in another"
                        + " encoding, probably Latin-1 or Windows-1252: convert it with iconv -f latin1 -t utf-8 " + f
                        + " > " + tmp.resolve("cafe-utf8.csv") + ", or read it with .charset(StandardCharsets.ISO_8859_1)");
        Csv.Table t = Csv.read(f).charset(StandardCharsets.ISO_8859_1).label("drink").load();
        assertThat(t.classNames()).containsExactly("caf\u00e9", "tea");
        // A multi-byte character cut by the end of the file is not UTF-8 either.
        Path cut = Files.write(tmp.resolve("cut.csv"), new byte[] {'x', ',', 'y', '\n', '1', ',', (byte) 0xC3});
        assertThatThrownBy(() -> Csv.read(cut).target("y").load())
                .hasMessageStartingWith("Csv " + cut + ": the byte at offset 6 (line 2) is 0xC3, which is not UTF-8");
        // UTF-8 is read as before, across the reader's buffer boundaries.
        StringBuilder big = new StringBuilder("x,name\n");
        for (int i = 0; i < 20_000; i++) {
            big.append(i).append(",\u00e9t\u00e9 \u6771\u4eac ").append(i % 3).append('\n');
        }
        Path utf8 = Files.writeString(tmp.resolve("big.csv"), big);
        assertThat(Csv.read(utf8).label("name").load().classNames()).hasSize(3).allMatch(n -> n.startsWith("\u00e9t\u00e9 \u6771"));
    }

    @Test
    void a_wide_file_loads_in_time_linear_in_its_columns() {
        // One header and one row of a million columns. Loading looked every column up in a list of all the columns:
        // 60,000 columns took 3.4 s, a million over 14 minutes; linear, a million take about a second.
        int n = 1_000_000;
        StringBuilder csv = new StringBuilder(16 * n);
        for (int i = 0; i < n; i++) {
            csv.append('c').append(i).append(',');
        }
        csv.append("y\n");
        for (int i = 0; i < n; i++) {
            csv.append(i % 10).append(',');
        }
        csv.append("1\n");
        String text = csv.toString();
        Csv.Table t = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Csv.parse(text, "wide.csv").target("y").load());
        assertThat(t.featureNames()).hasSize(n);
        assertThat(t.dataset().x()[0][n - 1]).isEqualTo((n - 1) % 10);
    }

    @Test
    void a_30000_column_file_loads_and_messages_about_it_stay_short() {
        int n = 30_000;
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < n; i++) {
            csv.append("c").append(i).append(',');
        }
        csv.append("y\n");
        String header = csv.toString();
        for (int i = 0; i < n; i++) {
            csv.append(i % 7).append(',');
        }
        csv.append("1\n");
        assertThat(Csv.parse(csv.toString(), "wide.csv").target("y").load().dataset().x()[0]).hasSize(n);
        assertThatThrownBy(() -> Csv.parse(csv.toString(), "wide.csv").features("c1", "nope").target("y").load())
                .hasMessage("Csv wide.csv: no column nope; the header has [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, ... 29,991 more]");
        assertThatThrownBy(() -> Csv.parse(header + "1,2\n", "wide.csv").target("y").load())
                .hasMessage("Csv wide.csv, line 2: 2 cells where the header has 30,001 columns [c0, c1, c2, c3, c4, c5, c6, c7,"
                        + " c8, c9, ... 29,991 more]");
        String longCell = "9".repeat(5000) + "x";
        assertThatThrownBy(() -> Csv.parse("x,y\n" + longCell + ",1\n", "long.csv").target("y").load())
                .hasMessage("Csv long.csv, line 2, column x (1 of 2): '" + "9".repeat(40) + "...' (5,001 characters) is not a"
                        + " number; write numbers in decimal, like 12, -0.5 or 1.5e-3");
    }
}
