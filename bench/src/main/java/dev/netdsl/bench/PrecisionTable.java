package dev.netdsl.bench;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One net trained at float32 and at bfloat16 mixed precision, NetDSL next to PyTorch, for the precision tables of the
 * mnist, cnn and seq sections. NetDSL builds the net with {@code .precision(Precision.BF16)} (matrix multiplies and
 * convolutions in bfloat16, weights float32); PyTorch runs forward and loss under
 * {@code torch.autocast("cpu", dtype=torch.bfloat16)} (the peer's {@code --bf16}; backward and the optimizer step
 * outside it, PyTorch's recipe). Each side trains the net from its seed for a number of epochs, the first an untimed
 * warm-up: its epoch time is the median (min-max) of the others, its accuracy the test set's after the last epoch.
 * PyTorch runs at 1 thread and at all cores and the faster is kept, as in the float32 rows.
 */
final class PrecisionTable {
    /** Epochs each side trains before its accuracy is read: 10. */
    static final int EPOCHS = 10;

    private PrecisionTable() {
    }

    /** {@link #EPOCHS}, or 3 for {@code --quick} (a warm-up and two timed epochs). */
    static int epochs(boolean quick) {
        return quick ? 3 : EPOCHS;
    }

    /**
     * One precision's runs: what NetDSL was asked for and what it ran ({@code Model.precision()}, float32 on a CPU
     * without bfloat16 instructions), NetDSL's epoch times, the {@code after} measurement of {@link #measure} (null if
     * none), NetDSL's test accuracy (NaN without a test set) and PyTorch's runs.
     */
    record Side(Precision asked, Precision ran, Stats netdsl, Stats after, double accuracy, Peer.Choice torch) {
        /** The kept PyTorch run's test accuracy, NaN if none. */
        double torchAccuracy() {
            return torch.kept() == null ? Double.NaN : torch.kept().accuracy();
        }
    }

    /**
     * {@link #measure} at float32 (with {@code afterFloat32}) and then at bfloat16 (without): the table's two sides.
     */
    static List<Side> both(Net spec, Dataset train, Dataset test, int batch, int epochs, ToDoubleFunction<Model> afterFloat32,
                           String python, Path script, List<String> peerArgs) {
        return List.of(measure(Precision.FLOAT32, spec, train, test, batch, epochs, afterFloat32, python, script, peerArgs),
                measure(Precision.BF16, spec, train, test, batch, epochs, null, python, script, peerArgs));
    }

    /**
     * Trains {@code spec} at {@code precision} for {@code epochs} epochs (the first a warm-up) in batches of
     * {@code batch}, calling {@code after} (if not null) after every epoch for a measurement of its own (e.g. predict
     * throughput; the warm-up epoch's is dropped), reads the accuracy on {@code test} (if not null), then runs the
     * PyTorch peer {@code script} with {@code peerArgs} (plus {@code --bf16} for bfloat16) at 1 thread and at all
     * cores; the peer's first epoch is dropped as its warm-up. {@code peerArgs} must ask for {@code epochs} epochs.
     */
    static Side measure(Precision precision, Net spec, Dataset train, Dataset test, int batch, int epochs,
                        ToDoubleFunction<Model> after, String python, Path script, List<String> peerArgs) {
        double[] seconds = new double[epochs - 1];
        double[] measured = new double[epochs - 1];
        Precision ran;
        double accuracy = Double.NaN;
        try (Model model = spec.precision(precision).build().progress(false)) {
            ran = model.precision();
            for (int e = 0; e < epochs; e++) {
                double s = model.fit(train, 1, batch).seconds();
                double m = after == null ? 0 : after.applyAsDouble(model);
                if (e > 0) {
                    seconds[e - 1] = s;
                    measured[e - 1] = m;
                }
            }
            if (test != null) {
                accuracy = model.evaluate(test).accuracy();
            }
        }
        List<String> args = new ArrayList<>(peerArgs);
        if (precision == Precision.BF16) {
            args.add("--bf16");
        }
        Peer.Choice torch = Peer.fastest(python, script, 1, args.toArray(String[]::new));
        return new Side(precision, ran, Stats.of(seconds), after == null ? null : Stats.of(measured), accuracy, torch);
    }

    /**
     * The table for {@code net}, {@code sides[0]} float32 (the base of the "PyTorch float32" ratio): a blank line, a
     * paragraph saying how it was measured, and one row per side with times to {@code digits} decimals. The accuracy
     * columns are left out when no side has a test set. {@code data}: what each epoch trains on.
     */
    static List<String> markdown(String net, String data, int epochs, int digits, List<Side> sides) {
        boolean accuracy = sides.stream().anyMatch(s -> !Double.isNaN(s.accuracy()) || !Double.isNaN(s.torchAccuracy()));
        List<String> md = new ArrayList<>();
        md.add("");
        md.add("Precision, " + net + ": NetDSL at float32 and with `.precision(Precision.BF16)` (matrix multiplies and"
                + " convolutions in bfloat16, weights float32), PyTorch at float32 and with forward and loss under"
                + " `torch.autocast(\"cpu\", dtype=torch.bfloat16)` (backward and step outside), the faster of 1 thread and all"
                + " cores. Each side trains " + epochs + " epochs from its seed (NetDSL `.seed(1)`, PyTorch"
                + " `torch.manual_seed(1)`, the same for both precisions) on " + data + "; s/epoch: median (min-max) of"
                + " epochs 2-" + epochs + " (the first is a warm-up)"
                + (accuracy ? "; test accuracy after epoch " + epochs + (epochs < EPOCHS ? " (**`--quick`: " + epochs
                        + " epochs, not " + EPOCHS + "**)" : "") : "") + ".");
        md.add("");
        md.add("| net | precision | NetDSL s/epoch | PyTorch in memory s/epoch (threads) | NetDSL / PyTorch float32 in memory"
                + " | NetDSL / PyTorch at the same precision" + (accuracy ? " | test accuracy NetDSL | test accuracy PyTorch |" : " |"));
        md.add("|---|---|---|---|---|---|" + (accuracy ? "---|---|" : ""));
        Stats torchFloat32 = sides.get(0).torch().stats();
        for (Side s : sides) {
            Stats torch = s.torch().stats();
            String row = String.format("| %s | %s | %s | %s | %s | %s |", net, precisionText(s), s.netdsl().format(digits),
                    torch == null ? "n/a" : torch.format(digits) + ", " + Peer.threadText(s.torch().threads()),
                    Row.ratio(s.netdsl(), torchFloat32), Row.ratio(s.netdsl(), torch));
            md.add(accuracy ? row + String.format(" %s | %s |", percent(s.accuracy()), percent(s.torchAccuracy())) : row);
        }
        return md;
    }

    /** The note on a side's PyTorch runs: what each thread count took. */
    static String note(String net, Side side) {
        return net + ", " + side.asked().fileName() + (side.asked() == Precision.BF16 ? " (autocast)" : "")
                + ": PyTorch, tensors in memory, median epoch after a warm-up epoch: " + side.torch().tried() + "; the faster is kept";
    }

    private static String precisionText(Side s) {
        if (s.asked() == Precision.FLOAT32) {
            return "float32";
        }
        return s.ran() == s.asked() ? "bf16 (NetDSL ran bf16; PyTorch autocast)"
                : "bf16 asked, **NetDSL ran " + s.ran().fileName() + "** (no bfloat16 instructions); PyTorch autocast";
    }

    private static String percent(double accuracy) {
        return Double.isNaN(accuracy) ? "n/a" : String.format("%.2f%%", 100 * accuracy);
    }
}
