package dev.netdsl.spark;

import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One local[2] Spark session for every test class in the JVM, and MNIST-shaped test data made from row ids. */
final class TestSpark {
    static final StructType IMAGES = DataTypes.createStructType(new org.apache.spark.sql.types.StructField[] {
        DataTypes.createStructField("id", DataTypes.LongType, false),
        DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)});

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        return SparkSession.builder().master("local[2]").appName("netdsl-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    /** {@code rows} MNIST-shaped rows (id, pixels: 784 floats in [0, 1], most of them 0), in {@code partitions} partitions. */
    static Dataset<Row> images(SparkSession spark, long rows, int partitions) {
        return spark.range(0, rows, 1, partitions).map(
                (MapFunction<Long, Row>) id -> RowFactory.create(id, pixels(id)), Encoders.row(IMAGES));
    }

    /** The pixels of row {@code id}: 784 values k/255, about 80% of them 0, the same for the same id. */
    static float[] pixels(long id) {
        SplittableRandom random = new SplittableRandom(id);
        float[] x = new float[784];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(5) == 0 ? random.nextInt(256) / 255f : 0f;
        }
        return x;
    }
}
