package dev.netdsl.internal.files;

import java.util.Locale;

/**
 * A bounded pass over a pickle's bytes before {@code net.razorvine.pickle} sees them. Pyrolite allocates
 * whatever length an instruction declares ({@code new byte[(int) length]}, so a 600-byte pickle declaring
 * 8 exabytes is an {@link OutOfMemoryError} at any heap, and a length of -1 a
 * {@link NegativeArraySizeException}) and keeps every memo entry and value a pickle builds. This pass walks
 * the instructions without building anything and refuses, with a message, a pickle whose declared lengths
 * exceed the bytes that follow, whose text lines don't end, that holds a byte which is no pickle instruction,
 * that ends without {@code STOP}, or that builds more values or memo entries than a state dict needs.
 */
public final class PickleCheck {
    /**
     * Values a pickle may build: {@code torch.save} (PyTorch 1.13) builds 22 per tensor, so this allows some
     * 130,000 tensors; each value costs Pyrolite 20 to 60 bytes of heap.
     */
    static final int MAX_VALUES = 3_000_000;
    /** Memo entries a pickle may store: {@code torch.save} stores 8 per tensor; each costs Pyrolite about 60 bytes. */
    static final int MAX_MEMO = 1_500_000;
    /** The longest text line (a GLOBAL's module name, a protocol-0 number or string). */
    static final int MAX_LINE = 1 << 16;

    private PickleCheck() {
    }

    /**
     * Checks {@code p} as described above.
     *
     * @param where names the file and entry for messages ({@code "PyTorch file x.pth: its data.pkl"})
     * @throws IllegalArgumentException saying what is wrong and at which byte
     */
    static void check(byte[] p, String where) {
        long values = 0;
        long memo = 0;
        int i = 0;
        while (true) {
            if (i >= p.length) {
                throw bad(where, "ends without a STOP instruction after " + p.length + " bytes; the file is truncated or corrupt");
            }
            int at = i;
            int op = p[i++] & 0xff;
            switch (op) {
                case '.' -> {
                    return;
                }
                // MARK, POP, POP_MARK, APPEND, BUILD, SETITEM, SETITEMS, APPENDS, ADDITEMS, READONLY_BUFFER: nothing new.
                case '(', '0', '1', 'a', 'b', 's', 'u', 'e', 0x90, 0x98 -> {
                }
                // DUP, NONE, BINPERSID, REDUCE, DICT, EMPTY_DICT, LIST, EMPTY_LIST, TUPLE, EMPTY_TUPLE, OBJ, NEWOBJ, TUPLE1-3,
                // NEWTRUE, NEWFALSE, EMPTY_SET, FROZENSET, NEWOBJ_EX, STACK_GLOBAL, NEXT_BUFFER: one value.
                case '2', 'N', 'Q', 'R', 'd', '}', 'l', ']', 't', ')', 'o', 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x91, 0x92, 0x93,
                     0x97 -> values++;
                // FLOAT, INT, LONG, STRING, UNICODE, PERSID, GET: a line.
                case 'F', 'I', 'L', 'S', 'V', 'P', 'g' -> {
                    i = line(p, i, at, where);
                    values++;
                }
                // GLOBAL, INST: two lines.
                case 'c', 'i' -> {
                    i = line(p, line(p, i, at, where), at, where);
                    values++;
                }
                case 'p' -> {
                    i = line(p, i, at, where);
                    memo++;
                }
                case 'q' -> {
                    i = skip(p, i, 1, at, where);
                    memo++;
                }
                case 'r' -> {
                    i = skip(p, i, 4, at, where);
                    memo++;
                }
                case 0x94 -> memo++;
                // BININT1, BINGET, BININT2, BININT, LONG_BINGET, BINFLOAT.
                case 'K', 'h' -> {
                    i = skip(p, i, 1, at, where);
                    values++;
                }
                case 'M' -> {
                    i = skip(p, i, 2, at, where);
                    values++;
                }
                case 'J', 'j' -> {
                    i = skip(p, i, 4, at, where);
                    values++;
                }
                case 'G' -> {
                    i = skip(p, i, 8, at, where);
                    values++;
                }
                // PROTO, EXT1, EXT2, EXT4 (Pyrolite refuses the EXTs itself).
                case 0x80, 0x82 -> i = skip(p, i, 1, at, where);
                case 0x83 -> i = skip(p, i, 2, at, where);
                case 0x84 -> i = skip(p, i, 4, at, where);
                // SHORT_BINSTRING, SHORT_BINBYTES, SHORT_BINUNICODE, LONG1: a 1-byte length, then the bytes.
                case 'U', 'C', 0x8c, 0x8a -> {
                    i = skip(p, i, 1, at, where);
                    i = data(p, i, p[i - 1] & 0xff, op, at, where);
                    values++;
                }
                // BINUNICODE, BINBYTES: an unsigned 4-byte length. BINSTRING, LONG4: a signed one.
                case 'X', 'B', 'T', 0x8b -> {
                    i = skip(p, i, 4, at, where);
                    long n = (p[i - 4] & 0xffL) | (p[i - 3] & 0xffL) << 8 | (p[i - 2] & 0xffL) << 16 | (p[i - 1] & 0xffL) << 24;
                    i = data(p, i, op == 'T' || op == 0x8b ? (int) n : n, op, at, where);
                    values++;
                }
                // BINUNICODE8, BINBYTES8, BYTEARRAY8: an 8-byte length (unsigned, so negative longs are beyond any file).
                case 0x8d, 0x8e, 0x96 -> {
                    i = skip(p, i, 8, at, where);
                    i = data(p, i, long8(p, i - 8), op, at, where);
                    values++;
                }
                // FRAME: an 8-byte length of the instructions that follow, which this pass walks as any others.
                case 0x95 -> {
                    i = skip(p, i, 8, at, where);
                    long n = long8(p, i - 8);
                    if (n < 0 || n > p.length - i) {
                        throw declares(where, op, at, n, p.length - i);
                    }
                }
                default -> throw bad(where, String.format(Locale.ROOT, "has byte 0x%02x at offset %d, which is no pickle instruction;"
                        + " the file is corrupt", op, at));
            }
            if (values > MAX_VALUES) {
                throw bad(where, "builds more than " + MAX_VALUES + " values (torch.save builds 22 per tensor); NetDSL refuses it"
                        + " rather than fill the heap. If it is a real state dict, save it with safetensors.torch.save_file and"
                        + " load that");
            }
            if (memo > MAX_MEMO) {
                throw bad(where, "stores more than " + MAX_MEMO + " memo entries (torch.save stores 8 per tensor); NetDSL refuses"
                        + " it rather than fill the heap. If it is a real state dict, save it with safetensors.torch.save_file and"
                        + " load that");
            }
        }
    }

    private static long long8(byte[] p, int from) {
        long n = 0;
        for (int k = 7; k >= 0; k--) {
            n = n << 8 | (p[from + k] & 0xffL);
        }
        return n;
    }

    /** Skips an instruction's fixed-size argument. */
    private static int skip(byte[] p, int i, int n, int at, String where) {
        if (n > p.length - i) {
            throw bad(where, "ends inside the instruction at offset " + at + "; the file is truncated or corrupt");
        }
        return i + n;
    }

    /** Skips {@code n} bytes of data that the instruction at {@code at} declares. */
    private static int data(byte[] p, int i, long n, int op, int at, String where) {
        if (n < 0 || n > p.length - i) {
            throw declares(where, op, at, n, p.length - i);
        }
        return i + (int) n;
    }

    private static IllegalArgumentException declares(String where, int op, int at, long n, int left) {
        return bad(where, String.format(Locale.ROOT, "has an instruction (0x%02x at offset %d) that declares %s bytes, but %d bytes"
                + " follow it; the file is corrupt or crafted, and NetDSL refuses it before allocating", op, at,
                op == 'T' || op == 0x8b ? Long.toString(n) : Long.toUnsignedString(n), left));
    }

    /** Skips a text line (its newline included). */
    private static int line(byte[] p, int i, int at, String where) {
        int end = Math.min(p.length, i + MAX_LINE);
        for (int k = i; k < end; k++) {
            if (p[k] == '\n') {
                return k + 1;
            }
        }
        throw bad(where, "has a text instruction at offset " + at + " with no end of line within " + Math.min(MAX_LINE, p.length - i)
                + " bytes; the file is truncated or corrupt");
    }

    private static IllegalArgumentException bad(String where, String what) {
        return new IllegalArgumentException(where + " " + what);
    }
}
