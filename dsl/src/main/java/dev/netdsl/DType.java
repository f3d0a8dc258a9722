package dev.netdsl;

import java.util.Locale;

/**
 * The element type of an {@link Expr}, a net's input, a {@link Dataset}'s inputs or a {@link Tensor}:
 * float32 for values, int32 for indices such as token ids, int64 where PyTorch files hold it. Files
 * store the lower-case name ({@code float32}, {@code int32}, {@code int64}), PyTorch's spelling.
 */
public enum DType {
    /** 32-bit floating point ({@code torch.float32}); what layers compute in. */
    FLOAT32,
    /** 32-bit signed integers ({@code torch.int32}); indices such as token ids. */
    INT32,
    /** 64-bit signed integers ({@code torch.int64}, PyTorch's default for indices). */
    INT64;

    /** True for the integer types. */
    public boolean isInteger() {
        return this != FLOAT32;
    }

    /** The name files and messages use: {@code float32}, {@code int32}, {@code int64}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The type a file names.
     *
     * @throws IllegalArgumentException for a name that is not one of them
     */
    public static DType fromFileName(String name) {
        for (DType t : values()) {
            if (t.fileName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown element type '" + name + "'; NetDSL knows float32, int32 and int64");
    }
}
