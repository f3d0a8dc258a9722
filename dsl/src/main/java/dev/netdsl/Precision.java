package dev.netdsl;

import java.util.Locale;

/**
 * The number format a model computes its matrix multiplies and convolutions in, like Keras's
 * {@code mixed_bfloat16} policy and PyTorch's {@code torch.autocast("cpu", dtype=torch.bfloat16)}:
 * {@link #FLOAT32} (the default) or {@link #BF16} (mixed precision). Weights, optimizer state, losses and
 * reductions stay float32 either way, and so do saving, loading, SavedModel and ONNX export and PyTorch
 * interchange. Chosen with {@link Net#precision(Precision)}.
 */
public enum Precision {
    /** Everything in float32. */
    FLOAT32,
    /**
     * Matrix multiplies and convolutions in bfloat16 (inputs rounded to bfloat16, results back to float32),
     * everything else in float32. On a CPU without bfloat16 instructions (AVX-512 BF16 or AMX) the model says so
     * once and computes in float32.
     */
    BF16;

    /** The name files, flags and messages use: {@code float32} or {@code bf16}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The precision a file or flag names ({@code float32}/{@code fp32}/{@code f32}, {@code bf16}/{@code bfloat16}).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Precision fromName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "float32": case "fp32": case "f32": return FLOAT32;
            case "bf16": case "bfloat16": return BF16;
            default: throw new IllegalArgumentException("unknown precision '" + name + "'; NetDSL knows float32 and bf16");
        }
    }
}
