package dev.netdsl.spark;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.UnescapedQuoteHandling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * A CSV input of {@code netdsl score}, read line by line on the driver the way Spark's CSV reader reads it
 * (UTF-8, a header line, commas, double quotes, backslash escapes, one row per line, blank lines skipped, the
 * same parser), and checked before Spark reads it: every row has the model's input columns, each cell a
 * number. A bad row fails naming its file and line ({@code points.csv line 3: column b is empty}), which
 * Spark can't do: it splits files into partitions and counts rows within them.
 */
final class CsvInput {
    /** The most characters of a cell shown in a message. */
    private static final int SHOWN_CHARS = 40;

    private final FileSystem fs;
    private final Configuration conf;
    private final String input;
    private final List<Part> parts;
    private final List<String> header;
    private final List<String> columns;

    /** A file with a header line: where the header is (line numbers count from 1). */
    private record Part(InputFiles.InputFile file, long headerLine) {
    }

    private CsvInput(FileSystem fs, Configuration conf, String input, List<Part> parts, List<String> header) {
        this.fs = fs;
        this.conf = conf;
        this.input = input;
        this.parts = parts;
        this.header = header;
        this.columns = sparkNames(header);
    }

    /**
     * Reads the header of every file of {@code files}: they must all have the same one (Spark would read the
     * others' columns by position under the first file's names).
     *
     * @throws BadInput naming the file if the input has no header line, or two headers differ
     */
    static CsvInput open(FileSystem fs, Configuration conf, InputFiles files, String input) {
        List<Part> parts = new ArrayList<>();
        List<String> header = null;
        String headerFile = null;
        for (InputFiles.InputFile f : files.files()) {
            try (BufferedReader in = reader(fs, conf, f)) {
                long line = 0;
                for (String text; (text = in.readLine()) != null; ) {
                    line++;
                    text = line == 1 && text.startsWith("\uFEFF") ? text.substring(1) : text;
                    if (text.trim().isEmpty()) {
                        continue;
                    }
                    List<String> cells = Arrays.asList(headerParser(text).parseLine(text));
                    if (header == null) {
                        header = cells;
                        headerFile = f.name();
                    } else if (!header.equals(cells)) {
                        throw new BadInput(f.name() + " line " + line + ": the header " + shown(cells) + " differs from "
                                + headerFile + "'s " + shown(header) + "; Spark would read its columns by position under "
                                + headerFile + "'s names: give every file the same header");
                    }
                    parts.add(new Part(f, line));
                    break;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("can't read " + f.name() + ": " + e.getMessage(), e);
            }
        }
        if (header == null) {
            throw new BadInput("--input " + input + " is empty: no header line; give a CSV file whose first line names the "
                    + "columns");
        }
        return new CsvInput(fs, conf, input, parts, header);
    }

    /** The column names Spark gives the header's cells: {@code _c<i>} for an empty one, name + index for a repeated one. */
    List<String> columns() {
        return columns;
    }

    /** The number of cells in the header. */
    int headerCells() {
        return header.size();
    }

    /** What {@link #check} found: how many rows, and the model's input columns (as given, or found). */
    record Checked(long rows, List<String> inputs) {
    }

    /**
     * Reads every row and checks it: no more cells than the header, and a number in each input column. The input
     * columns are {@code inputs} (names from {@link #columns()}), or, if null, every column that holds a number
     * in some row (then a cell that is not a number in such a column is an error too).
     *
     * @throws BadInput naming the file and line of the first bad row found, or if there is no row
     */
    Checked check(List<String> inputs) {
        int n = header.size();
        boolean given = inputs != null;
        boolean[] isInput = new boolean[n];
        boolean[] number = new boolean[n];
        String[] pending = new String[n];     // the first bad cell of a column not (yet) known to be an input
        if (given) {
            for (String c : inputs) {
                isInput[columns.indexOf(c)] = true;
            }
        }
        // Without --input-columns, a column is an input because it holds numbers: a word in it may say it is not one.
        String advice = "drop or fix the row";
        String wordAdvice = given ? advice : advice + " (or name the model's input columns with --input-columns)";
        int maxColumns = Math.max(ScoreCommand.SPARK_MAX_COLUMNS, 2 * n);
        CsvParser parser = parser(maxColumns);
        long rows = 0;
        for (Part part : parts) {
            String name = part.file().name();
            try (BufferedReader in = reader(fs, conf, part.file())) {
                long line = 0;
                for (String text; (text = in.readLine()) != null; ) {
                    line++;
                    if (line <= part.headerLine() || text.trim().isEmpty()) {
                        continue;
                    }
                    String[] cells;
                    try {
                        cells = parser.parseLine(text);
                    } catch (TextParsingException e) {
                        if (e.getCause() instanceof ArrayIndexOutOfBoundsException) {
                            throw new BadInput(String.format(Locale.ROOT, "%s line %d has more than %,d cells, the header %,d; "
                                    + "check the row's delimiters and quotes", name, line, maxColumns, n), e);
                        }
                        String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                        throw new BadInput(name + " line " + line + " can't be read as CSV (" + why + "); " + advice, e);
                    }
                    rows++;
                    if (cells.length > n) {
                        throw new BadInput(String.format(Locale.ROOT, "%s line %d has %,d cells, the header %,d; check the "
                                + "row's delimiters and quotes, or drop the row", name, line, cells.length, n));
                    }
                    for (int j = 0; j < n; j++) {
                        if (!given || isInput[j]) {
                            String problem = problem(cells, j);
                            if (problem == null) {
                                if (!number[j]) {
                                    number[j] = true;
                                    if (pending[j] != null) {
                                        throw new BadInput(pending[j]);   // an earlier row's, now known to be an input
                                    }
                                }
                            } else {
                                String message = name + " line " + line + ": " + problem + "; "
                                        + (problem.endsWith("not a number") ? wordAdvice : advice);
                                if (given || number[j]) {
                                    throw new BadInput(message);
                                }
                                if (pending[j] == null) {
                                    pending[j] = message;
                                }
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("can't read " + name + ": " + e.getMessage(), e);
            }
        }
        if (rows == 0) {
            throw new BadInput("--input " + input + " has a header line but no rows to score");
        }
        if (given) {
            return new Checked(rows, List.copyOf(inputs));
        }
        List<String> found = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            if (number[j]) {
                found.add(columns.get(j));
            }
        }
        return new Checked(rows, found);
    }

    /** What is wrong with cell {@code j} of a row as a model input, or null if it is a number. */
    private String problem(String[] cells, int j) {
        if (j >= cells.length) {
            return "column " + columns.get(j) + " is empty (the line has " + cells.length + " cell" + (cells.length == 1 ? "" : "s")
                    + ", the header " + header.size() + ")";
        }
        String cell = cells[j];
        if (cell == null || cell.isEmpty()) {
            return "column " + columns.get(j) + " is empty";
        }
        if (!number(cell)) {
            String shown = cell.length() <= SHOWN_CHARS ? cell : cell.substring(0, SHOWN_CHARS) + "...";
            return "column " + columns.get(j) + " is \"" + shown + "\", not a number";
        }
        return null;
    }

    /**
     * True if Spark's CSV reader reads {@code cell} as a number: Java's {@code Double.parseDouble} (what its type
     * inference and conversion call) takes it, or it is Spark's NaN or infinity ({@code NaN}, {@code Inf},
     * {@code -Inf}).
     */
    static boolean number(String cell) {
        String s = cell.trim();
        if (s.isEmpty()) {
            return false;
        }
        char c = s.charAt(0);
        if (!(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'N' || c == 'I')) {
            return false;   // most words, without the cost of an exception
        }
        if (cell.equals("Inf") || cell.equals("-Inf")) {
            return true;
        }
        try {
            Double.parseDouble(cell);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Spark's names for header cells ({@code CSVUtils.makeSafeHeader}, column names not case-sensitive): an empty
     * cell becomes {@code _c<index>}, a name used twice (in any case) becomes name + index each time.
     */
    static List<String> sparkNames(List<String> header) {
        List<String> lower = header.stream().filter(h -> h != null && !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT)).toList();
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.Set<String> repeated = new java.util.HashSet<>();
        for (String h : lower) {
            if (!seen.add(h)) {
                repeated.add(h);
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i);
            if (h == null || h.isEmpty()) {
                names.add("_c" + i);
            } else if (repeated.contains(h.toLowerCase(Locale.ROOT))) {
                names.add(h + i);
            } else {
                names.add(h);
            }
        }
        return names;
    }

    private static String shown(List<String> cells) {
        return InputColumns.shown(cells.stream().map(c -> c == null ? "" : c).toList());
    }

    /** The file's lines, decompressed if its name says so (as Spark does), UTF-8 with bad bytes replaced (as Spark does). */
    private static BufferedReader reader(FileSystem fs, Configuration conf, InputFiles.InputFile file) throws IOException {
        InputStream in = fs.open(file.status().getPath());
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file.status().getPath());
        if (codec != null) {
            in = codec.createInputStream(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** A parser for a header line: room for as many cells as it has commas, plus one. */
    private static CsvParser headerParser(String line) {
        int commas = 0;
        for (int i = 0; i < line.length(); i++) {
            commas += line.charAt(i) == ',' ? 1 : 0;
        }
        return parser(Math.max(512, commas + 1));
    }

    /** Univocity's CSV parser set as Spark's CSV reader sets it by default ({@code CSVOptions.asParserSettings}). */
    private static CsvParser parser(int maxColumns) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.getFormat().setDelimiter(',');
        settings.getFormat().setQuote('"');
        settings.getFormat().setQuoteEscape('\\');
        settings.setCommentProcessingEnabled(false);
        settings.setIgnoreLeadingWhitespaces(false);
        settings.setIgnoreTrailingWhitespaces(false);
        settings.setReadInputOnSeparateThread(false);
        settings.setMaxColumns(maxColumns);
        settings.setNullValue("");
        settings.setEmptyValue("");
        settings.setMaxCharsPerColumn(-1);
        settings.setUnescapedQuoteHandling(UnescapedQuoteHandling.STOP_AT_DELIMITER);
        settings.setLineSeparatorDetectionEnabled(false);
        return new CsvParser(settings);
    }
}
