package dev.netdsl.spark;

import dev.netdsl.Gradients;
import dev.netdsl.Model;
import dev.netdsl.Parameter;
import dev.netdsl.training.GradientSource;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The driver's end of the Spark trainer, the {@link GradientSource} its {@code Model.fit} asks: each step it sends
 * every worker task its rows of the batch and the current weights, and averages the gradients they send back,
 * weighted by their rows (in worker order, so a run is repeatable); a net with batch norm keeps the running statistics
 * of the first worker with rows in the batch, as PyTorch's DistributedDataParallel keeps rank 0's. If a worker's connection breaks (its executor
 * died), it waits for Spark to rerun the barrier stage, whose new tasks connect again, and redoes the step: nothing
 * was applied, so the run goes on as if uninterrupted.
 */
final class GradientHub implements GradientSource, AutoCloseable {
    /** How long the driver waits for every task of a (re)run stage to connect. */
    private static final long CONNECT_MILLIS = 10 * 60_000L;
    /** How long a step may take on a worker before the driver gives the worker up. */
    private static final int STEP_MILLIS = 30 * 60_000;

    private final ServerSocket server;
    private final int workers;
    private final int size;
    private final long token;
    private final java.io.PrintStream log;
    private Future<?> job;
    private final Peer[] peers;
    private int attempt = -1;
    private String badData;

    /** The exchange's numbers, for the overhead table. */
    long steps;
    long bytesOut;
    long bytesIn;
    long roundTripNanos;
    long slowestWorkerNanos;
    int reruns;
    /** When the hub was made (the job starts right after), when every worker was first ready, when the last step ended. */
    final long createdAt = System.nanoTime();
    long readyAt;
    long lastStepEnd;

    private record Peer(Socket socket, DataInputStream in, DataOutputStream out) {
    }

    GradientHub(String host, int workers, int size, long token, java.io.PrintStream log) {
        this.workers = workers;
        this.size = size;
        this.token = token;
        this.log = log;
        this.peers = new Peer[workers];
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), workers * 2);
            server.setSoTimeout(250);
        } catch (IOException e) {
            throw new UncheckedIOException("can't open the trainer's port on the driver (" + host + "): " + e.getMessage(), e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** The Spark job running the workers; a failed job ends waits for its tasks. */
    void job(Future<?> job) {
        this.job = job;
    }

    @Override
    public int size() {
        return size;
    }

    /** The rows worker {@code w} holds: every {@code workers}-th from {@code w}. */
    int held(int w) {
        return (size - w + workers - 1) / workers;
    }

    @Override
    public Gradients gradients(Model model, int[] rows) {
        while (true) {
            connect();
            if (readyAt == 0) {
                readyAt = System.nanoTime();
            }
            try {
                Gradients g = step(model, rows);
                lastStepEnd = System.nanoTime();
                return g;
            } catch (IOException e) {
                reruns++;
                log.println("spark fit: lost a worker (" + e.getMessage() + "); waiting for Spark to rerun the barrier stage,"
                        + " then redoing step " + (model.stepsTaken() + 1));
                closePeers();
            }
        }
    }

    private Gradients step(Model model, int[] rows) throws IOException {
        List<Parameter> weights = new ArrayList<>(model.parameters());
        weights.addAll(model.buffers());
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        for (Parameter p : weights) {
            packed.write(Wire.floats(p.values()));
        }
        byte[] w = packed.toByteArray();
        int[][] mine = new int[workers][];
        int[] counts = new int[workers];
        for (int r : rows) {
            counts[r % workers]++;
        }
        for (int k = 0; k < workers; k++) {
            mine[k] = new int[counts[k]];
        }
        int[] filled = new int[workers];
        for (int r : rows) {
            mine[r % workers][filled[r % workers]++] = r / workers;
        }
        long start = System.nanoTime();
        for (int k = 0; k < workers; k++) {
            DataOutputStream out = peers[k].out();
            out.writeInt(Wire.STEP);
            out.writeInt(counts[k]);
            Wire.writeInts(out, mine[k]);
            out.write(w);
            out.flush();
            bytesOut += 8 + 4L * counts[k] + w.length;
        }
        List<Gradients> parts = new ArrayList<>();
        List<Integer> partRows = new ArrayList<>();
        long slowest = 0;
        for (int k = 0; k < workers; k++) {
            DataInputStream in = peers[k].in();
            int status = in.readInt();
            if (status == Wire.FAILED) {
                throw new IllegalStateException(in.readUTF());
            }
            if (status != Wire.OK || in.readInt() != counts[k]) {
                throw new IOException("worker " + k + " answered out of turn");
            }
            slowest = Math.max(slowest, in.readLong());
            bytesIn += 16;
            if (counts[k] > 0) {
                float loss = in.readFloat();
                List<Parameter> g = Wire.readParameters(in);
                List<Parameter> buffers = Wire.readParameters(in);
                bytesIn += 4 + Wire.frameBytes(g) + Wire.frameBytes(buffers);
                parts.add(new Gradients(loss, g, buffers));
                partRows.add(counts[k]);
            }
        }
        steps++;
        roundTripNanos += System.nanoTime() - start;
        slowestWorkerNanos += slowest;
        return Gradients.mean(parts, partRows.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Waits until every worker of the newest stage attempt has connected and read its rows. */
    private void connect() {
        long deadline = System.currentTimeMillis() + CONNECT_MILLIS;
        while (java.util.Arrays.stream(peers).anyMatch(p -> p == null)) {
            if (job != null && job.isDone()) {
                throw new IllegalStateException("the Spark job running the workers ended before they all connected: "
                        + jobFailure());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the " + workers + " worker tasks did not all connect to the driver within "
                        + CONNECT_MILLIS / 60_000 + " minutes; barrier mode needs " + workers + " free task slots at once (give"
                        + " the cluster that many cores, or fewer workers) and executors that can reach the driver");
            }
            Socket s;
            try {
                s = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("the trainer's port on the driver failed: " + e.getMessage(), e);
            }
            try {
                accept(s);
            } catch (IOException e) {
                close(s);
            }
        }
    }

    private void accept(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        s.setSoTimeout(STEP_MILLIS);
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
        if (in.readInt() != Wire.MAGIC || in.readLong() != token) {
            close(s);
            return;
        }
        int partition = in.readInt();
        int stageAttempt = in.readInt();
        int status = in.readInt();
        if (status == Wire.BAD) {
            badData = in.readUTF();
            close(s);
            throw new IllegalArgumentException(badData);
        }
        int rows = in.readInt();
        if (status != Wire.READY || partition < 0 || partition >= workers || stageAttempt < attempt) {
            close(s);
            return;
        }
        if (rows != held(partition)) {
            close(s);
            throw new IllegalStateException("worker " + partition + " holds " + rows + " rows where " + held(partition)
                    + " were sent to it; the DataFrame changed while training (give it a fixed order, e.g. cache it)");
        }
        if (stageAttempt > attempt) {
            closePeers();
            attempt = stageAttempt;
        }
        if (peers[partition] != null) {
            close(peers[partition].socket());
        }
        peers[partition] = new Peer(s, in, out);
    }

    private String jobFailure() {
        try {
            job.get();
            return "it finished";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            return e.toString();
        }
    }

    /** Tells every connected worker to end. */
    void finish() {
        for (Peer p : peers) {
            if (p != null) {
                try {
                    p.out().writeInt(Wire.END);
                    p.out().flush();
                } catch (IOException e) {
                    // The task is gone; Spark reports it.
                }
            }
        }
    }

    private void closePeers() {
        for (int k = 0; k < workers; k++) {
            if (peers[k] != null) {
                close(peers[k].socket());
                peers[k] = null;
            }
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Closing a broken connection.
        }
    }

    @Override
    public void close() {
        closePeers();
        try {
            server.close();
        } catch (IOException e) {
            // Nothing is lost.
        }
    }
}
