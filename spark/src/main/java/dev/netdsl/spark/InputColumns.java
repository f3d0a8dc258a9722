package dev.netdsl.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The input columns of {@code netdsl score}: which columns are the model's input (as {@code --input-columns} names
 * them, else the only array column or every numeric one), checked against the input's header or schema, the model's
 * input size and the columns the command adds; for a CSV input, every row too ({@link CsvInput}).
 */
final class InputColumns {
    private final String input;
    /** The columns {@code --input-columns} names (NAME* for a prefix), or null. */
    private final List<String> inputColumns;
    private final String outputColumn;
    private final String format;
    private final Supplier<String> classes;
    private final Supplier<ScoreCommand.ModelInfo> model;

    /** What the input's checks found: the model's input columns, and a CSV header's cells (0 for Parquet). */
    record Checked(String[] columns, int headerCells) {
    }

    /**
     * The checks of {@code input} for the command's options; {@code classes} gives the class column ("none" for
     * none) and {@code model} the model, each opened on first use.
     */
    InputColumns(String input, List<String> inputColumns, String outputColumn, String format, Supplier<String> classes,
                 Supplier<ScoreCommand.ModelInfo> model) {
        this.input = input;
        this.inputColumns = inputColumns;
        this.outputColumn = outputColumn;
        this.format = format;
        this.classes = classes;
        this.model = model;
    }

    private String classColumn() {
        return classes.get();
    }

    private ScoreCommand.ModelInfo model() {
        return model.get();
    }

    /**
     * Checks the input at {@code root} on {@code fs}: its columns, the model and, for CSV, every row; returns
     * the model's input columns, or null if only Spark can say what the columns are (a partitioned folder).
     */
    Checked check(FileSystem fs, Configuration conf, org.apache.hadoop.fs.Path root, String inFormat) {
        InputFiles files = InputFiles.list(fs, root, input);
        if (files.partitioned()) {
            return null;
        }
        if (inFormat.equals("parquet")) {
            StructType schema = files.parquetSchema(conf, input);
            return schema == null ? null : new Checked(inputColumns(schema, inFormat), 0);
        }
        CsvInput csv = CsvInput.open(fs, conf, files, input);
        List<String> names = csv.columns();
        List<String> given = requested(names);
        checkNewColumns(names);
        if (given != null) {
            checkCount(given, false, inFormat);
        }
        List<String> inputs = csv.check(given).inputs();
        if (given == null) {
            if (inputs.isEmpty()) {
                throw new BadInput("--input " + input + " has no column of numbers (its columns are " + shown(names) + "); name the "
                        + "model's input columns with --input-columns");
            }
            checkCount(inputs, true, inFormat);
        }
        return new Checked(inputs.toArray(String[]::new), csv.headerCells());
    }

    /**
     * The model's input columns in a table with this schema: as given (NAME* expanded in schema order), else the
     * only array column, else every numeric column; numbers (or one array of numbers), as many as the model takes.
     */
    String[] inputColumns(StructType schema, String inFormat) {
        List<String> names = Arrays.asList(schema.fieldNames());
        List<String> given = requested(names);
        checkNewColumns(names);
        List<String> columns = given;
        if (columns == null) {
            columns = defaults(schema, null);
            if (columns.isEmpty()) {
                throw new BadInput("--input " + input + " has no array column and no numeric column (its columns are "
                        + shown(names) + "); name the model's input with --input-columns");
            }
        }
        boolean array = columns.size() == 1 && schema.apply(columns.get(0)).dataType() instanceof ArrayType;
        for (String c : columns) {
            org.apache.spark.sql.types.DataType type = schema.apply(c).dataType();
            boolean ok = array ? ((ArrayType) type).elementType() instanceof NumericType : type instanceof NumericType;
            if (!ok) {
                throw new BadInput("--input-columns: column '" + c + "' of " + input + " is " + type.simpleString() + ", not "
                        + (array ? "an array of numbers" : "numbers") + "; give numeric columns or one array column of numbers"
                        + (columns.size() > 1 && type instanceof ArrayType ? " (an array column must be the only input column)" : ""));
            }
        }
        if (!array) {
            checkCount(columns, given == null, inFormat);
        }
        return columns.toArray(String[]::new);
    }

    /**
     * The columns --input-columns names among {@code names}, NAME* expanded in their order; null if it names none.
     *
     * @throws BadInput naming the column and the columns there are, if one is not there
     */
    private List<String> requested(List<String> names) {
        return inputColumns == null || inputColumns.isEmpty() ? null : expand(inputColumns, names, input, null);
    }

    /**
     * The columns {@code requested} (as --input-columns gives them) names among the columns {@code names} of
     * {@code input}: NAME* expanded in their order, leaving out {@code except} (or nothing, if null).
     *
     * @throws BadInput naming the column and the columns there are, if one is not there
     */
    static List<String> expand(List<String> requested, List<String> names, String input, String except) {
        List<String> columns = new ArrayList<>();
        for (String c : requested) {
            if (c.endsWith("*")) {
                String prefix = c.substring(0, c.length() - 1);
                List<String> matched = names.stream().filter(n -> n.startsWith(prefix) && !n.equals(except)).toList();
                if (matched.isEmpty()) {
                    throw new BadInput("--input-columns " + c + " matches no column of " + input + "; its columns are "
                            + shown(names));
                }
                columns.addAll(matched);
            } else if (names.contains(c)) {
                columns.add(c);
            } else {
                String other = names.stream().filter(n -> n.equalsIgnoreCase(c)).findFirst().orElse(null);
                throw new BadInput("--input-columns " + c + ": " + input + " has no column '" + c + "'"
                        + (other != null ? " (it has '" + other + "': names are case-sensitive here)" : "")
                        + "; its columns are " + shown(names));
            }
        }
        return columns;
    }

    /**
     * The input columns by default: the only array column of {@code schema}, else every numeric one, leaving out
     * {@code except} (or nothing, if null).
     */
    static List<String> defaults(StructType schema, String except) {
        List<StructField> fields = Arrays.stream(schema.fields()).filter(f -> !f.name().equals(except)).toList();
        List<String> arrays = fields.stream().filter(f -> f.dataType() instanceof ArrayType).map(StructField::name).toList();
        return arrays.size() == 1 ? arrays
                : fields.stream().filter(f -> f.dataType() instanceof NumericType).map(StructField::name).toList();
    }

    /** The columns the command adds must not be in the input already. */
    private void checkNewColumns(List<String> names) {
        if (names.contains(outputColumn)) {
            throw new BadInput("--input " + input + " already has a column '" + outputColumn + "'; name the output column "
                    + "another way with --output-column");
        }
        String classes = classColumn();
        if (!classes.equals("none") && names.contains(classes)) {
            throw new BadInput("--input " + input + " already has a column '" + classes + "'; name the class column another way "
                    + "with --class-column NAME, or give --class-column none");
        }
        if (format.equals("csv")) {
            for (int i = 0; i < model().outputSize(); i++) {
                if (names.contains(outputColumn + "_" + i)) {
                    throw new BadInput("--input " + input + " already has a column '" + outputColumn + "_" + i + "', where "
                            + "--format csv writes output " + i + "; name the output columns another way with --output-column");
                }
            }
        }
    }

    /** As many input columns as the model takes values per row. */
    private void checkCount(List<String> columns, boolean byDefault, String inFormat) {
        int n = model().inputSize();
        if (columns.size() != n) {
            throw new BadInput("the model takes " + n + " values per row but " + columns.size() + " input column"
                    + (columns.size() == 1 ? " was" : "s were") + " given " + shown(columns)
                    + (!byDefault ? "" : inFormat.equals("csv") ? " (by default every column of " + input + " that holds numbers)"
                            : " (by default every numeric column of " + input + ")")
                    + (inFormat.equals("csv") ? "; name its " + n + " input columns with --input-columns"
                            : "; name " + n + " numeric columns, or one array column of " + n + " values, with --input-columns"));
        }
    }

    /**
     * How many cells the CSV input's first line has, at most (delimiters + 1, counted outside quotes
     * too), for Spark's CSV reader, which stops at 20,480 columns unless told more; 0 for an empty input.
     */
    int headerCells(SparkSession spark) {
        List<String> first = spark.read().textFile(input).limit(1).collectAsList();
        if (first.isEmpty()) {
            return 0;
        }
        String line = first.get(0);
        int cells = 1;
        for (int i = 0; i < line.length(); i++) {
            cells += line.charAt(i) == ',' ? 1 : 0;
        }
        return cells;
    }

    /** Column names for a message: the first ten, then how many more. */
    static String shown(List<String> names) {
        return names.size() <= 10 ? names.toString()
                : names.subList(0, 10).toString().replaceFirst("]$", String.format(Locale.ROOT, ", ... %,d more]", names.size() - 10));
    }
}
