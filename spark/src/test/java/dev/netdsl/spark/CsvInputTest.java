package dev.netdsl.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The score command's CSV check reads a file as Spark's CSV reader does: the same column names, the same numbers. */
class CsvInputTest {
    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
    }

    @Test
    void header_names_are_sparks_empty_and_repeated_ones_included() throws Exception {
        List<String> header = Arrays.asList("a", "A", "", "b", "a b", "c", null);
        Path csv = Files.writeString(dir.resolve("names.csv"), "a,A,,b,a b,c,\n1,2,3,4,5,6,7\n");
        StructType schema = spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString()).schema();
        assertThat(CsvInput.sparkNames(header)).containsExactly(schema.fieldNames()).containsExactly("a0", "A1", "_c2", "b",
                "a b", "c", "_c6");
    }

    @Test
    void a_cell_is_a_number_exactly_when_sparks_inference_makes_its_column_numeric() throws Exception {
        List<String> cells = List.of("1", "-2.5", "+3", ".5", "1e3", "1E-3", "12345678901234567890", " 4", "5 ", "NaN", "Inf", "-Inf",
                "Infinity", "-Infinity", "1d", "2f", "0x1p3", "x", "true", "2024-01-01", "1.2.3", "--1", "inf", "nan", "1_000",
                "\"7\"");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            text.append(i == 0 ? "" : ",").append("c").append(i);
        }
        text.append('\n').append(String.join(",", cells)).append('\n');
        Path csv = Files.writeString(dir.resolve("cells.csv"), text);
        StructField[] fields = spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString()).schema()
                .fields();
        List<String> spark = new ArrayList<>();
        List<String> ours = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i).replace("\"", "");   // the parser takes the quotes away
            spark.add(cells.get(i) + (fields[i].dataType() instanceof NumericType ? ": number" : ": not"));
            ours.add(cells.get(i) + (CsvInput.number(cell) ? ": number" : ": not"));
        }
        assertThat(ours).isEqualTo(spark);
    }
}
