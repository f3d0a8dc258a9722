package dev.netdsl.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;

/**
 * The files of {@code netdsl score}'s input as Spark finds them (a file, or a directory's files at any depth,
 * without Spark's hidden ones: names starting with {@code _} or {@code .}), each with the name a message gives
 * it, and a Parquet input's columns, read from a file's footer without Spark.
 */
final class InputFiles {
    /** One file of the input, and its name for messages: the input as given, or the input / the file's relative path. */
    record InputFile(FileStatus status, String name) {
    }

    private final List<InputFile> files;
    private final boolean partitioned;

    private InputFiles(List<InputFile> files, boolean partitioned) {
        this.files = files;
        this.partitioned = partitioned;
    }

    /** The files of {@code input} (as the user gave it; {@code root} is its path) on {@code fs}, sorted by name. */
    static InputFiles list(FileSystem fs, Path root, String input) {
        try {
            FileStatus top;
            try {
                top = fs.getFileStatus(root);
            } catch (FileNotFoundException e) {
                throw new BadInput("--input " + input + " does not exist");
            }
            if (top.isFile()) {
                return new InputFiles(List.of(new InputFile(top, input)), false);
            }
            List<FileStatus> found = new ArrayList<>();
            boolean partitioned = walk(fs, top.getPath(), found);
            found.sort(Comparator.comparing(s -> s.getPath().toString()));
            java.net.URI base = top.getPath().toUri();
            String prefix = input.endsWith("/") ? input : input + "/";
            List<InputFile> files = new ArrayList<>();
            for (FileStatus s : found) {
                files.add(new InputFile(s, prefix + base.relativize(s.getPath().toUri()).getPath()));
            }
            return new InputFiles(files, partitioned);
        } catch (IOException e) {
            throw new UncheckedIOException("can't list --input " + input + ": " + e.getMessage(), e);
        }
    }

    /** Adds the data files under {@code dir} to {@code found}; true if a folder is a partition (name=value). */
    private static boolean walk(FileSystem fs, Path dir, List<FileStatus> found) throws IOException {
        boolean partitioned = false;
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_") && !name.contains("=") || name.endsWith("._COPYING_")) {
                continue;
            }
            if (s.isDirectory()) {
                partitioned |= name.contains("=");
                partitioned |= walk(fs, s.getPath(), found);
            } else {
                found.add(s);
            }
        }
        return partitioned;
    }

    List<InputFile> files() {
        return files;
    }

    /**
     * True if a folder is named like a partition ({@code year=2024}): Spark then adds a column per level that
     * no file holds, so only Spark can say what the columns are.
     */
    boolean partitioned() {
        return partitioned;
    }

    /**
     * The columns Spark reads from a Parquet input, from the footer of its first file; null if this Spark can't
     * be asked without a session (then Spark's own schema is checked once it runs).
     *
     * @throws BadInput if the input has no file, or its first file is not Parquet
     */
    StructType parquetSchema(Configuration conf, String input) {
        if (files.isEmpty()) {
            throw new BadInput("--input " + input + " has no files; give a Parquet file or a directory of them");
        }
        InputFile first = files.get(0);
        MessageType schema;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(first.status(), conf))) {
            schema = reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new BadInput(first.name() + " is not a Parquet file (" + why + "); give a Parquet file or directory, or a "
                    + "CSV file with a header line (*.csv, or --input-format csv)", e);
        }
        try {
            // Spark's settings as they are without a session (SQLConf.get): the defaults, or those of the session there is.
            return new ParquetToSparkSchemaConverter(SQLConf.get()).convert(schema);
        } catch (LinkageError | RuntimeException e) {
            return null;   // another Spark version's converter: Spark's session reads the schema instead
        }
    }
}
