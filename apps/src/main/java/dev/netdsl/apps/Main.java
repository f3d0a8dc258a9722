package dev.netdsl.apps;

import dev.netdsl.Device;
import dev.netdsl.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code netdsl} command: one sub-command per tutorial example. */
@Command(name = "netdsl", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Runs the PyTorch tutorials' examples on NetDSL (TensorFlow Java).",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  the command did what it was asked",
            "  1  it failed (an error, a diverged or unconverged run, a failed example in 'all')",
            "  2  bad usage: an unknown option, a bad value, a missing argument"},
        subcommands = {Main.SineCommand.class, Main.HimmelblauCommand.class, Main.MnistCommand.class, Main.MnistRawCommand.class,
            Main.CnnCommand.class, Main.TextGenCommand.class, Main.TextClassCommand.class, Main.ForecastCommand.class,
            Main.PolyCommand.class, Main.ThermometerCommand.class, Main.ActivationsCommand.class, Main.PlanarCommand.class,
            Main.ExportCommand.class, Main.InspectCommand.class, Main.ScoreCommand.class, Main.AllCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** What {@code --version} prints, on every command. */
    static final String VERSION = "netdsl 0.1.0";

    @Option(names = "--debug", description = "Print stack traces of errors (and, like --verbose, TensorFlow's native log).",
            scope = CommandLine.ScopeType.INHERIT)
    boolean debug;
    @Option(names = "--verbose", description = "Show TensorFlow's native INFO log lines (the netdsl launcher filters them out otherwise).",
            scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

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

    /** Where the MNIST-style examples find their images. */
    static final class ImageData {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four IDX files (default: NETDSL_DATA, the cache, then the embedded sample).")
        Path dataDir;
        @Option(names = "--fashion", description = "Use Fashion-MNIST instead of MNIST.")
        boolean fashion;
        @Option(names = "--offline", description = "Never try to download the data set.")
        boolean offline;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** Entry point; exits with 0 on success, 1 on a failed run, 2 on bad options or values. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args));
    }

    /** Runs the command line without exiting the JVM; returns the exit code. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // Every command answers --version and lists the exit codes, not only the top-level one.
        String[] exitCodes = cli.getCommandSpec().usageMessage().footer();
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                sub.getCommandSpec().version(VERSION);
                sub.getCommandSpec().usageMessage().footerHeading("%nExit codes:%n").footer(exitCodes);
            }
        }
        cli.setParameterExceptionHandler((e, unused) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println(e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
            cmd.usage(cmd.getErr());
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean debug = false;
            // --debug may be given before or after the sub-command: look at every level of the parse.
            for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
                debug |= level.matchedOption("--debug") != null;
            }
            if (debug) {
                e.printStackTrace(cmd.getErr());
            }
            String name = cmd.getCommandName().equals("netdsl") ? "netdsl" : "netdsl " + cmd.getCommandName();
            cmd.getErr().println(name + ": " + (e.getMessage() != null ? e.getMessage() : e));
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("Try '" + name + " --help' for the options.");
                return 2;
            }
            return 1;
        });
        return cli.execute(args);
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

        abstract boolean raw();

        @Override
        public Integer call() {
            MnistExample.run(new MnistExample.Options(raw(), epochs, batchSize, lr, common.seed, data.dataDir, data.fashion,
                    common.device(), common.out, !noFinalRelu, data.offline, common.quiet), System.out);
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

        @Override
        public Integer call() {
            CnnExample.run(new CnnExample.Options(epochs, batchSize, lr, common.seed, data.dataDir, data.fashion, common.device(),
                    common.out, data.offline, common.quiet), System.out);
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

    @Command(name = "all", mixinStandardHelpOptions = true,
            description = "Run every example into --out and write OUT/index.html: each example's figures, key numbers,"
                    + " the command that reproduces it, and the tutorial's printed numbers.")
    static final class AllCommand implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "out", description = "Output directory (default: ${DEFAULT-VALUE}).")
        Path out;
        @Option(names = "--quick", description = "Sine 5000 steps, MNIST 2 epochs on the embedded sample, the sequence examples on small settings, the rest as the tutorials do: a minute or two in all.")
        boolean quick;
        @Option(names = "--quiet", description = "Pass --quiet to every example: the summaries only.")
        boolean quiet;
        @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|gpu|auto", description = "Pass --device to every example (default: ${DEFAULT-VALUE}).")
        String device;
        @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Pass --seed to every example (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() {
            List<String> extra = new java.util.ArrayList<>(List.of("--seed", Long.toString(seed), "--device", device));
            if (quiet) {
                extra.add("--quiet");
            }
            int failed = AllExamples.run(out, quick, extra, Main::execute, System.out);
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Export a model as a TensorFlow SavedModel (tag serve, signature serving_default) or, with --format"
                    + " onnx, as DIR/model.onnx (opset 17, input 'input', output 'output') to --out: a model file written by"
                    + " saveAll, or one of the examples, trained first (its defaults, or fewer --steps/--epochs).",
                "Also writes netdsl-check.json (in assets.extra/ for a SavedModel): sample inputs, NetDSL's outputs."})
    static final class ExportCommand implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "FILE|EXAMPLE", description = "A saveAll model file, or an example: sine, mnist,"
                + " mnist-raw, cnn, planar, poly or thermometer.")
        String source;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The SavedModel directory to create.")
        Path out;
        @Option(names = {"--only", "--model"}, paramLabel = "NAME", description = "Which of the example's models: planar: logistic,"
                + " two-layer, sequential, module, deep (default: sequential); thermometer: linear, net (default: net).")
        String model;
        @Option(names = "--steps", paramLabel = "N", description = "Training steps for sine (default 10000) and poly (max batches, default 200000).")
        Integer steps;
        @Option(names = "--epochs", paramLabel = "N", description = "Epochs for mnist, mnist-raw, cnn (default 10), planar (default: the tutorial's per model)"
                + " and thermometer (default 5000).")
        Integer epochs;
        @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed for everything random in the example's training (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--quiet", description = "No per-step or per-epoch lines while the example trains: the summary only.")
        boolean quiet;
        @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|gpu|auto", description = "Where the example trains (default: ${DEFAULT-VALUE}).")
        String device;
        @Option(names = "--overwrite", description = "Replace an existing export in --out (once the new one is complete).")
        boolean overwrite;
        @Option(names = "--format", defaultValue = "savedmodel", paramLabel = "savedmodel|onnx", description = "What to write"
                + " (default: ${DEFAULT-VALUE}).")
        String format;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "mnist, mnist-raw, cnn: directory with the four IDX files.")
        Path dataDir;
        @Option(names = "--offline", description = "mnist, mnist-raw, cnn: never try to download the data set.")
        boolean offline;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            // The whole command line as given (the parse result's original arguments start with "export").
            String command = "./netdsl " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
            ExportExample.Options o = new ExportExample.Options(source, model, steps, epochs, seed, overwrite, out, dataDir, offline,
                    command, quiet, Common.device(device), Checks.oneOf("--format", format, List.of("savedmodel", "onnx")).equals("onnx"));
            Path file = Path.of(source);
            boolean example = ExportExample.DEFAULT_MODEL.containsKey(source) || source.equals("himmelblau")
                    || source.equals("activations");
            if (!example && (java.nio.file.Files.exists(file) || source.contains("/") || source.contains("."))) {
                ExportExample.exportFile(file, o, System.out);
            } else {
                ExportExample.run(o, System.out);
            }
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

    /**
     * {@code score} in the command list: the scorer itself is {@code dev.netdsl.spark.ScoreCommand} in the spark module
     * (Spark is large and {@code provided}), which this module does not depend on; the {@code ./netdsl} launcher runs it.
     */
    @Command(name = "score", mixinStandardHelpOptions = true, description = "Score a Parquet or CSV file with a saved NetDSL model (saveAll) or a TensorFlow"
            + " SavedModel on Apache Spark, and write every row with the model's outputs. The netdsl launcher runs it (built on"
            + " first use; netdsl score --help lists its options).")
    static final class ScoreCommand implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> args;

        @Override
        public Integer call() {
            throw new IllegalStateException("score runs on Apache Spark from the spark module, which this program does not hold;"
                    + " run it as ./netdsl score MODEL --input FILE --out DIR (the launcher builds it on first use)");
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Prints what a saved file holds: a model file's summary (saveAll), each tensor of a weights file"
                    + " (NetDSL, safetensors, or PyTorch's torch.save) with its shape, element type and min/mean/max, or a"
                    + " SavedModel directory's signatures with their inputs and outputs, or an ONNX file's inputs, outputs, ops and"
                    + " initializers.")
    static final class InspectCommand implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "FILE|DIR", description = "The file, or SavedModel directory, to look into.")
        Path file;

        @Override
        public Integer call() {
            Inspect.print(file, System.out);
            return 0;
        }
    }
}
