package dev.netdsl.io;

/**
 * How {@code Model.load(path, options)} matches a file's tensors to the model's parameters and buffers.
 * {@link #strict()} (what {@code load(path)} does) requires every one of them, nothing else, with the
 * model's shapes, like PyTorch's {@code load_state_dict(strict=True)}; {@link #nonStrict()} loads what
 * matches and reports the rest. Immutable.
 */
public final class LoadOptions {
    private final boolean strict;
    private final String stripPrefix;

    private LoadOptions(boolean strict, String stripPrefix) {
        this.strict = strict;
        this.stripPrefix = stripPrefix;
    }

    /** Every parameter and buffer, nothing else, each with the model's shape; otherwise nothing is loaded. */
    public static LoadOptions strict() {
        return new LoadOptions(true, "");
    }

    /**
     * Loads the tensors whose name and shape match and returns what it skipped (missing, unexpected and
     * differently shaped tensors; unlike PyTorch, a shape mismatch is skipped too, not an error).
     */
    public static LoadOptions nonStrict() {
        return new LoadOptions(false, "");
    }

    /**
     * A copy that removes {@code prefix} from the file's names that start with it, e.g. {@code "module."}
     * (saved from {@code nn.DataParallel}) or {@code "model."} (a checkpoint dict's entry).
     */
    public LoadOptions stripPrefix(String prefix) {
        return new LoadOptions(strict, java.util.Objects.requireNonNull(prefix, "prefix"));
    }

    /** True for {@link #strict()}. */
    public boolean isStrict() {
        return strict;
    }

    /** The prefix removed from names, or empty. */
    public String prefix() {
        return stripPrefix;
    }
}
