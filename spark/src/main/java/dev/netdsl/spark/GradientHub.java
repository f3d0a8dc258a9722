package dev.netdsl.spark;

import dev.netdsl.Gradients;
import dev.netdsl.Model;
import dev.netdsl.Parameter;
import dev.netdsl.training.GradientSource;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;

/**
 * The driver's end of the Spark trainer, the {@link GradientSource} its {@code Model.fit} asks: each step it sends
 * every worker task its rows of the batch and the current weights, and averages the gradients they send back,
 * weighted by their rows (in worker order, so a run is repeatable); a net with batch norm keeps the running statistics
 * of the first worker with rows in the batch, as PyTorch's DistributedDataParallel keeps rank 0's. If a worker's
 * connection breaks (its executor died) or a newer attempt of the stage connects (Spark found a task lost), it waits
 * for every task of the newest attempt and redoes the step: nothing was applied, so the run goes on as if
 * uninterrupted.
 */
final class GradientHub implements GradientSource, AutoCloseable {
    /** How long the driver waits for every task of a (re)run stage to start while fewer than all of them run. */
    private static final long SLOTS_MILLIS = 10 * 60_000L;
    /** How long a task may take to send the rest of a frame it started, or its hello once connected. */
    private static final int FRAME_MILLIS = 5 * 60_000;
    /** How often the driver, waiting for a worker, checks the Spark job and new connections. */
    private static final int POLL_MILLIS = 200;

    private final ServerSocket server;
    private final int workers;
    private final int size;
    private final long token;
    private final java.io.PrintStream log;
    private final IntSupplier runningTasks;
    private Future<?> job;
    private final Wire.Link[] peers;
    private int attempt = -1;
    private boolean finished;

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

    /**
     * A hub for {@code workers} tasks over {@code size} rows, listening on {@code bindHost} (null: every interface);
     * {@code runningTasks} says how many tasks of the job run now.
     */
    GradientHub(String bindHost, int workers, int size, long token, java.io.PrintStream log, IntSupplier runningTasks) {
        this.workers = workers;
        this.size = size;
        this.token = token;
        this.log = log;
        this.runningTasks = runningTasks;
        this.peers = new Wire.Link[workers];
        try {
            server = new ServerSocket();
            server.bind(bindHost == null ? new InetSocketAddress(0) : new InetSocketAddress(bindHost, 0), workers * 2);
        } catch (IOException e) {
            throw new UncheckedIOException("can't open the trainer's port on the driver (" + (bindHost == null ? "any address"
                    : bindHost) + "): " + e.getMessage(), e);
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
                if (!(e instanceof NewAttempt)) {
                    closePeers();   // else the newer attempt's first task is already registered
                }
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
        int[] counts = new int[workers];
        for (int r : rows) {
            counts[r % workers]++;
        }
        int[][] mine = new int[workers][];
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
            out.writeLong(model.stepsTaken());
            out.writeInt(counts[k]);
            Wire.writeInts(out, mine[k]);
            out.write(w);
            out.flush();
            bytesOut += 16 + 4L * counts[k] + w.length;
        }
        List<Gradients> parts = new ArrayList<>();
        List<Integer> partRows = new ArrayList<>();
        long slowest = 0;
        for (int k = 0; k < workers; k++) {
            Wire.Link peer = peers[k];
            peer.await(POLL_MILLIS, FRAME_MILLIS, this::stillWaiting);
            DataInputStream in = peer.in();
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

    /**
     * Between polls of a worker that has not answered yet: fails if the job ended, and gives the step up (an
     * IOException) if a task of a newer stage attempt connected, which means Spark lost a task and reran the stage.
     */
    private void stillWaiting() throws IOException {
        failIfJobEnded("while a step ran");
        int before = attempt;
        acceptWaiting(1);
        if (attempt != before) {
            throw new NewAttempt("Spark started attempt " + attempt + " of the barrier stage");
        }
    }

    /** A task of a newer stage attempt connected while a step waited for the older one. */
    private static final class NewAttempt extends IOException {
        private static final long serialVersionUID = 1L;

        NewAttempt(String message) {
            super(message);
        }
    }

    private void failIfJobEnded(String when) {
        if (job != null && job.isDone()) {
            throw new IllegalStateException("the Spark job running the workers ended " + when + ": " + jobFailure());
        }
    }

    /** Waits until every worker of the newest stage attempt has connected and read its rows. */
    private void connect() {
        long waitingForSlots = 0;
        long last = System.currentTimeMillis();
        while (java.util.Arrays.stream(peers).anyMatch(p -> p == null)) {
            failIfJobEnded("before its tasks all connected");
            long now = System.currentTimeMillis();
            waitingForSlots = runningTasks.getAsInt() < workers ? waitingForSlots + (now - last) : 0;
            last = now;
            if (waitingForSlots > SLOTS_MILLIS) {
                throw new IllegalStateException("only " + runningTasks.getAsInt() + " of the " + workers + " worker tasks ran for "
                        + SLOTS_MILLIS / 60_000 + " minutes: barrier mode runs them all at once, so the cluster needs " + workers
                        + " free task slots (give it that many cores, or ask for fewer workers)");
            }
            acceptWaiting(POLL_MILLIS);
        }
    }

    /** Takes one connection waiting (up to {@code millis}) and registers its task, if it is one of ours. */
    private void acceptWaiting(int millis) {
        Socket s;
        try {
            server.setSoTimeout(millis);
            s = server.accept();
        } catch (SocketTimeoutException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("the trainer's port on the driver failed: " + e.getMessage(), e);
        }
        try {
            accept(Wire.Link.of(s));
        } catch (IOException e) {
            close(s);
        }
    }

    private void accept(Wire.Link link) throws IOException {
        link.socket().setSoTimeout(FRAME_MILLIS);   // a task connects once it has read its rows: its hello follows at once
        DataInputStream in = link.in();
        if (in.readInt() != Wire.MAGIC || in.readLong() != token) {
            link.close();
            return;
        }
        int partition = in.readInt();
        int stageAttempt = in.readInt();
        int status = in.readInt();
        if (status == Wire.BAD) {
            String bad = in.readUTF();
            link.close();
            throw new IllegalArgumentException(bad);
        }
        int rows = in.readInt();
        if (status != Wire.READY || partition < 0 || partition >= workers || stageAttempt < attempt) {
            link.close();
            return;
        }
        if (finished) {
            // A rerun after the last step (a fetch failed after the stage, an executor lost): nothing left to do.
            link.out().writeInt(Wire.END);
            link.out().flush();
            link.close();
            return;
        }
        if (rows != held(partition)) {
            link.close();
            throw new IllegalStateException("worker " + partition + " holds " + rows + " rows where " + held(partition)
                    + " were sent to it; the DataFrame changed while training (give it a fixed order, e.g. cache it)");
        }
        if (stageAttempt > attempt) {
            closePeers();
            attempt = stageAttempt;
        }
        if (peers[partition] != null) {
            peers[partition].close();
        }
        peers[partition] = link;
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

    /**
     * Tells every worker to end, and waits up to {@code millis} for the job, telling tasks of a stage rerun that
     * connect meanwhile to end too; returns null when the job is done, else why it is not.
     */
    String finish(long millis) {
        finished = true;
        for (Wire.Link p : peers) {
            if (p != null) {
                try {
                    p.out().writeInt(Wire.END);
                    p.out().flush();
                } catch (IOException e) {
                    // The task is gone; Spark reports it.
                }
            }
        }
        long deadline = System.currentTimeMillis() + millis;
        while (!job.isDone()) {
            if (System.currentTimeMillis() > deadline) {
                return "the job was still running " + millis / 1000 + " s after the last step";
            }
            acceptWaiting(POLL_MILLIS);
        }
        try {
            job.get();
            return null;
        } catch (ExecutionException e) {
            return "the job failed after the last step: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while the workers finished";
        } catch (java.util.concurrent.CancellationException e) {
            return "the job was cancelled after the last step";
        }
    }

    private void closePeers() {
        for (int k = 0; k < workers; k++) {
            if (peers[k] != null) {
                peers[k].close();
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
