package dev.netdsl.datasets;

import dev.netdsl.Dataset;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

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
 * <p>Lines starting with {@code #} are comments. The header must not name a column that is used twice.
 * A number is written in decimal: an optional sign, digits with an optional decimal point, and an
 * optional exponent ({@code 12}, {@code -0.5}, {@code .5}, {@code 1.5e-3}); Java's hexadecimal floats
 * ({@code 0x1p3}) and type suffixes ({@code 1f}, {@code 2d}) are not numbers here, and {@code NaN},
 * {@code Infinity} and values beyond float32's range are refused, since a net can't learn from them.
 * An empty cell, a word where a number belongs or a row with the wrong number of cells fails with the
 * file, line and column.
 *
 * <p>A file is read as UTF-8 unless {@link #charset} says otherwise; a UTF-8 byte order mark is
 * skipped, and bytes that are not UTF-8 fail naming their offset and line (encodings can't be told
 * apart reliably, and a wrong guess would silently rename classes). A builder is immutable: every call
 * returns a new one, and {@link #load()} reads the file.
 */
public final class Csv {
    private final Path file;
    private final String text;
    private final String source;
    private final List<String> features;
    private final List<String> targets;
    private final String label;
    private final char delimiter;
    private final Charset charset;

    private Csv(Path file, String text, String source, List<String> features, List<String> targets, String label, char delimiter,
            Charset charset) {
        this.file = file;
        this.text = text;
        this.source = source;
        this.features = features;
        this.targets = targets;
        this.label = label;
        this.delimiter = delimiter;
        this.charset = charset;
    }

    /** A CSV file with a header row, comma-separated, UTF-8 (a byte order mark is skipped). */
    public static Csv read(Path file) {
        Objects.requireNonNull(file, "file");
        return new Csv(file, null, file.toString(), List.of(), List.of(), null, ',', StandardCharsets.UTF_8);
    }

    /** CSV text already in memory (e.g. a resource); {@code source} names it in error messages. */
    public static Csv parse(String text, String source) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        return new Csv(null, text, source, List.of(), List.of(), null, ',', StandardCharsets.UTF_8);
    }

    /** The input columns, in this order (default: every column that is not a target or the label). */
    public Csv features(String... columns) {
        return new Csv(file, text, source, names(columns, "features"), targets, label, delimiter, charset);
    }

    /** Numeric target columns, for regression: the data set's {@code y}. */
    public Csv target(String... columns) {
        if (label != null) {
            throw new IllegalArgumentException("Csv.target: a label column (" + label + ") is already set; pick numeric targets"
                    + " or one label column, not both");
        }
        return new Csv(file, text, source, features, names(columns, "target"), null, delimiter, charset);
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
        return new Csv(file, text, source, features, List.of(), column, delimiter, charset);
    }

    /** The field separator (default {@code ','}; e.g. {@code ';'} or {@code '\t'}). */
    public Csv delimiter(char c) {
        if (c == '"' || c == '\n' || c == '\r') {
            throw new IllegalArgumentException("Csv.delimiter: '" + c + "' cannot separate fields");
        }
        return new Csv(file, text, source, features, targets, label, c, charset);
    }

    /**
     * The file's encoding (default UTF-8), e.g. {@code StandardCharsets.ISO_8859_1} for Latin-1 or
     * {@code Charset.forName("windows-1252")} for what Excel on Windows saves as CSV. Bytes that are not
     * in it fail naming their offset; text given to {@link #parse} is already decoded.
     */
    public Csv charset(Charset charset) {
        Objects.requireNonNull(charset, "charset");
        return new Csv(file, text, source, features, targets, label, delimiter, charset);
    }

    private static List<String> names(String[] columns, String what) {
        Objects.requireNonNull(columns, what);
        if (columns.length == 0) {
            throw new IllegalArgumentException("Csv." + what + ": name at least one column");
        }
        List<String> list = List.of(columns);
        if (new HashSet<>(list).size() != list.size()) {
            throw new IllegalArgumentException("Csv." + what + ": a column is named twice in " + CsvLoader.shown(list));
        }
        return list;
    }

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException naming the file, line and column of the first bad cell, a
     *     column that is not in the header or is named twice there, or the offset of a byte that is
     *     not in the file's encoding
     * @throws UncheckedIOException if there is no such file or it cannot be read
     */
    public Table load() {
        return new CsvLoader(file, text, source, features, targets, label, delimiter, charset).load();
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

        /** Every row, in file order; for a label column with its {@link Dataset#classNames()}. */
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
