package dev.netdsl.apps;

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
        subcommands = {ExampleCommands.SineCommand.class, ExampleCommands.HimmelblauCommand.class,
            ExampleCommands.MnistCommand.class, ExampleCommands.MnistRawCommand.class, ExampleCommands.CnnCommand.class,
            ExampleCommands.TextGenCommand.class, ExampleCommands.TextClassCommand.class, ExampleCommands.ForecastCommand.class,
            ExampleCommands.PolyCommand.class, ExampleCommands.ThermometerCommand.class, ExampleCommands.ActivationsCommand.class,
            ExampleCommands.PlanarCommand.class, Main.ExportCommand.class, Main.InspectCommand.class, Main.ScoreCommand.class,
            Main.TrainSparkCommand.class,
            Main.AllCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** What {@code --version} prints, on every command. */
    static final String VERSION = "netdsl 0.1.0";

    @Option(names = "--debug", description = "Print stack traces of errors (and, like --verbose, TensorFlow's native log).",
            scope = CommandLine.ScopeType.INHERIT)
    boolean debug;
    @Option(names = "--verbose", description = "Show TensorFlow's native INFO log lines (the netdsl launcher filters them out otherwise).",
            scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

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
                    command, quiet, ExampleCommands.Common.device(device),
                    ExportExample.Format.of(format));
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

    /**
     * {@code train-spark} in the command list: the trainer is {@code dev.netdsl.spark.TrainCommand} in the spark module, which
     * the {@code ./netdsl} launcher runs.
     */
    @Command(name = "train-spark", mixinStandardHelpOptions = true, description = "Train a saved model (saveAll) on a Parquet or CSV"
            + " file on Apache Spark: synchronous data-parallel training, every worker's gradients averaged at each step. The"
            + " netdsl launcher runs it (built on first use; netdsl train-spark --help lists its options).")
    static final class TrainSparkCommand implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> args;

        @Override
        public Integer call() {
            throw new IllegalStateException("train-spark runs on Apache Spark from the spark module, which this program does not"
                    + " hold; run it as ./netdsl train-spark MODEL --input FILE --out FILE (the launcher builds it on first use)");
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
