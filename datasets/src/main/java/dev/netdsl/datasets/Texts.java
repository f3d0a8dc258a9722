package dev.netdsl.datasets;

import dev.netdsl.Dataset;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Short texts with a class each, e.g. quotes and where they come from: read from a CSV's text and label
 * columns ({@link #csv}), and made a {@link Dataset} of token id sequences by a {@link Tokenizer}.
 *
 * @param texts the texts
 * @param labels each text's class, 0-based, in the order of {@code classNames}
 * @param classNames the classes, sorted
 */
public record Texts(List<String> texts, int[] labels, List<String> classNames) {
    /** Copies the lists. */
    public Texts {
        texts = List.copyOf(texts);
        labels = labels.clone();
        classNames = List.copyOf(classNames);
    }

    /**
     * The texts of column {@code textColumn} of a CSV file with a header, classed by column {@code labelColumn}
     * (any text; the distinct values, sorted, are the classes).
     *
     * @throws IllegalArgumentException naming the file, line and column for a missing column or an empty cell
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Texts csv(Path file, String textColumn, String labelColumn) {
        List<String> texts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
                for (String column : new String[] {textColumn, labelColumn}) {
                    if (!r.isMapped(column)) {
                        throw new IllegalArgumentException("Texts.csv " + file + ": no column \"" + column + "\"; the header has "
                                + r.getParser().getHeaderNames());
                    }
                    if (!r.isSet(column) || r.get(column).isBlank()) {
                        throw new IllegalArgumentException("Texts.csv " + file + " line " + (r.getRecordNumber() + 1) + ": column \""
                                + column + "\" is empty");
                    }
                }
                texts.add(r.get(textColumn));
                names.add(r.get(labelColumn));
            }
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("Texts.csv " + file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Texts.csv " + file + ": can't read it: " + e.getMessage(), e);
        }
        return of(texts, names);
    }

    /** {@code texts} classed by {@code names} (the distinct names, sorted, are the classes). */
    public static Texts of(List<String> texts, List<String> names) {
        Objects.requireNonNull(texts, "texts");
        if (texts.size() != names.size() || texts.isEmpty()) {
            throw new IllegalArgumentException("Texts.of: " + texts.size() + " texts and " + names.size() + " class names; give one"
                    + " name per text, at least one");
        }
        List<String> classes = new ArrayList<>(new TreeSet<>(names));
        int[] labels = new int[names.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = classes.indexOf(names.get(i));
        }
        return new Texts(texts, labels, classes);
    }

    /** The texts as {@code length}-long token id sequences (cut or padded) with their classes and class names. */
    public Dataset dataset(Tokenizer tokenizer, int length) {
        int[] ids = new int[texts.size() * length];
        for (int i = 0; i < texts.size(); i++) {
            System.arraycopy(tokenizer.encode(texts.get(i), length), 0, ids, i * length, length);
        }
        return Dataset.ofTokens(ids, length).withLabels(labels).withClassNames(classNames);
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }
}
