package dev.netdsl.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Decodes a stream strictly, skipping a byte order mark: a byte that is not in the charset fails
 * with its offset and line (Java's own readers say only "Input length = 1").
 */
final class StrictReader extends Reader {
    /** A byte that is not in the file's charset; its message is the whole story. */
    static final class NotDecodable extends IOException {
        private static final long serialVersionUID = 1L;

        NotDecodable(String message) {
            super(message);
        }
    }

    /** Makes the exception for a byte that does not decode: its offset in the file, its line (from 1), its value. */
    interface BadByte {
        NotDecodable at(long offset, long line, int value);
    }

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final BadByte bad;
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private final CharBuffer chars = CharBuffer.allocate(1 << 16).flip();
    private long base;           // the file offset of bytes.array()[0]
    private long newlines;       // in the characters handed out so far
    private boolean eof;
    private boolean flushed;
    private boolean first = true;

    StrictReader(InputStream in, Charset charset, BadByte bad) {
        this.in = in;
        this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        this.bad = bad;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(length, chars.remaining());
        chars.get(buffer, offset, n);
        return n;
    }

    /** Decodes the next characters into {@code chars}; false at the end. */
    private boolean fill() throws IOException {
        if (flushed) {
            return false;
        }
        chars.clear();
        while (chars.position() == 0 && !flushed) {
            if (!eof) {
                base += bytes.position();
                bytes.compact();
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
            }
            CoderResult result = decoder.decode(bytes, chars, eof);
            if (result.isError()) {
                long line = newlines + 1;
                for (int i = 0; i < chars.position(); i++) {
                    line += chars.get(i) == '\n' ? 1 : 0;
                }
                throw bad.at(base + bytes.position(), line, bytes.get(bytes.position()) & 0xFF);
            }
            if (eof && result.isUnderflow()) {
                if (decoder.flush(chars).isOverflow()) {
                    throw new IllegalStateException("a decoder's flush needed more than " + chars.capacity() + " characters");
                }
                flushed = true;
            }
        }
        chars.flip();
        for (int i = chars.position(); i < chars.limit(); i++) {
            newlines += chars.get(i) == '\n' ? 1 : 0;
        }
        if (first && chars.hasRemaining()) {
            first = false;
            if (chars.get(chars.position()) == '\uFEFF') {
                chars.get();
            }
        }
        return chars.hasRemaining() || !flushed;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
