package dev.netdsl.datasets;

import dev.netdsl.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
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
    /** A decimal number: optional sign, digits with an optional point (or a point and digits), optional exponent. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    /** What Float.parseFloat reads as NaN or an infinity, so those get their own message. */
    private static final Pattern NOT_FINITE = Pattern.compile("[+-]?(?:NaN|Infinity)");
    /** At most this many characters of a cell or column name, and this many header names, go into a message. */
    private static final int SHOWN_CHARS = 40;
    private static final int SHOWN_NAMES = 10;

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
            throw new IllegalArgumentException("Csv." + what + ": a column is named twice in " + shown(list));
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
        if (targets.isEmpty() && label == null) {
            throw new IllegalArgumentException("Csv " + source + ": say what to learn: .target(\"column\") for numbers or"
                    + " .label(\"column\") for classes");
        }
        // The header is read as a record of its own: Commons CSV's header map keeps one column of a repeated name.
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true).setTrim(true).setCommentMarker('#').build();
        try (Reader reader = open(); CSVParser parser = CSVParser.parse(reader, format)) {
            var records = parser.iterator();
            if (!records.hasNext()) {
                throw new IllegalArgumentException("Csv " + source + ": no header line; the first line that is not a comment"
                        + " must name the columns");
            }
            List<String> header = Arrays.asList(records.next().values());
            Map<String, Integer> index = new HashMap<>(2 * header.size());
            Map<String, Integer> repeated = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                Integer first = index.putIfAbsent(header.get(i), i);
                if (first != null) {
                    repeated.putIfAbsent(header.get(i), i);
                }
            }
            List<String> wanted = new ArrayList<>(targets);
            if (label != null) {
                wanted.add(label);
            }
            Set<String> wantedSet = new HashSet<>(wanted);
            List<String> inputs = new ArrayList<>(features);
            if (inputs.isEmpty()) {
                for (int i = 0; i < header.size(); i++) {
                    String h = header.get(i);
                    if (h.isEmpty()) {
                        throw new IllegalArgumentException(String.format(Locale.ROOT, "Csv %s: column %d of the header has no name;"
                                + " name it or pick the features with .features(...)", source, i + 1));
                    }
                    if (!wantedSet.contains(h) && index.get(h) == i) {
                        inputs.add(h);
                    }
                }
            }
            for (String c : inputs) {
                if (wantedSet.contains(c)) {
                    throw new IllegalArgumentException("Csv " + source + ": column " + c + " is both a feature and a target");
                }
            }
            List<String> all = new ArrayList<>(inputs);
            all.addAll(wanted);
            for (String c : all) {
                Integer at = index.get(c);
                if (at == null) {
                    throw new IllegalArgumentException("Csv " + source + ": no column " + shown(c) + "; the header has " + shown(header));
                }
                if (repeated.containsKey(c)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "Csv %s: the header names column \"%s\" twice"
                            + " (columns %d and %d); rename one", source, shown(c), at + 1, repeated.get(c) + 1));
                }
            }
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("Csv " + source + ": no feature columns left; the header has " + shown(header));
            }
            int[] inputColumns = inputs.stream().mapToInt(index::get).toArray();
            int[] targetColumns = targets.stream().mapToInt(index::get).toArray();
            int labelColumn = label == null ? -1 : index.get(label);
            List<float[]> xs = new ArrayList<>();
            List<float[]> ys = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            while (records.hasNext()) {
                CSVRecord r = records.next();
                long line = parser.getCurrentLineNumber();
                if (r.size() != header.size()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "Csv %s, line %d: %,d cells where the header has"
                            + " %,d columns %s", source, line, r.size(), header.size(), shown(header)));
                }
                xs.add(numbers(r, inputColumns, header, line));
                if (label != null) {
                    String v = r.get(labelColumn);
                    if (v.isEmpty()) {
                        throw cell(line, labelColumn, header, "is empty; every row needs a class label");
                    }
                    labels.add(v);
                } else {
                    ys.add(numbers(r, targetColumns, header, line));
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
            return new Table(Dataset.of(x, y).withClassNames(classes), inputs, List.of(label), classes);
        } catch (NotDecodable e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("Csv " + source + ": no such file" + (file.isAbsolute() ? ""
                    : " (relative to " + Path.of("").toAbsolutePath() + ")") + "; check the path", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Csv " + source + ": can't read it: " + e.getMessage(), e);
        } catch (IllegalStateException | UncheckedIOException e) {
            // Commons CSV reports malformed quoting and the like as these, with its own line number; a byte that is not in
            // the charset comes from our reader through them.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof NotDecodable bad) {
                    throw new IllegalArgumentException(bad.getMessage(), e);
                }
            }
            throw new IllegalArgumentException("Csv " + source + ": malformed CSV: " + e.getMessage(), e);
        }
    }

    private Reader open() throws IOException {
        if (file == null) {
            return new StringReader(!text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text);
        }
        if (Files.isDirectory(file)) {
            throw new IOException("it is a directory; give the path of a CSV file");
        }
        return new StrictReader(Files.newInputStream(file), charset, this::notDecodable);
    }

    private NotDecodable notDecodable(long offset, long line, int value) {
        boolean utf8 = charset.equals(StandardCharsets.UTF_8);
        String converted = source.endsWith(".csv") ? source.substring(0, source.length() - 4) + "-utf8.csv" : source + ".utf8";
        return new NotDecodable(String.format(Locale.ROOT, "Csv %s: the byte at offset %d (line %d) is 0x%02X, which is not %s; %s",
                source, offset, line, value, utf8 ? "UTF-8" : charset.name(), utf8 ? "the file is in another encoding, probably"
                        + " Latin-1 or Windows-1252: convert it with iconv -f latin1 -t utf-8 " + source + " > " + converted
                        + ", or read it with .charset(StandardCharsets.ISO_8859_1)"
                        : "check the file's encoding and give it with .charset(...)"));
    }

    private float[] numbers(CSVRecord r, int[] columns, List<String> header, long line) {
        float[] row = new float[columns.length];
        for (int i = 0; i < row.length; i++) {
            int c = columns[i];
            String v = r.get(c);
            if (v.isEmpty()) {
                throw cell(line, c, header, "is empty; fill it in or drop the row");
            }
            if (!NUMBER.matcher(v).matches()) {
                throw cell(line, c, header, NOT_FINITE.matcher(v).matches() ? "'" + v + "' is not a finite float32 number"
                        : shownCell(v) + " is not a number; write numbers in decimal, like 12, -0.5 or 1.5e-3");
            }
            float f = Float.parseFloat(v);
            if (!Float.isFinite(f)) {
                throw cell(line, c, header, shownCell(v) + " is not a finite float32 number");
            }
            row[i] = f;
        }
        return row;
    }

    private IllegalArgumentException cell(long line, int column, List<String> header, String problem) {
        return new IllegalArgumentException(String.format(Locale.ROOT, "Csv %s, line %d, column %s (%d of %d): %s", source, line,
                shown(header.get(column)), column + 1, header.size(), problem));
    }

    /** A cell quoted for a message: a long one cut, with its length. */
    private static String shownCell(String v) {
        return v.length() <= SHOWN_CHARS ? "'" + v + "'"
                : String.format(Locale.ROOT, "'%s...' (%,d characters)", v.substring(0, SHOWN_CHARS), v.length());
    }

    /** A column name for a message, cut if long. */
    private static String shown(String name) {
        return name.length() <= SHOWN_CHARS ? name : name.substring(0, SHOWN_CHARS) + "...";
    }

    /** Column names for a message: the first few, then how many more. */
    private static String shown(List<String> names) {
        if (names.size() <= SHOWN_NAMES) {
            return names.stream().map(Csv::shown).toList().toString();
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < SHOWN_NAMES; i++) {
            b.append(shown(names.get(i))).append(", ");
        }
        return b.append(String.format(Locale.ROOT, "... %,d more]", names.size() - SHOWN_NAMES)).toString();
    }

    /** A byte that is not in the file's charset; its message is the whole story. */
    private static final class NotDecodable extends IOException {
        private static final long serialVersionUID = 1L;

        NotDecodable(String message) {
            super(message);
        }
    }

    /** Makes the exception for a byte that does not decode: its offset in the file, its line (from 1), its value. */
    private interface BadByte {
        NotDecodable at(long offset, long line, int value);
    }

    /**
     * Decodes a stream strictly, skipping a byte order mark: a byte that is not in the charset fails
     * with its offset and line (Java's own readers say only "Input length = 1").
     */
    private static final class StrictReader extends Reader {
        private final InputStream in;
        private final CharsetDecoder decoder;
        private final BadByte bad;
        private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
        private final CharBuffer chars = CharBuffer.allocate(1 << 16).flip();
        private long base;           // the file offset of bytes.array()[0]
        private long newlines;       // in the characters handed out so far
        private boolean eof;
        private boolean flushed;
        private boolean first = true;

        StrictReader(InputStream in, Charset charset, BadByte bad) {
            this.in = in;
            this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            this.bad = bad;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (!chars.hasRemaining()) {
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(length, chars.remaining());
            chars.get(buffer, offset, n);
            return n;
        }

        /** Decodes the next characters into {@code chars}; false at the end. */
        private boolean fill() throws IOException {
            if (flushed) {
                return false;
            }
            chars.clear();
            while (chars.position() == 0 && !flushed) {
                if (!eof) {
                    base += bytes.position();
                    bytes.compact();
                    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                    if (n < 0) {
                        eof = true;
                    } else {
                        bytes.position(bytes.position() + n);
                    }
                    bytes.flip();
                }
                CoderResult result = decoder.decode(bytes, chars, eof);
                if (result.isError()) {
                    long line = newlines + 1;
                    for (int i = 0; i < chars.position(); i++) {
                        line += chars.get(i) == '\n' ? 1 : 0;
                    }
                    throw bad.at(base + bytes.position(), line, bytes.get(bytes.position()) & 0xFF);
                }
                if (eof && result.isUnderflow()) {
                    if (decoder.flush(chars).isOverflow()) {
                        throw new IllegalStateException("a decoder's flush needed more than " + chars.capacity() + " characters");
                    }
                    flushed = true;
                }
            }
            chars.flip();
            for (int i = chars.position(); i < chars.limit(); i++) {
                newlines += chars.get(i) == '\n' ? 1 : 0;
            }
            if (first && chars.hasRemaining()) {
                first = false;
                if (chars.get(chars.position()) == '\uFEFF') {
                    chars.get();
                }
            }
            return chars.hasRemaining() || !flushed;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
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
