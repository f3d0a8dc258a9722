package dev.netdsl.datasets;

import dev.netdsl.Dataset;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A table from a CSV file (Apache Commons CSV) as a {@link Dataset}: a header row names the columns,
 * you pick the feature columns and the target columns (numbers, for regression) or one label column
 * (any text, for classification: each distinct value becomes a class id).
 *
 * <pre>{@code
 * Csv.Table t = Csv.read(Path.of("iris.csv")).features("sepal_length", "sepal_width").label("species").load();
 * Csv.Split s = t.split(0.2, 1);            // seeded: 20% of the rows for validation
 * model.fit(s.train(), Fit.epochs(100).validation(s.validation()));
 * }</pre>
 *
 * <p>Lines starting with {@code #} are comments. Every value of a feature or target column must be a
 * finite number; an empty cell, a word where a number belongs or a row with the wrong number of cells
 * fails with the file, line and column. A
 * builder is immutable: every call returns a new one, and {@link #load()} reads the file.
 */
public final class Csv {
    private final Path file;
    private final String text;
    private final String source;
    private final List<String> features;
    private final List<String> targets;
    private final String label;
    private final char delimiter;

    private Csv(Path file, String text, String source, List<String> features, List<String> targets, String label, char delimiter) {
        this.file = file;
        this.text = text;
        this.source = source;
        this.features = features;
        this.targets = targets;
        this.label = label;
        this.delimiter = delimiter;
    }

    /** A CSV file with a header row, comma-separated, UTF-8. */
    public static Csv read(Path file) {
        Objects.requireNonNull(file, "file");
        return new Csv(file, null, file.toString(), List.of(), List.of(), null, ',');
    }

    /** CSV text already in memory (e.g. a resource); {@code source} names it in error messages. */
    public static Csv parse(String text, String source) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        return new Csv(null, text, source, List.of(), List.of(), null, ',');
    }

    /** The input columns, in this order (default: every column that is not a target or the label). */
    public Csv features(String... columns) {
        return new Csv(file, text, source, names(columns, "features"), targets, label, delimiter);
    }

    /** Numeric target columns, for regression: the data set's {@code y}. */
    public Csv target(String... columns) {
        if (label != null) {
            throw new IllegalArgumentException("Csv.target: a label column (" + label + ") is already set; pick numeric targets"
                    + " or one label column, not both");
        }
        return new Csv(file, text, source, features, names(columns, "target"), null, delimiter);
    }

    /**
     * The column holding each row's class, for classification: its distinct values, sorted, become
     * class ids 0, 1, ... ({@link Table#classNames()}).
     */
    public Csv label(String column) {
        Objects.requireNonNull(column, "column");
        if (!targets.isEmpty()) {
            throw new IllegalArgumentException("Csv.label: numeric targets " + targets + " are already set; pick numeric targets"
                    + " or one label column, not both");
        }
        return new Csv(file, text, source, features, List.of(), column, delimiter);
    }

    /** The field separator (default {@code ','}; e.g. {@code ';'} or {@code '\t'}). */
    public Csv delimiter(char c) {
        if (c == '"' || c == '\n' || c == '\r') {
            throw new IllegalArgumentException("Csv.delimiter: '" + c + "' cannot separate fields");
        }
        return new Csv(file, text, source, features, targets, label, c);
    }

    private static List<String> names(String[] columns, String what) {
        Objects.requireNonNull(columns, what);
        if (columns.length == 0) {
            throw new IllegalArgumentException("Csv." + what + ": name at least one column");
        }
        List<String> list = List.of(columns);
        if (new TreeSet<>(list).size() != list.size()) {
            throw new IllegalArgumentException("Csv." + what + ": a column is named twice in " + list);
        }
        return list;
    }

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException naming the file, line and column of the first bad cell, or a
     *     column that is not in the header (with the header's columns)
     * @throws UncheckedIOException if the file cannot be read
     */
    public Table load() {
        if (targets.isEmpty() && label == null) {
            throw new IllegalArgumentException("Csv " + source + ": say what to learn: .target(\"column\") for numbers or"
                    + " .label(\"column\") for classes");
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).setTrim(true).setCommentMarker('#').build();
        try (Reader reader = open(); CSVParser parser = CSVParser.parse(reader, format)) {
            List<String> header = parser.getHeaderNames();
            List<String> wanted = new ArrayList<>(targets);
            if (label != null) {
                wanted.add(label);
            }
            List<String> inputs = new ArrayList<>(features);
            if (inputs.isEmpty()) {
                header.stream().filter(h -> !wanted.contains(h)).forEach(inputs::add);
            }
            for (String c : inputs) {
                if (wanted.contains(c)) {
                    throw new IllegalArgumentException("Csv " + source + ": column " + c + " is both a feature and a target");
                }
            }
            List<String> all = new ArrayList<>(inputs);
            all.addAll(wanted);
            for (String c : all) {
                if (!header.contains(c)) {
                    throw new IllegalArgumentException("Csv " + source + ": no column " + c + "; the header has " + header);
                }
            }
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("Csv " + source + ": no feature columns left; the header has " + header);
            }
            List<float[]> xs = new ArrayList<>();
            List<float[]> ys = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (CSVRecord r : parser) {
                long line = r.getParser().getCurrentLineNumber();
                if (r.size() != header.size()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "Csv %s, line %d: %d cells where the header has %d"
                            + " columns %s", source, line, r.size(), header.size(), header));
                }
                xs.add(numbers(r, inputs, line));
                if (label != null) {
                    String v = r.get(label);
                    if (v.isEmpty()) {
                        throw cell(line, label, header, "is empty; every row needs a class label");
                    }
                    labels.add(v);
                } else {
                    ys.add(numbers(r, targets, line));
                }
            }
            if (xs.isEmpty()) {
                throw new IllegalArgumentException("Csv " + source + ": no data rows after the header");
            }
            float[][] x = xs.toArray(new float[0][]);
            if (label == null) {
                return new Table(Dataset.of(x, ys.toArray(new float[0][])), inputs, targets, List.of());
            }
            List<String> classes = new ArrayList<>(new TreeSet<>(labels));
            Map<String, Integer> ids = new LinkedHashMap<>();
            for (String c : classes) {
                ids.put(c, ids.size());
            }
            int[] y = labels.stream().mapToInt(ids::get).toArray();
            return new Table(Dataset.of(x, y), inputs, List.of(label), classes);
        } catch (IOException e) {
            throw new UncheckedIOException("Csv " + source + ": can't read it: " + e.getMessage(), e);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            // Commons CSV reports malformed quoting and the like as these, with its own line number.
            throw new IllegalArgumentException("Csv " + source + ": malformed CSV: " + e.getMessage(), e);
        }
    }

    private Reader open() throws IOException {
        return file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8) : new StringReader(text);
    }

    private float[] numbers(CSVRecord r, List<String> columns, long line) {
        float[] row = new float[columns.size()];
        for (int i = 0; i < row.length; i++) {
            String c = columns.get(i);
            String v = r.get(c);
            if (v.isEmpty()) {
                throw cell(line, c, r.getParser().getHeaderNames(), "is empty; fill it in or drop the row");
            }
            float f;
            try {
                f = Float.parseFloat(v);
            } catch (NumberFormatException e) {
                throw cell(line, c, r.getParser().getHeaderNames(), "'" + v + "' is not a number");
            }
            if (!Float.isFinite(f)) {
                throw cell(line, c, r.getParser().getHeaderNames(), "'" + v + "' is not a finite float32 number");
            }
            row[i] = f;
        }
        return row;
    }

    private IllegalArgumentException cell(long line, String column, List<String> header, String problem) {
        return new IllegalArgumentException(String.format(Locale.ROOT, "Csv %s, line %d, column %s (%d of %d): %s", source, line,
                column, header.indexOf(column) + 1, header.size(), problem));
    }

    /** A loaded table: the data set, the column names behind it, and the class names for a label column. */
    public static final class Table {
        private final Dataset data;
        private final List<String> featureNames;
        private final List<String> targetNames;
        private final List<String> classNames;

        Table(Dataset data, List<String> featureNames, List<String> targetNames, List<String> classNames) {
            this.data = data;
            this.featureNames = List.copyOf(featureNames);
            this.targetNames = List.copyOf(targetNames);
            this.classNames = List.copyOf(classNames);
        }

        /** Every row, in file order. */
        public Dataset dataset() {
            return data;
        }

        /** The feature columns, in the order of {@code x}'s columns. */
        public List<String> featureNames() {
            return featureNames;
        }

        /** The target columns (or the label column). */
        public List<String> targetNames() {
            return targetNames;
        }

        /** Class names by id for a label column (sorted); empty for numeric targets. */
        public List<String> classNames() {
            return classNames;
        }

        /**
         * A seeded random split: the rows are shuffled with {@code Collections.shuffle(rows, new
         * Random(seed))}, the first {@code floor(validationShare * rows)} go to validation and the rest,
         * in shuffled order, to training.
         *
         * @throws IllegalArgumentException if either part would be empty
         */
        public Split split(double validationShare, long seed) {
            int n = data.size();
            if (!(validationShare > 0 && validationShare < 1)) {
                throw new IllegalArgumentException("split: validationShare " + validationShare + " must be in (0, 1), e.g. 0.2");
            }
            int nVal = (int) (validationShare * n);
            if (nVal < 1 || nVal >= n) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "split: %s of %d rows leaves %s; use a share"
                        + " that gives both parts at least one row", validationShare, n, nVal < 1 ? "no validation rows"
                        : "no training rows"));
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed));
            int[] val = order.subList(0, nVal).stream().mapToInt(Integer::intValue).toArray();
            int[] train = order.subList(nVal, n).stream().mapToInt(Integer::intValue).toArray();
            return new Split(data.subset(train), data.subset(val), train, val);
        }

        @Override
        public String toString() {
            return "Csv.Table[" + data.size() + " rows, features " + featureNames + ", "
                    + (classNames.isEmpty() ? "targets " + targetNames : "label " + targetNames.get(0) + " " + classNames) + "]";
        }
    }

    /** A train/validation split and the row indices (0-based, file order) behind each part. */
    public record Split(Dataset train, Dataset validation, int[] trainRows, int[] validationRows) {
        /** Copies the index arrays. */
        public Split {
            trainRows = trainRows.clone();
            validationRows = validationRows.clone();
        }

        /** The training rows' indices. */
        @Override
        public int[] trainRows() {
            return trainRows.clone();
        }

        /** The validation rows' indices. */
        @Override
        public int[] validationRows() {
            return validationRows.clone();
        }

        @Override
        public String toString() {
            return "Split[train " + Arrays.toString(trainRows) + ", validation " + Arrays.toString(validationRows) + "]";
        }
    }
}
