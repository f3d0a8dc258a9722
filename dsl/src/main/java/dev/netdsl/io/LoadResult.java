package dev.netdsl.io;

import java.util.List;

/**
 * What {@code Model.load(path, options)} did, like the {@code (missing_keys, unexpected_keys)} PyTorch's
 * {@code load_state_dict} returns.
 *
 * @param loaded the model's tensors that were set from the file
 * @param missing the model's tensors the file does not have (they kept their values)
 * @param unexpected the file's tensors the model does not have
 * @param mismatched the tensors whose shape (or values) did not fit, each with the reason
 */
public record LoadResult(List<String> loaded, List<String> missing, List<String> unexpected, List<String> mismatched) {
    /** Copies the lists. */
    public LoadResult {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
    }

    /** True if every tensor of the model was loaded and the file had nothing else. */
    public boolean isComplete() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }
}
