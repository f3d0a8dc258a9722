package dev.netdsl.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import dev.netdsl.Parameter;

/**
 * The frames the Spark trainer's driver and its barrier tasks exchange over one TCP connection per task, in Java's
 * big-endian {@code DataOutputStream} encoding. A task says hello ({@link #MAGIC}, the run's token, its partition and
 * stage attempt), then {@link #READY} with its row count or {@link #BAD} with what is wrong with its data. Then, per
 * step, the driver sends {@link #STEP} (the task's rows of the batch and the current weights) and the task answers
 * {@link #OK} (rows, compute time, loss, gradients and the buffers' new values, each named and shaped) or {@link #FAILED};
 * {@link #END} ends the task.
 */
final class Wire {
    static final int MAGIC = 0x4e44_5354;
    static final int READY = 1;
    static final int BAD = 2;
    static final int STEP = 3;
    static final int END = 4;
    static final int OK = 5;
    static final int FAILED = 6;
    /** The longest message a task sends back (writeUTF takes at most 65,535 bytes). */
    private static final int MESSAGE_CHARS = 8_000;

    private Wire() {
    }

    /** One end of a connection: the socket, and its streams (the input can be waited on without losing a byte). */
    record Link(java.net.Socket socket, DataInputStream in, java.io.PushbackInputStream peek, DataOutputStream out) {
        static Link of(java.net.Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            java.io.PushbackInputStream peek = new java.io.PushbackInputStream(
                    new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16), 1);
            return new Link(socket, new DataInputStream(peek), peek, new DataOutputStream(
                    new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16)));
        }

        /**
         * Waits for the next frame's first byte, {@code pollMillis} at a time, asking {@code stillWaiting} between
         * polls (it throws to stop waiting); then the frame is read with {@code frameMillis} as the socket's timeout.
         */
        void await(int pollMillis, int frameMillis, Poll stillWaiting) throws IOException {
            socket.setSoTimeout(pollMillis);
            while (true) {
                try {
                    int b = peek.read();
                    if (b < 0) {
                        throw new java.io.EOFException("the connection was closed");
                    }
                    peek.unread(b);
                    break;
                } catch (java.net.SocketTimeoutException e) {
                    stillWaiting.check();
                }
            }
            socket.setSoTimeout(frameMillis);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a broken connection.
            }
        }
    }

    /** What a wait checks between polls; throws to stop waiting. */
    interface Poll {
        void check() throws IOException;
    }

    /** {@code values} as big-endian floats, for writing once and sending to every task. */
    static byte[] floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.write(floats(values));
    }

    /** Reads {@code into.length} floats. */
    static void readFloats(DataInputStream in, float[] into) throws IOException {
        byte[] bytes = new byte[4 * into.length];
        in.readFully(bytes);
        ByteBuffer.wrap(bytes).asFloatBuffer().get(into);
    }

    static void writeInts(DataOutputStream out, int[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        b.asIntBuffer().put(values);
        out.write(b.array());
    }

    static int[] readInts(DataInputStream in, int count) throws IOException {
        byte[] bytes = new byte[4 * count];
        in.readFully(bytes);
        int[] out = new int[count];
        ByteBuffer.wrap(bytes).asIntBuffer().get(out);
        return out;
    }

    /** Writes {@code values} as a count, then each one's name, shape and floats. */
    static void writeParameters(DataOutputStream out, List<Parameter> values) throws IOException {
        out.writeInt(values.size());
        for (Parameter p : values) {
            out.writeUTF(p.name());
            out.writeInt(p.shape().size());
            for (int d : p.shape()) {
                out.writeInt(d);
            }
            out.write(floats(p.values()));
        }
    }

    /** The bytes {@link #writeParameters} writes for {@code values} (names taken as ASCII). */
    static long frameBytes(List<Parameter> values) {
        long bytes = 4;
        for (Parameter p : values) {
            bytes += 2 + p.name().length() + 4L * (1 + p.shape().size()) + 4L * p.size();
        }
        return bytes;
    }

    /** Reads what {@link #writeParameters} wrote. */
    static List<Parameter> readParameters(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Parameter> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int rank = in.readInt();
            List<Integer> shape = new ArrayList<>(rank);
            long size = 1;
            for (int d = 0; d < rank; d++) {
                int dim = in.readInt();
                shape.add(dim);
                size *= dim;
            }
            if (size > Integer.MAX_VALUE - 8 || size < 0) {
                throw new IOException("a frame announces " + name + " " + shape + ", more values than an array holds");
            }
            float[] v = new float[(int) size];
            readFloats(in, v);
            out.add(new Parameter(name, shape, v));
        }
        return out;
    }

    /** A message cut to what one frame carries. */
    static String message(Throwable t) {
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        return m.length() <= MESSAGE_CHARS ? m : m.substring(0, MESSAGE_CHARS) + "...";
    }
}
