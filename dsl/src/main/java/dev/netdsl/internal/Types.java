package dev.netdsl.internal;

import dev.netdsl.DType;
import dev.netdsl.Expr;

/**
 * The element type of an expression node from its op and arguments, checked in Java as the expression is
 * written: integer tensors take arithmetic that stays exact (plus, minus, times, max, min, sums),
 * comparisons, reshapes and indexing; everything else (division, exp, matmul, convolutions, losses...)
 * takes float32, as in PyTorch, where {@code torch.tanh} of a long tensor fails too.
 */
public final class Types {
    private Types() {
    }

    /**
     * The type of {@code op} over {@code args}.
     *
     * @param name the method the user called, for messages
     * @throws IllegalArgumentException if an argument has a type the op does not take
     */
    public static DType of(OpCode op, String name, Expr... args) {
        switch (op) {
            case ADD, SUB, MUL, MAXIMUM, MINIMUM, NEG, ABS, SQUARE, RESHAPE, PERMUTE, TRANSPOSE, AT, SUM, SUM_AXIS, MAX, SELECT,
                 NARROW, CONCAT, STACK, WHERE:
                return same(name, args);
            case EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL:
                same(name, args);
                return DType.FLOAT32;
            case GATHER:
                integers(name, "indices", args[1]);
                return type(args[0]);
            case ONE_HOT:
                integers(name, "values", args[0]);
                return DType.FLOAT32;
            default:
                for (Expr a : args) {
                    if (type(a) != DType.FLOAT32) {
                        throw new IllegalArgumentException(name + ": takes float32 values but gets " + type(a).fileName() + " "
                                + a + "; convert it with .cast(DType.FLOAT32)");
                    }
                }
                return DType.FLOAT32;
        }
    }

    /** The element type of {@code e}. */
    public static DType type(Expr e) {
        return Nodes.of(e).dtype();
    }

    private static DType same(String name, Expr... args) {
        DType t = type(args[0]);
        for (Expr a : args) {
            if (type(a) != t) {
                throw new IllegalArgumentException(name + ": mixes " + t.fileName() + " and " + type(a).fileName() + " ("
                        + args[0] + ", " + a + "); convert one with .cast(...) first");
            }
        }
        return t;
    }

    private static void integers(String name, String what, Expr e) {
        if (!type(e).isInteger()) {
            throw new IllegalArgumentException(name + ": the " + what + " must be int32 or int64 but " + e + " is "
                    + type(e).fileName() + "; convert them with .cast(DType.INT32)");
        }
    }
}
