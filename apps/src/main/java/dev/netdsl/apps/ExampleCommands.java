package dev.netdsl.apps;

import dev.netdsl.Device;
import dev.netdsl.Precision;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The {@code netdsl} sub-commands that run one tutorial example each ({@code sine}, {@code mnist}, {@code planar},
 * ...): their options, and the options they share ({@link Common}, {@link ImageData}). {@link Main} lists them.
 */
final class ExampleCommands {
    private ExampleCommands() {
    }

    /** The options every example takes, with the same meaning everywhere. */
    static final class Common {
        @Option(names = "--out", defaultValue = "out", paramLabel = "DIR",
                description = "Output directory; the example writes to DIR/<example>/ (default: ${DEFAULT-VALUE}).")
        Path out;
        @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
                description = "Seed for everything random: initial weights, shuffling, sampling, dropout (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--quiet", description = "No progress bars and no per-step or per-epoch lines: the summary only.")
        boolean quiet;
        @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|gpu|auto",
                description = "Where TensorFlow runs: cpu, gpu, or auto (a GPU if one is usable; default: ${DEFAULT-VALUE}).")
        String device;

        Device device() {
            return device(device);
        }

        /** The device {@code --device name} means. */
        static Device device(String name) {
            try {
                return Device.valueOf(name.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--device " + name + ": use cpu, gpu or auto");
            }
        }
    }

    /** {@code --precision}, for the examples whose models come from a {@link dev.netdsl.Net}. */
    static final class PrecisionOption {
        @Option(names = "--precision", defaultValue = "float32", paramLabel = "float32|bf16",
                description = "float32, or bf16: matrix multiplies and convolutions in bfloat16, weights in float32 (default: ${DEFAULT-VALUE}).")
        String precision;

        Precision precision() {
            return Precision.fromName(precision);
        }
    }

    /** Where the MNIST-style examples find their images. */
    static final class ImageData {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four IDX files (default: NETDSL_DATA, the cache, then the embedded sample).")
        Path dataDir;
        @Option(names = "--fashion", description = "Use Fashion-MNIST instead of MNIST.")
        boolean fashion;
        @Option(names = "--offline", description = "Never try to download the data set.")
        boolean offline;
    }

    @Command(name = "sine", mixinStandardHelpOptions = true,
            description = "Fit y = sin(x) on 1000 points in [-10, 10] with an MLP of configurable depth (the sine-fitting tutorial).")
    static final class SineCommand implements Callable<Integer> {
        @Option(names = "--cfg", paramLabel = "SIZES", defaultValue = "1,20,50,20,1", description = "Layer sizes, input first (default: ${DEFAULT-VALUE}).")
        String cfg;
        @Option(names = "--steps", paramLabel = "N", defaultValue = "10000", description = "Full-batch training steps (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.05", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
        double lr;
        @Option(names = "--frames", paramLabel = "K", defaultValue = "0", description = "Also write a fit PNG every K steps to DIR/sine/frames/ (default: off).")
        int frames;
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            Sine.run(new Sine.Options(Sine.parseCfg(cfg), steps, lr, common.seed, common.out, common.quiet, common.device(), frames,
                    100), System.out);
            return 0;
        }
    }

    @Command(name = "himmelblau", mixinStandardHelpOptions = true,
            description = "Minimise Himmelblau's function over a raw variable x_y with Adam from several starts (the gradient-descent tutorial).")
    static final class HimmelblauCommand implements Callable<Integer> {
        @Option(names = "--start", paramLabel = "X,Y", description = "A start point; repeat for several (default: 0,0 1,0 -4,0 4,0).")
        List<String> starts;
        @Option(names = "--steps", paramLabel = "N", defaultValue = "20000", description = "Adam steps per start (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        double lr;
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            List<float[]> points = starts == null ? HimmelblauExample.TUTORIAL_STARTS
                    : starts.stream().map(HimmelblauExample::parseStart).toList();
            HimmelblauExample.run(new HimmelblauExample.Options(points, steps, lr, common.out, common.quiet, common.device()),
                    System.out);
            return 0;
        }
    }

    /** Options shared by the two MNIST programs. */
    abstract static class MnistOptions implements Callable<Integer> {
        @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "200", description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.01", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
        double lr;
        @CommandLine.Mixin
        ImageData data = new ImageData();
        @CommandLine.Mixin
        Common common = new Common();
        @Option(names = "--no-final-relu", description = "Drop the ReLU the tutorial puts on the logits.")
        boolean noFinalRelu;
        @CommandLine.Mixin
        PrecisionOption precision = new PrecisionOption();

        abstract boolean raw();

        @Override
        public Integer call() {
            MnistExample.run(new MnistExample.Options(raw(), epochs, batchSize, lr, common.seed, data.dataDir, data.fashion,
                    common.device(), common.out, !noFinalRelu, data.offline, common.quiet, precision.precision()), System.out);
            return 0;
        }
    }

    @Command(name = "mnist", mixinStandardHelpOptions = true,
            description = "The MNIST tutorial's nn.Sequential MLP 784-200-200-10 on MNIST.")
    static final class MnistCommand extends MnistOptions {
        @Override
        boolean raw() {
            return false;
        }
    }

    @Command(name = "mnist-raw", mixinStandardHelpOptions = true,
            description = "The MNIST tutorial's hand-written w1,b1..w3,b3 MLP with Kaiming-normal init, through Autograd.")
    static final class MnistRawCommand extends MnistOptions {
        @Override
        boolean raw() {
            return true;
        }
    }

    @Command(name = "cnn", mixinStandardHelpOptions = true,
            description = "A small CNN (two conv blocks with batch norm, ReLU and max pooling; a linear layer with dropout;"
                    + " 10 classes) trained with Adam on MNIST or Fashion-MNIST images.")
    static final class CnnCommand implements Callable<Integer> {
        @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        double lr;
        @CommandLine.Mixin
        ImageData data = new ImageData();
        @CommandLine.Mixin
        Common common = new Common();
        @CommandLine.Mixin
        PrecisionOption precision = new PrecisionOption();

        @Override
        public Integer call() {
            CnnExample.run(new CnnExample.Options(epochs, batchSize, lr, common.seed, data.dataDir, data.fashion, common.device(),
                    common.out, data.offline, common.quiet, precision.precision()), System.out);
            return 0;
        }
    }

    @Command(name = "textgen", mixinStandardHelpOptions = true,
            description = "A character-level LSTM language model over the fortunes quotes (embedding, LSTM, linear; cross-entropy"
                    + " on the next character): the loss per epoch and samples at temperatures 0.5, 0.8 and 1.0.")
    static final class TextGenCommand implements Callable<Integer> {
        @Option(names = "--epochs", paramLabel = "N", defaultValue = "30", description = "Passes over the text (default: ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--seq-len", paramLabel = "N", defaultValue = "64", description = "Characters per training window (default: ${DEFAULT-VALUE}).")
        int seqLen;
        @Option(names = "--hidden", paramLabel = "N", defaultValue = "128", description = "LSTM state size (default: ${DEFAULT-VALUE}).")
        int hidden;
        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Windows per batch (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--lr", paramLabel = "LR", defaultValue = "3e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        double lr;
        @Option(names = "--chars", paramLabel = "N", defaultValue = "0", description = "Train on the first N characters only; 0: all (default: ${DEFAULT-VALUE}).")
        int chars;
        @Option(names = "--sample", paramLabel = "N", defaultValue = "240", description = "Characters per sample (default: ${DEFAULT-VALUE}).")
        int sample;
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            TextGenExample.run(new TextGenExample.Options(epochs, seqLen, hidden, batchSize, lr, chars, sample, common.seed, common.out,
                    common.quiet, common.device()), System.out);
            return 0;
        }
    }

    @Command(name = "textclass", mixinStandardHelpOptions = true,
            description = "Which fortunes file (computers, food, science, wisdom) a quote comes from: word ids, a Transformer"
                    + " encoder layer that ignores padding, the mean over the words, a linear layer; test accuracy, confusion matrix"
                    + " and the attention weights of a few test quotes.")
    static final class TextClassCommand implements Callable<Integer> {
        @Option(names = "--epochs", paramLabel = "N", defaultValue = "15", description = "Passes over the training quotes (default: ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--length", paramLabel = "N", defaultValue = "32", description = "Words per quote, padded or cut (default: ${DEFAULT-VALUE}).")
        int length;
        @Option(names = "--dim", paramLabel = "N", defaultValue = "64", description = "Embedding size (default: ${DEFAULT-VALUE}).")
        int dim;
        @Option(names = "--heads", paramLabel = "N", defaultValue = "4", description = "Attention heads; --dim must be a multiple (default: ${DEFAULT-VALUE}).")
        int heads;
        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Quotes per batch (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        double lr;
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            TextClassExample.run(new TextClassExample.Options(epochs, length, dim, heads, batchSize, lr, common.seed, common.out,
                    common.quiet, common.device()), System.out);
            return 0;
        }
    }

    @Command(name = "forecast", mixinStandardHelpOptions = true,
            description = "A GRU forecasting the Mauna Loa CO2 record one month ahead from the month-to-month changes before,"
                    + " against the seasonal"
                    + " naive forecast with drift, on the last years held out.")
    static final class ForecastCommand implements Callable<Integer> {
        @Option(names = "--epochs", paramLabel = "N", defaultValue = "60", description = "Passes over the training windows (default: ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--window", paramLabel = "N", defaultValue = "24", description = "Months the GRU sees, at least 12 (default: ${DEFAULT-VALUE}).")
        int window;
        @Option(names = "--hidden", paramLabel = "N", defaultValue = "32", description = "GRU state size (default: ${DEFAULT-VALUE}).")
        int hidden;
        @Option(names = "--test-months", paramLabel = "N", defaultValue = "96", description = "The last months held out for testing (default: ${DEFAULT-VALUE}).")
        int testMonths;
        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Windows per batch (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--lr", paramLabel = "LR", defaultValue = "5e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        double lr;
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            ForecastExample.run(new ForecastExample.Options(epochs, window, hidden, testMonths, batchSize, lr, common.seed, common.out,
                    common.quiet, common.device()), System.out);
            return 0;
        }
    }

    @Command(name = "poly", mixinStandardHelpOptions = true,
            description = "Learn y = 0.9 + 0.5x + 3x^2 + 2.4x^3 with Linear(3, 1) on [x, x^2, x^3] until the batch loss < --threshold (the polynomial-regression tutorial).")
    static final class PolyCommand implements Callable<Integer> {
        @Option(names = {"--steps", "--max-steps"}, paramLabel = "N", defaultValue = "200000",
                description = "Give up after this many batches (one step each; default: ${DEFAULT-VALUE}).")
        int maxSteps;
        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Fresh random samples per step (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
        double lr;
        @Option(names = "--threshold", paramLabel = "LOSS", defaultValue = "1e-4",
                description = "Stop at the first batch whose loss is below this; the tutorial uses 1e-3 (default: ${DEFAULT-VALUE}).")
        double threshold;
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            PolyExample.Result r = PolyExample.run(new PolyExample.Options(maxSteps, batchSize, lr, threshold, common.seed,
                    common.out, common.quiet, common.device()), System.out);
            return r.converged() ? 0 : 1;
        }
    }

    @Command(name = "thermometer", mixinStandardHelpOptions = true,
            description = "The book's thermometer: Linear(1, 1), then hidden_linear/tanh/output_linear, with a train/validation split (the activations tutorial).")
    static final class ThermometerCommand implements Callable<Integer> {
        @Option(names = "--linear-epochs", paramLabel = "N", defaultValue = "3000", description = "Epochs for Linear(1, 1) (default: ${DEFAULT-VALUE}).")
        int linearEpochs;
        @Option(names = "--linear-lr", paramLabel = "LR", defaultValue = "1e-2", description = "SGD learning rate of the linear model (default: ${DEFAULT-VALUE}).")
        double linearLr;
        @Option(names = "--epochs", paramLabel = "N", defaultValue = "5000", description = "Epochs for the net (default: ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "SGD learning rate of the net (default: ${DEFAULT-VALUE}).")
        double lr;
        @Option(names = "--hidden", paramLabel = "N", defaultValue = "13", description = "Hidden units (default: ${DEFAULT-VALUE}).")
        int hidden;
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            ThermometerExample.run(new ThermometerExample.Options(linearEpochs, linearLr, epochs, lr, hidden, common.seed,
                    common.out, common.quiet, common.device()), System.out);
            return 0;
        }
    }

    @Command(name = "activations", mixinStandardHelpOptions = true,
            description = "Plot every activation and its derivative on [-5, 5], computed by the DSL (the activations tutorial).")
    static final class ActivationsCommand implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            ActivationsExample.run(common.out, common.quiet, common.device(), System.out);
            return 0;
        }
    }

    @Command(name = "planar", mixinStandardHelpOptions = true,
            description = "The Sequential-and-Module tutorial on the planar flower data: logistic, two-layer, sequential, module and deep nets with BCEWithLogits.")
    static final class PlanarCommand implements Callable<Integer> {
        @Option(names = "--only", paramLabel = "NAME", description = "Run only these models (repeatable): logistic, two-layer, sequential, module, deep (default: all).")
        List<String> only;
        @Option(names = "--epochs", paramLabel = "N", defaultValue = "0", description = "Epochs for every model (default: the tutorial's: logistic 100,"
                + " two-layer, sequential and module 10000, deep 20000).")
        int epochs;
        @CommandLine.Mixin
        Common common = new Common();
        @Option(names = "--from-pytorch", paramLabel = "FILE", description = "Instead of training: load the Sequential's weights from"
                + " FILE (the tutorial's save_seq_net_params.pth from torch.save, a safetensors or a NetDSL file) and print its loss,"
                + " accuracy and boundary plot.")
        Path fromPyTorch;

        @Override
        public Integer call() {
            if (fromPyTorch != null) {
                if (only != null || epochs != 0) {
                    throw new IllegalArgumentException("--from-pytorch loads the Sequential without training; drop --only and --epochs");
                }
                PlanarExample.fromPyTorch(fromPyTorch, common.out, System.out);
                return 0;
            }
            PlanarExample.run(only == null ? List.of() : only, common.seed, epochs, common.out, common.quiet, common.device(),
                    System.out, Trained.NONE);
            return 0;
        }
    }
}
