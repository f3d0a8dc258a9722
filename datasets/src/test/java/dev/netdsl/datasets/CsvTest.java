package dev.netdsl.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netdsl.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
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
                .hasMessage("Csv data.csv, line 3, column x2 (2 of 3): 'oops' is not a number");
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
    void a_missing_file_is_an_io_error_naming_it(@TempDir Path tmp) {
        assertThatThrownBy(() -> Csv.read(tmp.resolve("none.csv")).target("y").load())
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("none.csv");
    }
}
