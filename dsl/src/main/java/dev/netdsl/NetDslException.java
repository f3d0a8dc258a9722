package dev.netdsl;

/**
 * A failure inside TensorFlow that Java-side validation could not rule out, wrapped with the
 * operation and shapes involved.
 */
public class NetDslException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, caused by {@code cause}. */
    public NetDslException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure described by {@code message}. */
    public NetDslException(String message) {
        super(message);
    }
}
