package dev.netdsl.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;

/**
 * The output of {@code netdsl score}: the scored rows written to a temporary folder beside {@code --out}
 * ({@code DIR.tmp-...}), deleted if the write fails or the JVM stops, and moved to {@code --out} once every row is
 * written; an existing output is moved aside first and deleted last, so no failure loses it.
 */
final class StagedOutput {
    private final FileSystem fs;
    private final Path target;
    private final PrintStream err;
    private final String tag = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private final Path staging;

    /** The staging folder for {@code target} on {@code fs}; warnings go to {@code err}. */
    StagedOutput(FileSystem fs, Path target, PrintStream err) {
        this.fs = fs;
        this.target = target;
        this.err = err;
        this.staging = new Path(target.getParent(), target.getName() + ".tmp-" + tag);
    }

    /** Writes {@code scored} as {@code format} (parquet or csv) to the staging folder, then moves it to the target. */
    void write(Dataset<Row> scored, String format) throws IOException {
        var writer = scored.write().mode(SaveMode.ErrorIfExists);
        fs.deleteOnExit(staging);   // also when the JVM is stopped (Ctrl-C) while Spark writes
        boolean written = false;
        try {
            if (format.equals("csv")) {
                writer.option("header", "true").csv(staging.toString());
            } else {
                writer.parquet(staging.toString());
            }
            written = true;
        } finally {
            if (!written) {
                fs.cancelDeleteOnExit(staging);
                try {
                    fs.delete(staging, true);
                } catch (IOException | RuntimeException e) {
                    err.println("netdsl score: warning: could not delete the temporary folder " + staging + " (" + e + ")");
                }
            }
        }
        replace();
    }

    /**
     * Moves the finished rows from {@code staging} to {@code target}: an existing target is moved aside
     * first and deleted last, and put back if the move fails, so no failure loses the previous output.
     */
    private void replace() throws IOException {
        fs.cancelDeleteOnExit(staging);   // from here on, a failure leaves the finished rows there, and says so
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(target.getParent(), target.getName() + ".old-" + tag);
            if (!fs.rename(target, old)) {
                throw new IOException("can't move the previous output " + target + " aside to " + old + "; it is as it was, and the "
                        + "new rows are in " + staging);
            }
        }
        // Hadoop's rename moves into an existing directory rather than failing: refuse one that appeared meanwhile.
        if (fs.exists(target) || !fs.rename(staging, target)) {
            boolean back = old != null && !fs.exists(target) && fs.rename(old, target);
            throw new IOException("can't move the new rows from " + staging + " to " + target + "; they are still in " + staging
                    + (old == null ? "" : back ? ", and the previous output is back in " + target
                            : ", and the previous output is in " + old));
        }
        if (old != null && !fs.delete(old, true)) {
            err.println("netdsl score: warning: could not delete the previous output, moved aside to " + old
                    + "; delete it yourself");
        }
    }

    /** CSV has no arrays: the output column becomes OUT_0, OUT_1, ... and other array columns text like [1.0, 2.0]. */
    static Dataset<Row> flattenForCsv(Dataset<Row> scored, String outputColumn, int outputs) {
        List<Column> cols = new ArrayList<>();
        for (StructField f : scored.schema().fields()) {
            if (f.name().equals(outputColumn)) {
                cols.add(null);
            } else if (f.dataType() instanceof ArrayType) {
                cols.add(functions.col(f.name()).cast("string").as(f.name()));
            } else {
                cols.add(functions.col(f.name()));
            }
        }
        List<Column> flat = new ArrayList<>();
        for (Column c : cols) {
            if (c == null) {
                for (int i = 0; i < outputs; i++) {
                    flat.add(functions.col(outputColumn).getItem(i).as(outputColumn + "_" + i));
                }
            } else {
                flat.add(c);
            }
        }
        return scored.select(flat.toArray(Column[]::new));
    }
}
