package dev.netdsl.layers;

/**
 * PyTorch's {@code nn.BatchNorm2d(channels)} over [N, C, H, W] batches, per channel (see
 * {@link BatchNorm} for what it keeps and updates). Create with {@link Layers#batchNorm2d(int)}.
 */
public final class BatchNorm2d extends BatchNorm {
    BatchNorm2d(int channels, double eps, double momentum) {
        super("batchNorm2d", channels, eps, momentum);
    }

    /** Rebuilds it from {@code num_features}, {@code eps} and {@code momentum}. */
    public static BatchNorm2d fromSettings(Settings s) {
        return new BatchNorm2d(s.getInt("num_features"), s.getDouble("eps"), s.getDouble("momentum"));
    }

    @Override
    public String typeName() {
        return "BatchNorm2d";
    }

    @Override
    int exampleRank() {
        return 3;
    }
}
