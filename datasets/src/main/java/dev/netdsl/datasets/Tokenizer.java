package dev.netdsl.datasets;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Text as int token ids for an embedding, with a vocabulary built from training text: characters
 * ({@link #characters}) or lower-cased words split on whitespace and punctuation ({@link #words}). Id 0 is
 * padding ({@code <pad>}) and id 1 stands for anything not in the vocabulary ({@code <unk>}); the others
 * follow in a fixed order (characters by code point; words by falling count, then alphabetically), so the
 * same text always gives the same vocabulary. Immutable.
 */
public final class Tokenizer {
    /** The padding id. */
    public static final int PAD = 0;
    /** The id of an unknown token. */
    public static final int UNKNOWN = 1;

    private final boolean chars;
    private final List<String> vocabulary;
    private final Map<String, Integer> ids = new HashMap<>();

    private Tokenizer(boolean chars, List<String> tokens) {
        this.chars = chars;
        List<String> v = new ArrayList<>(List.of("<pad>", "<unk>"));
        v.addAll(tokens);
        this.vocabulary = Collections.unmodifiableList(v);
        for (int i = 0; i < v.size(); i++) {
            ids.put(v.get(i), i);
        }
    }

    /** One token per character of {@code text} (by code point, so emoji stay whole). */
    public static Tokenizer characters(String text) {
        Objects.requireNonNull(text, "text");
        TreeSet<Integer> seen = new TreeSet<>();
        text.codePoints().forEach(seen::add);
        List<String> tokens = new ArrayList<>();
        seen.forEach(c -> tokens.add(new String(Character.toChars(c))));
        return new Tokenizer(true, tokens);
    }

    /**
     * One token per word of {@code texts} seen at least {@code minCount} times, at most {@code maxWords} of the
     * commonest (words are lower-cased runs of letters and digits; punctuation marks are words of their own).
     *
     * @throws IllegalArgumentException if {@code minCount < 1} or {@code maxWords < 1}
     */
    public static Tokenizer words(List<String> texts, int minCount, int maxWords) {
        Objects.requireNonNull(texts, "texts");
        if (minCount < 1 || maxWords < 1) {
            throw new IllegalArgumentException("Tokenizer.words(texts, " + minCount + ", " + maxWords + "): both counts must be at"
                    + " least 1");
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String t : texts) {
            for (String w : split(t)) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<String> kept = new ArrayList<>();
        counts.forEach((w, n) -> {
            if (n >= minCount) {
                kept.add(w);
            }
        });
        kept.sort((a, b) -> counts.get(b).equals(counts.get(a)) ? a.compareTo(b) : counts.get(b) - counts.get(a));
        return new Tokenizer(false, kept.subList(0, Math.min(maxWords, kept.size())));
    }

    /** The words of {@code text} as {@link #words} splits them. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '\'') {
                word.appendCodePoint(c);
                return;
            }
            if (word.length() > 0) {
                out.add(word.toString());
                word.setLength(0);
            }
            if (!Character.isWhitespace(c)) {
                out.add(new String(Character.toChars(c)));
            }
        });
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }

    /** The ids of {@code text}'s tokens, unknown ones as {@link #UNKNOWN}. */
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        List<String> tokens = new ArrayList<>();
        if (chars) {
            text.codePoints().forEach(c -> tokens.add(new String(Character.toChars(c))));
        } else {
            tokens.addAll(split(text));
        }
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.getOrDefault(tokens.get(i), UNKNOWN);
        }
        return out;
    }

    /** {@link #encode} cut or padded (with {@link #PAD} at the end) to exactly {@code length} ids. */
    public int[] encode(String text, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("encode(text, " + length + "): the length must be at least 1");
        }
        return java.util.Arrays.copyOf(encode(text), length);
    }

    /** The text of {@code ids}: characters joined, words joined by spaces; padding left out. */
    public String decode(int[] ids) {
        StringBuilder s = new StringBuilder();
        for (int id : ids) {
            if (id == PAD) {
                continue;
            }
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException("decode: id " + id + " is outside the vocabulary of " + vocabulary.size());
            }
            if (!chars && s.length() > 0) {
                s.append(' ');
            }
            s.append(vocabulary.get(id));
        }
        return s.toString();
    }

    /** The number of ids, padding and unknown included: an embedding's {@code numEmbeddings}. */
    public int size() {
        return vocabulary.size();
    }

    /** Each id's token, {@code <pad>} and {@code <unk>} first. */
    public List<String> vocabulary() {
        return vocabulary;
    }

    @Override
    public String toString() {
        return "Tokenizer[" + (chars ? "characters" : "words") + ", " + vocabulary.size() + " ids]";
    }
}
