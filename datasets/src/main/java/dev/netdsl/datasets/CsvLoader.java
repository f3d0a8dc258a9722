package dev.netdsl.datasets;

import dev.netdsl.Dataset;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads one {@link Csv} source into a {@link Csv.Table}: the header and the columns picked from it, every row's cells
 * parsed as numbers or class labels, and the error messages that name the source, line and column of a bad cell.
 *
 * @param file the file, or null for {@code text}
 * @param text the CSV text when there is no file
 * @param source what messages call it: the file's path, or the name given with the text
 * @param features the feature columns, or empty for every column that is not a target or the label
 * @param targets the numeric target columns, or empty for a label column
 * @param label the label column, or null for numeric targets
 * @param delimiter the field separator
 * @param charset the file's encoding
 */
record CsvLoader(Path file, String text, String source, List<String> features, List<String> targets, String label,
                 char delimiter, Charset charset) {
    /** A decimal number: optional sign, digits with an optional point (or a point and digits), optional exponent. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    /** What Float.parseFloat reads as NaN or an infinity, so those get their own message. */
    private static final Pattern NOT_FINITE = Pattern.compile("[+-]?(?:NaN|Infinity)");
    /** At most this many characters of a cell or column name, and this many header names, go into a message. */
    private static final int SHOWN_CHARS = 40;
    private static final int SHOWN_NAMES = 10;

    /**
     * Reads the source: {@link Csv#load()}.
     *
     * @throws IllegalArgumentException naming the source, line and column of the first bad cell
     * @throws UncheckedIOException if there is no such file or it cannot be read
     */
    Csv.Table load() {
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
                return new Csv.Table(Dataset.of(x, ys.toArray(new float[0][])), inputs, targets, List.of());
            }
            List<String> classes = new ArrayList<>(new TreeSet<>(labels));
            Map<String, Integer> ids = new LinkedHashMap<>();
            for (String c : classes) {
                ids.put(c, ids.size());
            }
            int[] y = labels.stream().mapToInt(ids::get).toArray();
            return new Csv.Table(Dataset.of(x, y).withClassNames(classes), inputs, List.of(label), classes);
        } catch (StrictReader.NotDecodable e) {
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
                if (t instanceof StrictReader.NotDecodable bad) {
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

    private StrictReader.NotDecodable notDecodable(long offset, long line, int value) {
        boolean utf8 = charset.equals(StandardCharsets.UTF_8);
        String converted = source.endsWith(".csv") ? source.substring(0, source.length() - 4) + "-utf8.csv" : source + ".utf8";
        return new StrictReader.NotDecodable(String.format(Locale.ROOT, "Csv %s: the byte at offset %d (line %d) is 0x%02X, which is not %s; %s",
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
    static String shown(List<String> names) {
        if (names.size() <= SHOWN_NAMES) {
            return names.stream().map(CsvLoader::shown).toList().toString();
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < SHOWN_NAMES; i++) {
            b.append(shown(names.get(i))).append(", ");
        }
        return b.append(String.format(Locale.ROOT, "... %,d more]", names.size() - SHOWN_NAMES)).toString();
    }
}
