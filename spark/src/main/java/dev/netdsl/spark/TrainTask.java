package dev.netdsl.spark;

import dev.netdsl.Dataset;
import dev.netdsl.Gradients;
import dev.netdsl.Model;
import dev.netdsl.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * One worker of the Spark trainer: a barrier task that reads its share of the rows (row {@code i} of the DataFrame
 * goes to worker {@code i % workers}), opens a replica of the model, connects to the driver and, at each step, takes
 * the driver's weights (parameters, then buffers), computes the gradients of its rows of the batch and sends them back
 * with the buffers' new values ({@link Wire}).
 * Serialised to executors, so it holds only names, numbers and the model file's broadcast.
 */
final class TrainTask extends AbstractFunction1<Iterator<Tuple2<Long, Row>>, Iterator<long[]>> implements Serializable {
    private static final long serialVersionUID = 1L;
    /** How long a task tries to reach the driver before it fails. */
    private static final int CONNECT_MILLIS = 60_000;
    /** How long a task waits for the driver's next step before it fails (the driver's own callbacks run between). */
    private static final int IDLE_MILLIS = 30 * 60_000;
    /** How often a waiting task checks whether Spark killed it. */
    private static final int POLL_MILLIS = 500;

    /** What the rows hold and how the net takes them. */
    record Layout(RowInput input, RowInput target, int labelIndex, String labelName, boolean classes, int classCount,
                  boolean intInput, int[] exampleShape, int[] targetShape) implements Serializable {
    }

    private final String host;
    private final int port;
    private final long token;
    private final int workers;
    private final Broadcast<byte[]> modelFile;
    private final Layout layout;

    TrainTask(String host, int port, long token, int workers, Broadcast<byte[]> modelFile, Layout layout) {
        this.host = host;
        this.port = port;
        this.token = token;
        this.workers = workers;
        this.modelFile = modelFile;
        this.layout = layout;
    }

    @Override
    public Iterator<long[]> apply(Iterator<Tuple2<Long, Row>> rows) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int me = context.partitionId();
        // The rows first, then the connection: the driver reads a task's hello and readiness in one go.
        Shard shard = null;
        IllegalArgumentException bad = null;
        try {
            shard = Shard.read(rows, me, workers, layout);
        } catch (IllegalArgumentException e) {
            bad = e;
        }
        try (Socket socket = connect()) {
            Wire.Link link = Wire.Link.of(socket);
            DataOutputStream out = link.out();
            DataInputStream in = link.in();
            out.writeInt(Wire.MAGIC);
            out.writeLong(token);
            out.writeInt(me);
            out.writeInt(context.stageAttemptNumber());
            if (bad != null) {
                out.writeInt(Wire.BAD);
                out.writeUTF(Wire.message(bad));
                out.flush();
                throw bad;
            }
            out.writeInt(Wire.READY);
            out.writeInt(shard.rows);
            out.flush();
            long steps = 0;
            // Between frames the task polls, so a kill from Spark (a failed stage, a cancelled job) ends it at once.
            Wire.Poll killed = () -> {
                if (context.isInterrupted()) {
                    throw new java.io.InterruptedIOException("Spark killed the task");
                }
            };
            try (Model model = open()) {
                List<Parameter> names = new ArrayList<>(model.parameters());
                names.addAll(model.buffers());
                float[][] weights = new float[names.size()][];
                for (int i = 0; i < weights.length; i++) {
                    weights[i] = new float[names.get(i).size()];
                }
                while (true) {
                    link.await(POLL_MILLIS, IDLE_MILLIS, killed);
                    if (in.readInt() != Wire.STEP) {
                        break;
                    }
                    long step = in.readLong();
                    int count = in.readInt();
                    int[] local = Wire.readInts(in, count);
                    for (float[] w : weights) {
                        Wire.readFloats(in, w);
                    }
                    long start = System.nanoTime();
                    Gradients g;
                    try {
                        List<Parameter> given = new ArrayList<>();
                        for (int i = 0; i < weights.length; i++) {
                            given.add(new Parameter(names.get(i).name(), names.get(i).shape(), weights[i]));
                        }
                        model.setParameters(given);
                        // Noise (dropout) of its own per step and per worker; one worker draws what fit would.
                        g = count == 0 ? null : model.gradients(shard.batch(local), step * workers + me);
                    } catch (RuntimeException e) {
                        out.writeInt(Wire.FAILED);
                        out.writeUTF("worker " + me + ": " + Wire.message(e));
                        out.flush();
                        throw e;
                    }
                    out.writeInt(Wire.OK);
                    out.writeInt(count);
                    out.writeLong(System.nanoTime() - start);
                    if (g != null) {
                        out.writeFloat(g.loss());
                        Wire.writeParameters(out, g.values());
                        Wire.writeParameters(out, g.buffers());
                    }
                    out.flush();
                    steps++;
                }
            }
            return scala.collection.Iterator$.MODULE$.single(new long[] {me, shard.rows, steps});
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + me + ": lost the driver at " + host + ":" + port + " (" + e.getMessage()
                    + "); Spark reruns the stage if the fit still runs", e);
        }
    }

    private Socket connect() throws IOException {
        long deadline = System.currentTimeMillis() + CONNECT_MILLIS;
        while (true) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
                return s;
            } catch (IOException e) {
                s.close();
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("can't reach the driver's trainer at " + host + ":" + port + " (" + e.getMessage()
                            + "); the executors must be able to open connections to the driver (spark.driver.host)", e);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while connecting to the driver", interrupted);
                }
            }
        }
    }

    /** The replica: the driver's saveAll file, opened from a temporary copy (its weights come with every step). */
    private Model open() throws IOException {
        Path file = Files.createTempFile("netdsl-replica", ".netdsl");
        try {
            Files.write(file, modelFile.value());
            return Model.open(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A worker's rows, in the order of their row numbers: row {@code i} of the DataFrame is local row {@code i / workers}. */
    static final class Shard {
        final int rows;
        private final float[] x;
        private final int[] labels;
        private final float[] y;
        private final Layout layout;

        private Shard(int rows, float[] x, int[] labels, float[] y, Layout layout) {
            this.rows = rows;
            this.x = x;
            this.labels = labels;
            this.y = y;
            this.layout = layout;
        }

        static Shard read(Iterator<Tuple2<Long, Row>> rows, int me, int workers, Layout layout) {
            int in = layout.input().size();
            int out = layout.target() == null ? 1 : layout.target().size();
            List<float[]> xs = new ArrayList<>();
            List<float[]> ys = new ArrayList<>();
            List<Long> at = new ArrayList<>();
            while (rows.hasNext()) {
                Tuple2<Long, Row> next = rows.next();
                long index = next._1();
                Row row = next._2();
                if (index % workers != me) {
                    throw new IllegalStateException("worker " + me + " of " + workers + " got row " + index + ", which is worker "
                            + (index % workers) + "'s");
                }
                java.util.function.Supplier<String> where = () -> "row " + index + " of the DataFrame";
                xs.add(finite(layout.input().features(row, where), layout.input(), index));
                ys.add(layout.target() != null ? finite(layout.target().features(row, where), layout.target(), index)
                        : new float[] {label(row, index, layout)});
                at.add(index);
            }
            int n = xs.size();
            float[] x = new float[n * in];
            float[] y = new float[n * out];
            boolean[] seen = new boolean[n];
            for (int k = 0; k < n; k++) {
                long local = at.get(k) / workers;
                if (local >= n || seen[(int) local]) {
                    throw new IllegalStateException("worker " + me + ": row " + at.get(k) + " does not fit its " + n + " rows");
                }
                seen[(int) local] = true;
                System.arraycopy(xs.get(k), 0, x, (int) local * in, in);
                System.arraycopy(ys.get(k), 0, y, (int) local * out, out);
            }
            int[] labels = null;
            if (layout.classes()) {
                labels = new int[n];
                for (int k = 0; k < n; k++) {
                    labels[k] = (int) y[k];
                }
                y = null;
            }
            if (layout.intInput()) {
                for (int k = 0; k < x.length; k++) {
                    if (x[k] != Math.rint(x[k])) {
                        throw new IllegalArgumentException("row " + (me + (long) (k / in) * workers) + " of the DataFrame: column '"
                                + layout.input().names()[0] + "' holds " + x[k] + ", but the net takes whole numbers (token ids)");
                    }
                }
            }
            return new Shard(n, x, labels, y, layout);
        }

        /** {@code values}, if every one is finite: a NaN or infinity in training data would only show as a diverged loss. */
        private static float[] finite(float[] values, RowInput input, long index) {
            for (int j = 0; j < values.length; j++) {
                if (!Float.isFinite(values[j])) {
                    String column = input.array() ? "column '" + input.names()[0] + "' holds " + values[j] + " at position " + j
                            : "column '" + input.names()[j] + "' is " + values[j];
                    throw new IllegalArgumentException("row " + index + " of the DataFrame: " + column + "; drop or fix such rows"
                            + " before training (e.g. df.na().drop(), or a filter on isnan)");
                }
            }
            return values;
        }

        private static float label(Row row, long index, Layout layout) {
            int c = layout.labelIndex();
            String where = "row " + index + " of the DataFrame: column '" + layout.labelName() + "'";
            if (row.isNullAt(c)) {
                throw new IllegalArgumentException(where + " is null; drop or fill such rows first (e.g. df.na().drop())");
            }
            double v = ((Number) row.get(c)).doubleValue();
            if (v != Math.rint(v) || v < 0 || v >= layout.classCount()) {
                throw new IllegalArgumentException(where + " is " + v + ", but the net's labels are the class numbers 0 to "
                        + (layout.classCount() - 1));
            }
            return (float) v;
        }

        /** The batch of local rows {@code local}, shaped as the net takes it. */
        Dataset batch(int[] local) {
            int in = layout.input().size();
            int out = y == null ? 1 : layout.target().size();
            int[] shape = layout.exampleShape();
            if (layout.intInput()) {
                int[] bx = new int[local.length * in];
                for (int k = 0; k < local.length; k++) {
                    for (int j = 0; j < in; j++) {
                        bx[k * in + j] = (int) x[local[k] * in + j];
                    }
                }
                return labels != null ? Dataset.of(bx, shape, pick(labels, local)) : Dataset.of(bx, shape, pick(y, local, out),
                        layout.targetShape());
            }
            float[] bx = pick(x, local, in);
            return labels != null ? Dataset.of(bx, pick(labels, local), shape) : Dataset.of(bx, shape, pick(y, local, out),
                    layout.targetShape());
        }

        private static float[] pick(float[] from, int[] local, int width) {
            float[] out = new float[local.length * width];
            for (int k = 0; k < local.length; k++) {
                System.arraycopy(from, local[k] * width, out, k * width, width);
            }
            return out;
        }

        private static int[] pick(int[] from, int[] local) {
            return Arrays.stream(local).map(i -> from[i]).toArray();
        }
    }
}
