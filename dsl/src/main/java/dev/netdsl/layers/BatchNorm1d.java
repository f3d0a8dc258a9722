package dev.netdsl.layers;

/**
 * PyTorch's {@code nn.BatchNorm1d(features)} over [N, C] batches (see {@link BatchNorm} for what it keeps
 * and updates). Create with {@link Layers#batchNorm1d(int)}.
 */
public final class BatchNorm1d extends BatchNorm {
    BatchNorm1d(int features, double eps, double momentum) {
        super("batchNorm1d", features, eps, momentum);
    }

    /** Rebuilds it from {@code num_features}, {@code eps} and {@code momentum}. */
    public static BatchNorm1d fromSettings(Settings s) {
        return new BatchNorm1d(s.getInt("num_features"), s.getDouble("eps"), s.getDouble("momentum"));
    }

    @Override
    public String typeName() {
        return "BatchNorm1d";
    }

    @Override
    int exampleRank() {
        return 1;
    }
}
