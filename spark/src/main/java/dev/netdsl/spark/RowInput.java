package dev.netdsl.spark;

import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;

/**
 * How a Spark row becomes a model's input: one array column or several numeric columns, checked (no nulls, the
 * right number of values), with errors that name the column and the row. Scoring and training read rows through it.
 *
 * @param indexes the input columns' positions in the row
 * @param names the input columns' names
 * @param array true if the input is one array column
 * @param size the values per row the model takes
 */
record RowInput(int[] indexes, String[] names, boolean array, int size) implements Serializable {
    /** The row's model input, checked: no nulls, the right number of values. */
    float[] features(Row row, Supplier<String> where) {
        float[] x = new float[size];
        if (array) {
            int c = indexes[0];
            if (row.isNullAt(c)) {
                throw bad(row, where, "column '" + names[0] + "' is null",
                        "drop or fill such rows first (e.g. df.na().drop())");
            }
            Object raw = row.get(c);
            int length = length(raw);
            if (length != size) {
                throw bad(row, where, "column '" + names[0] + "' has " + length + " values but the model takes "
                        + size + " per row", "");
            }
            int nullAt = copy(raw, x);
            if (nullAt >= 0) {
                throw bad(row, where, "column '" + names[0] + "' has a null at position " + nullAt,
                        "fill it first");
            }
        } else {
            for (int j = 0; j < indexes.length; j++) {
                int c = indexes[j];
                if (row.isNullAt(c)) {
                    throw bad(row, where, "column '" + names[j] + "' is null",
                            "drop or fill such rows first (e.g. df.na().drop())");
                }
                x[j] = ((Number) row.get(c)).floatValue();
            }
        }
        return x;
    }

    private BadRow bad(Row row, Supplier<String> where, String problem, String advice) {
        StringBuilder others = new StringBuilder();
        for (int i = 0; i < row.length() && others.length() < 200; i++) {
            boolean input = false;
            for (int c : indexes) {
                input |= c == i;
            }
            if (!input) {
                others.append(others.length() == 0 ? "" : ", ").append(row.schema() == null ? "#" + i : row.schema().fieldNames()[i])
                        .append('=').append(row.get(i));
            }
        }
        return new BadRow(where.get() + " (counting from 0"
                + (others.length() == 0 ? "" : "; its other columns: " + others) + ")", problem, advice);
    }

    /**
     * A row the model can't take: {@link #where()} it is, {@link #problem()} what is wrong with it; the message
     * adds what to do about it in Java. The score command says what to do on the command line instead.
     */
    static final class BadRow extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String where;
        private final String problem;

        BadRow(String where, String problem, String advice) {
            super(where + ": " + problem + (advice.isEmpty() ? "" : "; " + advice));
            this.where = where;
            this.problem = problem;
        }

        /** Where the row is: "row 1 of partition 0 (counting from 0; its other columns: id=y)". */
        String where() {
            return where;
        }

        /** What is wrong with it: "column 'x' is null". */
        String problem() {
            return problem;
        }
    }

    /** The number of values in an array column's value: a Java array (Spark may hand over what a map made), a Scala or Java list. */
    static int length(Object array) {
        if (array instanceof scala.collection.Seq<?> seq) {
            return seq.length();
        }
        if (array instanceof java.util.List<?> list) {
            return list.size();
        }
        if (array != null && array.getClass().isArray()) {
            return java.lang.reflect.Array.getLength(array);
        }
        throw new IllegalArgumentException("not an array: " + (array == null ? "null" : array.getClass().getName()));
    }

    /** Copies the numbers of {@code array} into {@code x} as floats; returns the position of a null, or -1. */
    static int copy(Object array, float[] x) {
        if (array instanceof scala.collection.mutable.ArraySeq<?> seq) {
            array = seq.array();
        } else if (array instanceof scala.collection.immutable.ArraySeq<?> seq) {
            array = seq.unsafeArray();
        }
        if (array instanceof float[] f) {
            System.arraycopy(f, 0, x, 0, x.length);
            return -1;
        }
        if (array instanceof double[] d) {
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) d[j];
            }
            return -1;
        }
        if (array instanceof Object[] boxed) {
            for (int j = 0; j < x.length; j++) {
                if (boxed[j] == null) {
                    return j;
                }
                x[j] = ((Number) boxed[j]).floatValue();
            }
            return -1;
        }
        if (array instanceof scala.collection.Seq<?> seq) {
            scala.collection.Iterator<?> it = seq.iterator();
            for (int j = 0; j < x.length; j++) {
                Object v = it.next();
                if (v == null) {
                    return j;
                }
                x[j] = ((Number) v).floatValue();
            }
            return -1;
        }
        if (array instanceof java.util.List<?> list) {
            for (int j = 0; j < x.length; j++) {
                Object v = list.get(j);
                if (v == null) {
                    return j;
                }
                x[j] = ((Number) v).floatValue();
            }
            return -1;
        }
        // Other primitive arrays (int[], long[], short[], byte[]).
        for (int j = 0; j < x.length; j++) {
            x[j] = ((Number) java.lang.reflect.Array.get(array, j)).floatValue();
        }
        return -1;
    }

}
