package dev.netdsl.apps;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The key numbers of {@code index.html} ({@link AllExamples}): an example's {@code metrics.json} as HTML tables,
 * never as JSON text, each number formatted as a reader wants it, long lists summed up in a line.
 */
final class MetricsTables {
    private MetricsTables() {
    }

    /** Lists of more values than this are summed up in a line, not spelled out (they are drawn in the figures). */
    private static final int LONG = 12;

    /**
     * metrics.json as tables, never as JSON text: numbers, words, short lists and small records of them in one
     * two-column table; each list of records (a row per record) and each record holding records in a table of its own,
     * records of records with the same fields as one table with a row each.
     */
    static String numbers(JsonNode m) {
        StringBuilder rows = new StringBuilder();
        StringBuilder tables = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            JsonNode v = f.getValue();
            if (flat(v)) {
                rows.append("<tr><th>").append(esc(key)).append("</th>").append(v.isArray() ? "<td>" + list(key, v) + "</td>"
                        : cell(key, v)).append("</tr>\n");
            } else {
                tables.append(table(key, v));
            }
        }
        return "<table>\n" + rows + "</table>\n" + tables;
    }

    /** A value that fits a cell of the main table: a number or word, a list of them, or a record of those. */
    private static boolean flat(JsonNode v) {
        if (v.isValueNode() || v.isArray() && !hasRecords(v)) {
            return true;
        }
        if (v.isObject()) {
            for (JsonNode x : v) {
                if (!x.isValueNode() && !(x.isArray() && !hasRecords(x))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean hasRecords(JsonNode array) {
        for (JsonNode x : array) {
            if (x.isObject()) {
                return true;
            }
        }
        return false;
    }

    /** A captioned table of a list of records, a record of records, or any other record. */
    private static String table(String key, JsonNode v) {
        StringBuilder t = new StringBuilder("<table class=\"grid\"><caption>").append(esc(key)).append("</caption>\n");
        if (v.isArray()) {
            List<String> cols = columns(v);
            t.append(header(cols, null));
            for (JsonNode row : v) {
                t.append("<tr>");
                cols.forEach(c -> t.append(cell(c, row.path(c))));
                t.append("</tr>\n");
            }
        } else if (sameFields(v)) {
            // {"logistic": {"final_loss": .., "accuracy": ..}, "two-layer": {...}}: a row per name.
            List<String> cols = columns(v);
            t.append(header(cols, ""));
            v.fields().forEachRemaining(e -> {
                t.append("<tr><th>").append(esc(e.getKey())).append("</th>");
                cols.forEach(c -> t.append(cell(c, e.getValue().path(c))));
                t.append("</tr>\n");
            });
        } else {
            v.fields().forEachRemaining(e -> t.append("<tr><th>").append(esc(e.getKey())).append("</th>")
                    .append(cell(e.getKey(), e.getValue())).append("</tr>\n"));
        }
        return t.append("</table>\n").toString();
    }

    /** The fields of the records in {@code v} (a list or a record of records), in the order they first appear. */
    private static List<String> columns(JsonNode v) {
        java.util.LinkedHashSet<String> cols = new java.util.LinkedHashSet<>();
        v.forEach(r -> r.fieldNames().forEachRemaining(cols::add));
        return new ArrayList<>(cols);
    }

    private static String header(List<String> cols, String corner) {
        StringBuilder t = new StringBuilder("<tr>");
        if (corner != null) {
            t.append("<th>").append(esc(corner)).append("</th>");
        }
        cols.forEach(c -> t.append("<th>").append(esc(c)).append("</th>"));
        return t.append("</tr>\n").toString();
    }

    /** True for a record whose values are all records with the same fields. */
    private static boolean sameFields(JsonNode v) {
        if (!v.isObject() || v.size() < 2) {
            return false;
        }
        List<String> first = null;
        for (JsonNode x : v) {
            if (!x.isObject()) {
                return false;
            }
            List<String> names = new ArrayList<>();
            x.fieldNames().forEachRemaining(names::add);
            if (first == null) {
                first = names;
            } else if (!first.equals(names)) {
                return false;
            }
        }
        return true;
    }

    /** A table cell for {@code v} (named {@code key}): numbers right-aligned, records as a table inside the cell. */
    private static String cell(String key, JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "<td></td>";
        }
        if (v.isNumber()) {
            return "<td class=\"num\">" + esc(format(key, v)) + "</td>";
        }
        return "<td>" + inline(key, v) + "</td>";
    }

    /** {@code v} as HTML inside a cell. */
    private static String inline(String key, JsonNode v) {
        if (v.isValueNode()) {
            return esc(format(key, v));
        }
        if (v.isObject()) {
            StringBuilder t = new StringBuilder("<table class=\"inner\">");
            v.fields().forEachRemaining(e -> t.append("<tr><th>").append(esc(e.getKey())).append("</th><td>")
                    .append(inline(e.getKey(), e.getValue())).append("</td></tr>"));
            return t.append("</table>").toString();
        }
        return "[" + list(key, v) + "]";
    }

    /** A list's items, separated by commas (a list in a list in brackets); a long one summed up. */
    private static String list(String key, JsonNode v) {
        int values = 0;
        for (JsonNode x : v) {
            values += x.isArray() ? x.size() : 1;
        }
        if (values > LONG) {
            return esc(summary(key, v));
        }
        List<String> items = new ArrayList<>();
        v.forEach(x -> items.add(inline(key, x)));
        return String.join(", ", items);
    }

    /** A long list in a line: {@code 50 values, from 0.4813 to 0.01534}, or {@code 10 rows of 10 values}. */
    private static String summary(String key, JsonNode v) {
        if (v.get(0).isArray()) {
            return v.size() + " rows of " + v.get(0).size() + " values (in metrics.json; drawn in the figures)";
        }
        return v.size() + " values, from " + format(key, v.get(0)) + " to " + format(key, v.get(v.size() - 1)) + " (in metrics.json)";
    }

    /**
     * A number as a reader wants it: times ({@code seconds}, {@code seconds_per_epoch}) to the hundredth, rates per
     * second whole, accuracies as percentages, anything else to six significant digits without trailing zeros.
     */
    static String format(String key, JsonNode v) {
        if (!v.isNumber()) {
            return v.asText();
        }
        double d = v.asDouble();
        if (key.equals("seconds") || key.startsWith("seconds_") || key.endsWith("_seconds")) {
            return String.format(Locale.ROOT, "%.2f", d);
        }
        if (key.endsWith("_per_second")) {
            return String.format(Locale.ROOT, "%,.0f", d);
        }
        if (key.endsWith("accuracy") && d >= 0 && d <= 1) {
            return String.format(Locale.ROOT, "%.1f%%", 100 * d);
        }
        if (!v.isFloatingPointNumber()) {
            return Math.abs(v.asLong()) >= 10_000 ? String.format(Locale.ROOT, "%,d", v.asLong()) : v.asText();
        }
        String s = d != 0 && (Math.abs(d) < 1e-3 || Math.abs(d) >= 1e6) ? String.format(Locale.ROOT, "%.4e", d)
                : String.format(Locale.ROOT, "%.6g", d);
        // Drop trailing zeros of the mantissa: 0.0500000 -> 0.05, 1.0000e-04 -> 1e-04.
        return s.replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
