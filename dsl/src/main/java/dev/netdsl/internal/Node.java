package dev.netdsl.internal;

import dev.netdsl.DType;
import dev.netdsl.Expr;

/**
 * One node of an expression DAG: an op over argument expressions, with its shape (-1 for a size known
 * only at run time), element type and attributes. Immutable by convention: nothing changes a node after
 * it is made.
 *
 * @param op what it computes
 * @param shape its shape
 * @param args its arguments
 * @param values constants, or an op's float attributes (hardtanh's bounds, a permutation, ...)
 * @param index an op's int attribute (axis, index, random salt, depth)
 * @param ref what a leaf, parameter, bound value or layer application refers to
 * @param dtype its element type
 */
public record Node(OpCode op, long[] shape, Expr[] args, float[] values, int index, Object ref, DType dtype) {
    /** A float32 node. */
    public Node(OpCode op, long[] shape, Expr[] args, float[] values, int index, Object ref) {
        this(op, shape, args, values, index, ref, DType.FLOAT32);
    }

    /** A float32 node without attributes. */
    public static Node of(OpCode op, long[] shape, Expr... args) {
        return new Node(op, shape, args, null, 0, null);
    }
}
