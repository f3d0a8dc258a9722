package dev.netdsl.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * How to score a DataFrame with one model: which columns go in, where the outputs go, the batch
 * size. An immutable value: every option returns a new {@code Scorer}; {@link #transform} does the
 * work. Made by {@link NetDslSpark#model}.
 */
public final class Scorer {
    /** Model copies already given to SparkContext.addFile/addArchive, by application id and path. */
    private static final java.util.Set<String> ADDED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path path;
    private final List<String> inputColumns;
    private final String outputColumn;
    private final String classColumn;
    private final int batchSize;
    private final boolean sharedPath;
    private final ModelCache.Sharing sharing;

    private Scorer(Path path, List<String> inputColumns, String outputColumn, String classColumn, int batchSize,
                   boolean sharedPath, ModelCache.Sharing sharing) {
        this.path = path;
        this.inputColumns = inputColumns;
        this.outputColumn = outputColumn;
        this.classColumn = classColumn;
        this.batchSize = batchSize;
        this.sharedPath = sharedPath;
        this.sharing = sharing;
    }

    static Scorer of(Path path) {
        return new Scorer(path, List.of("features"), "prediction", null, 1024, false, ModelCache.Sharing.SHARED);
    }

    /**
     * The model's input: one {@code array<float>} column (any numeric element type) holding an
     * example's values flat (an image {@code [1, 28, 28]} as 784 values, row-major), or several
     * numeric columns, one value each, in the model's input order. Default {@code features}.
     *
     * @throws IllegalArgumentException if no column is given or one is blank or repeated
     */
    public Scorer inputColumns(String... columns) {
        return new Scorer(path, checkedColumns(columns), outputColumn, classColumn, batchSize, sharedPath, sharing);
    }

    /** {@code columns} as a list, checked: at least one, none blank or repeated. */
    static List<String> checkedColumns(String... columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.length == 0) {
            throw new IllegalArgumentException("inputColumns: give one array column or the model's numeric input columns");
        }
        for (String c : columns) {
            Objects.requireNonNull(c, "column");
            if (c.isBlank()) {
                throw new IllegalArgumentException("inputColumns: a column name is blank in " + Arrays.toString(columns));
            }
        }
        if (Arrays.stream(columns).distinct().count() != columns.length) {
            throw new IllegalArgumentException("inputColumns: a column is named twice in " + Arrays.toString(columns));
        }
        return List.of(columns);
    }

    /** The new {@code array<float>} column for the model's outputs (flattened, row-major). Default {@code prediction}. */
    public Scorer outputColumn(String column) {
        return new Scorer(path, inputColumns, name("outputColumn", column), classColumn, batchSize, sharedPath, sharing);
    }

    /**
     * Also adds an {@code int} column with the index of each row's largest output (the predicted
     * class of a classifier; the first one on ties). Off by default.
     */
    public Scorer classColumn(String column) {
        return new Scorer(path, inputColumns, outputColumn, name("classColumn", column), batchSize, sharedPath, sharing);
    }

    /**
     * Rows per {@code predict} call; a partition's last batch may be smaller. Default 1024.
     *
     * @throws IllegalArgumentException if {@code rows} is less than 1
     */
    public Scorer batchSize(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("batchSize " + rows + " must be at least 1 (1024 is a good start)");
        }
        return new Scorer(path, inputColumns, outputColumn, classColumn, rows, sharedPath, sharing);
    }

    /**
     * The model path is readable at the same place on every executor (a shared file system, or
     * {@code local[*]}): executors open it there instead of getting a copy through
     * {@code SparkContext.addFile}.
     */
    public Scorer sharedPath() {
        return new Scorer(path, inputColumns, outputColumn, classColumn, batchSize, true, sharing);
    }

    /** How task threads share an executor's model; package-private, for the benchmark. */
    Scorer sharing(ModelCache.Sharing how) {
        return new Scorer(path, inputColumns, outputColumn, classColumn, batchSize, sharedPath, Objects.requireNonNull(how));
    }

    private static String name(String what, String column) {
        Objects.requireNonNull(column, what);
        if (column.isBlank()) {
            throw new IllegalArgumentException(what + ": the column name is blank");
        }
        return column;
    }

    /**
     * {@code data} with the output column (and the class column) appended to every row; lazy, like
     * every Spark transformation. Checked here, before any row is read: the model opens (on the
     * driver), the input columns exist and are numeric, their count fits the model, the new columns
     * don't exist yet. Checked per row while scoring (the job then fails naming the row): no nulls,
     * an array of exactly the model's input size.
     *
     * @throws IllegalArgumentException naming the column or file, if any up-front check fails
     */
    public Dataset<Row> transform(Dataset<Row> data) {
        return transform(data, null);
    }

    Dataset<Row> transform(Dataset<Row> data, LongAccumulator rowsScored) {
        Objects.requireNonNull(data, "data");
        StructType schema = data.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        int[] indexes = indexes(schema, inputColumns);
        for (String added : classColumn == null ? List.of(outputColumn) : List.of(outputColumn, classColumn)) {
            if (names.contains(added)) {
                throw new IllegalArgumentException("the DataFrame already has a column '" + added + "'; pick another name with "
                        + (added.equals(outputColumn) ? "outputColumn" : "classColumn") + "(...) or drop it first");
            }
        }
        if (classColumn != null && classColumn.equals(outputColumn)) {
            throw new IllegalArgumentException("outputColumn and classColumn are both '" + outputColumn + "'; give them two names");
        }
        boolean array = arrayInput(schema, indexes, inputColumns);

        Path model = path.toAbsolutePath().normalize();
        if (!Files.exists(model)) {
            throw new IllegalArgumentException("model " + path + " does not exist; give a file written by Model.saveAll or a "
                    + "SavedModel directory written by Model.exportSavedModel");
        }
        String key = ModelFiles.hash(model);
        SparkContext sc = data.sparkSession().sparkContext();
        int[] sizes = inspect(model, key, sc, m -> new int[] {m.inputSize(), m.outputSize()});
        int inputSize = sizes[0];
        int outputSize = sizes[1];
        if (!array && indexes.length != inputSize) {
            throw new IllegalArgumentException("the model takes " + inputSize + " values per row but " + indexes.length
                    + " input column" + (indexes.length == 1 ? " was" : "s were") + " given " + inputColumns
                    + "; give one array column of " + inputSize + " values or " + inputSize + " numeric columns");
        }

        PartitionScorer.Source source;
        if (sharedPath) {
            source = new PartitionScorer.Source(key, null, model.toString());
        } else {
            Path staged = ModelFiles.stage(model, key, stagingDir(sc));
            staged.getParent().toFile().deleteOnExit();   // the copy, then its folder (deleteOnExit runs in reverse order)
            staged.toFile().deleteOnExit();
            // Once per application: Spark warns about (and ignores) a second addFile of the same path.
            if (ADDED.add(sc.applicationId() + "/" + staged)) {
                if (Files.isDirectory(model)) {
                    sc.addArchive(staged.toString());
                } else {
                    sc.addFile(staged.toString());
                }
            }
            source = new PartitionScorer.Source(key, staged.getFileName().toString(), null);
        }

        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        fields.add(DataTypes.createStructField(outputColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false));
        if (classColumn != null) {
            fields.add(DataTypes.createStructField(classColumn, DataTypes.IntegerType, false));
        }
        StructType out = DataTypes.createStructType(fields);
        PartitionScorer scorer = new PartitionScorer(source, sharing, indexes, inputColumns.toArray(String[]::new), array,
                inputSize, outputSize, classColumn != null, batchSize, rowsScored);
        return data.mapPartitions(scorer, Encoders.row(out));
    }

    /**
     * {@code read} applied to the model at {@code model} (content hash {@code key}), opened on the
     * driver: through the cache when the driver is the executor ({@code local[*]}), so tasks reuse it;
     * otherwise opened and closed again.
     */
    static <T> T inspect(Path model, String key, SparkContext sc, java.util.function.Function<ScoringModel, T> read) {
        if (sc.isLocal()) {
            return read.apply(ModelCache.get(key, ModelCache.Sharing.SHARED, () -> ScoringModel.open(model)).model());
        }
        try (ScoringModel m = ScoringModel.open(model)) {
            return read.apply(m);
        }
    }


    /** The positions of {@code columns} in {@code schema}, each checked to exist. */
    static int[] indexes(StructType schema, List<String> columns) {
        return indexes(schema, columns, "input column");
    }

    /** The positions of {@code columns} in {@code schema}, each checked to exist; {@code what} names them in the error. */
    static int[] indexes(StructType schema, List<String> columns, String what) {
        List<String> names = Arrays.asList(schema.fieldNames());
        int[] indexes = new int[columns.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = column(schema, names, columns.get(i), what);
        }
        return indexes;
    }

    /**
     * True if the input columns at {@code indexes} are one array column of numbers, false if they are numeric columns;
     * anything else is refused, naming the column.
     */
    static boolean arrayInput(StructType schema, int[] indexes, List<String> inputColumns) {
        boolean array = indexes.length == 1 && schema.fields()[indexes[0]].dataType() instanceof ArrayType;
        for (int i = 0; i < indexes.length; i++) {
            DataType type = schema.fields()[indexes[i]].dataType();
            boolean ok = array ? ((ArrayType) type).elementType() instanceof NumericType : type instanceof NumericType;
            if (!ok) {
                throw new IllegalArgumentException("input column '" + inputColumns.get(i) + "' is " + type.simpleString()
                        + "; give one array column of numbers (e.g. array<float>) or numeric columns"
                        + (indexes.length > 1 && type instanceof ArrayType ? " (an array column must be the only input column)" : ""));
            }
        }
        return array;
    }

    private static int column(StructType schema, List<String> names, String name, String what) {
        int i = names.indexOf(name);
        if (i >= 0) {
            return i;
        }
        String other = names.stream().filter(n -> n.equalsIgnoreCase(name)).findFirst().orElse(null);
        throw new IllegalArgumentException(what + " '" + name + "' is not in the DataFrame"
                + (other != null ? " (it has '" + other + "': names are case-sensitive here)" : "")
                + "; its columns are " + schema.simpleString().replaceFirst("^struct<", "[").replaceFirst(">$", "]"));
    }

    /** Where the driver stages model copies for Spark: a folder under Spark's local directory. */
    private static Path stagingDir(SparkContext sc) {
        String local = sc.getConf().get("spark.local.dir", System.getProperty("java.io.tmpdir")).split(",")[0];
        return Path.of(local, "netdsl-spark-models-" + sc.applicationId());
    }

    @Override
    public String toString() {
        return "NetDslSpark.model(" + path + ").inputColumns(" + String.join(", ", inputColumns) + ").outputColumn("
                + outputColumn + ")" + (classColumn == null ? "" : ".classColumn(" + classColumn + ")") + ".batchSize("
                + batchSize + ")" + (sharedPath ? ".sharedPath()" : "");
    }
}
