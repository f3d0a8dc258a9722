package dev.netdsl.training;

import dev.netdsl.internal.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the epochs' numbers to a CSV file during {@code fit}, like Keras's {@code CSVLogger}: a header
 * ({@code epoch,loss,accuracy,val_loss,...,lr,seconds}) and one row per epoch, the file rewritten
 * atomically after each epoch, so it is always whole and a resumed fit continues it. Put it after
 * callbacks that add numbers to the epoch's logs.
 */
public final class CsvLogger implements Callback {
    private final Path path;

    private CsvLogger(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    /** Logs to {@code path}, replacing what is there. */
    public static CsvLogger to(Path path) {
        return new CsvLogger(path);
    }

    /** The file it writes. */
    public Path path() {
        return path;
    }

    @Override
    public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> logs) {
        AtomicFiles.write(path, csv(run.history()).getBytes(StandardCharsets.UTF_8));
    }

    /** The CSV text of {@code epochs}: the union of their keys as columns, empty cells for missing numbers. */
    static String csv(List<Map<String, Double>> epochs) {
        Set<String> columns = new LinkedHashSet<>();
        epochs.forEach(e -> columns.addAll(e.keySet()));
        StringBuilder s = new StringBuilder("epoch");
        columns.forEach(c -> s.append(',').append(c));
        s.append('\n');
        for (int i = 0; i < epochs.size(); i++) {
            s.append(i + 1);
            for (String c : columns) {
                Double v = epochs.get(i).get(c);
                s.append(',');
                if (v != null) {
                    s.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf(v.longValue()) : Double.toString(v));
                }
            }
            s.append('\n');
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "CsvLogger(" + path + ")";
    }
}
