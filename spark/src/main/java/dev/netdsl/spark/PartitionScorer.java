package dev.netdsl.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * What a Spark task runs: reads its partition's rows in batches, predicts each batch with the
 * executor's cached model and gives every input row back with the outputs (and the arg-max class)
 * appended. Serialised to executors, so it holds only names and numbers, never a model.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;

    /** Where executors find the model: a file Spark distributed (by name) or a path they all can read. */
    record Source(String key, String sparkFileName, String sharedPath) implements Serializable {
        Path resolve() {
            return sharedPath != null ? Path.of(sharedPath) : Path.of(SparkFiles.get(sparkFileName));
        }
    }

    private final Source source;
    private final ModelCache.Sharing sharing;
    private final int[] inputIndexes;
    private final String[] inputNames;
    private final boolean arrayInput;
    private final int inputSize;
    private final int outputSize;
    private final boolean classColumn;
    private final int batchSize;
    private final LongAccumulator rowsScored;

    PartitionScorer(Source source, ModelCache.Sharing sharing, int[] inputIndexes, String[] inputNames, boolean arrayInput,
                    int inputSize, int outputSize, boolean classColumn, int batchSize, LongAccumulator rowsScored) {
        this.source = source;
        this.sharing = sharing;
        this.inputIndexes = inputIndexes;
        this.inputNames = inputNames;
        this.arrayInput = arrayInput;
        this.inputSize = inputSize;
        this.outputSize = outputSize;
        this.classColumn = classColumn;
        this.batchSize = batchSize;
        this.rowsScored = rowsScored;
    }

    /** The model for this JVM, opened on first use and shared by every later task. */
    ModelCache.Entry model() {
        return ModelCache.get(source.key(), sharing, () -> ScoringModel.open(source.resolve()));
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows;
        }
        ModelCache.Entry model = model();
        if (model.model().inputSize() != inputSize || model.model().outputSize() != outputSize) {
            throw new IllegalStateException(model.model().describe() + " takes " + model.model().inputSize() + " and gives "
                    + model.model().outputSize() + " values on this executor, but the driver saw " + inputSize + " and "
                    + outputSize + "; give every executor the same model file");
        }
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        return new Iterator<>() {
            private final Row[] batch = new Row[batchSize];
            private final float[][] x = new float[batchSize][];
            private float[][] y;
            private int size;
            private int next;
            private long rowInPartition;

            @Override
            public boolean hasNext() {
                if (next < size) {
                    return true;
                }
                size = 0;
                next = 0;
                while (size < batchSize && rows.hasNext()) {
                    Row row = rows.next();
                    batch[size] = row;
                    x[size] = features(row, partition, rowInPartition++);
                    size++;
                }
                if (size == 0) {
                    return false;
                }
                float[][] in = size == batchSize ? x : java.util.Arrays.copyOf(x, size);
                y = model.predict(in);
                if (rowsScored != null) {
                    rowsScored.add(size);
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row row = batch[next];
                float[] out = y[next];
                batch[next] = null;
                next++;
                int n = row.length();
                Object[] values = new Object[n + (classColumn ? 2 : 1)];
                for (int i = 0; i < n; i++) {
                    values[i] = row.get(i);
                }
                values[n] = out;
                if (classColumn) {
                    values[n + 1] = argMax(out);
                }
                return RowFactory.create(values);
            }
        };
    }

    /** The row's model input, checked: no nulls, the right number of values. */
    float[] features(Row row, int partition, long index) {
        float[] x = new float[inputSize];
        if (arrayInput) {
            int c = inputIndexes[0];
            if (row.isNullAt(c)) {
                throw bad(row, partition, index, "column '" + inputNames[0] + "' is null",
                        "drop or fill such rows first (e.g. df.na().drop())");
            }
            Object raw = row.get(c);
            int length = length(raw);
            if (length != inputSize) {
                throw bad(row, partition, index, "column '" + inputNames[0] + "' has " + length + " values but the model takes "
                        + inputSize + " per row", "");
            }
            int nullAt = copy(raw, x);
            if (nullAt >= 0) {
                throw bad(row, partition, index, "column '" + inputNames[0] + "' has a null at position " + nullAt,
                        "fill it first");
            }
        } else {
            for (int j = 0; j < inputIndexes.length; j++) {
                int c = inputIndexes[j];
                if (row.isNullAt(c)) {
                    throw bad(row, partition, index, "column '" + inputNames[j] + "' is null",
                            "drop or fill such rows first (e.g. df.na().drop())");
                }
                x[j] = ((Number) row.get(c)).floatValue();
            }
        }
        return x;
    }

    private BadRow bad(Row row, int partition, long index, String problem, String advice) {
        StringBuilder others = new StringBuilder();
        for (int i = 0; i < row.length() && others.length() < 200; i++) {
            boolean input = false;
            for (int c : inputIndexes) {
                input |= c == i;
            }
            if (!input) {
                others.append(others.length() == 0 ? "" : ", ").append(row.schema() == null ? "#" + i : row.schema().fieldNames()[i])
                        .append('=').append(row.get(i));
            }
        }
        return new BadRow("row " + index + " of partition " + partition + " (counting from 0"
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

    static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best] || Float.isNaN(values[best]) && !Float.isNaN(values[i])) {
                best = i;
            }
        }
        return best;
    }
}
