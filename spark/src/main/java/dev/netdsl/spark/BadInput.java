package dev.netdsl.spark;

/**
 * Bad input to {@code netdsl score}: a file, a column, a row or the model. Its message is the one line the
 * command prints, saying what is wrong, where, and what to do on the command line; exit code 2, without the
 * pointer to {@code --help} that a bad option gets.
 */
final class BadInput extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
        super(message);
    }

    BadInput(String message, Throwable cause) {
        super(message, cause);
    }
}
