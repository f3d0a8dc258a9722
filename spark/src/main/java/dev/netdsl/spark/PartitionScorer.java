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
    private final RowInput input;
    private final int inputSize;
    private final int outputSize;
    private final boolean classColumn;
    private final int batchSize;
    private final LongAccumulator rowsScored;

    PartitionScorer(Source source, ModelCache.Sharing sharing, int[] inputIndexes, String[] inputNames, boolean arrayInput,
                    int inputSize, int outputSize, boolean classColumn, int batchSize, LongAccumulator rowsScored) {
        this.source = source;
        this.sharing = sharing;
        this.input = new RowInput(inputIndexes, inputNames, arrayInput, inputSize);
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
                    long index = rowInPartition++;
                    x[size] = input.features(row, () -> "row " + index + " of partition " + partition);
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
