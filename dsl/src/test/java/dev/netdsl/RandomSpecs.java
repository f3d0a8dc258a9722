package dev.netdsl;

import dev.netdsl.autograd.Autograd;
import dev.netdsl.autograd.Minimizer;
import dev.netdsl.autograd.Var;
import dev.netdsl.layers.Activation;
import dev.netdsl.layers.Initializers;
import dev.netdsl.layers.Layer;
import dev.netdsl.layers.Layers;
import dev.netdsl.layers.Linear;
import dev.netdsl.layers.Module;
import dev.netdsl.training.Optimizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Builds, trains, predicts with and closes random specs on random data, valid and invalid, and
 * prints one line per outcome kind. Any exception other than the documented ones is printed as
 * {@code UNDOCUMENTED}. Run in a forked JVM by {@link PropertyTest}, so a native crash fails the test
 * instead of the build.
 *
 * <p>Usage: {@code RandomSpecs CASES SEED}
 */
public final class RandomSpecs {
    private static final int[] SIZES = {1, 1, 2, 3, 3, 5, 8, 13};
    private static final int[] BAD_SIZES = {-1, 0};
    private static final double[] RATES = {0.01, 0.05, 0.1, 0.5};
    private static final double[] BAD_RATES = {1e6, 0, -0.1, Double.NaN, Double.POSITIVE_INFINITY};
    private static final int[] COUNTS = {1, 2, 3, 7};
    private static final int[] BAD_COUNTS = {-1, 0};
    private static final String[] OPS = {"fit", "fit batches", "step", "predict", "evaluate", "loss", "setParameters",
        "save/load", "summary/close"};

    private final SplittableRandom r;
    private final Map<String, Integer> outcomes = new TreeMap<>();
    /** Up to three distinct messages per outcome, for the report. */
    private final Map<String, java.util.Set<String>> examples = new TreeMap<>();
    private final List<String> undocumented = new ArrayList<>();
    private final Path dir;

    private RandomSpecs(long seed, Path dir) {
        this.r = new SplittableRandom(seed);
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        int cases = Integer.parseInt(args[0]);
        Path dir = Files.createTempDirectory("netdsl-random-specs");
        RandomSpecs run = new RandomSpecs(Long.parseLong(args[1]), dir);
        for (int i = 0; i < cases; i++) {
            run.oneCase(i);
        }
        run.outcomes.forEach((k, v) -> {
            System.out.println("OUTCOME " + v + " " + k);
            run.examples.getOrDefault(k, java.util.Set.of()).forEach(m -> System.out.println("    e.g. " + m));
        });
        run.undocumented.forEach(System.out::println);
        System.out.println("CASES " + cases);
        System.out.flush();
    }

    /** A module that may forget to register its second layer. */
    static final class TwoLayers extends Module {
        private final Linear a;
        private final Linear b;

        TwoLayers(Linear a, Linear b, boolean registerB) {
            this.a = add("a", a);
            this.b = registerB ? add("b", b) : b;
        }

        @Override
        public Expr forward(Expr x) {
            return b.apply(a.apply(x).tanh());
        }
    }

    private <T> T pick(T[] values) {
        return values[r.nextInt(values.length)];
    }

    /** Mostly a valid layer size, one time in 25 zero or negative. */
    private int size() {
        return r.nextInt(25) == 0 ? BAD_SIZES[r.nextInt(BAD_SIZES.length)] : SIZES[r.nextInt(SIZES.length)];
    }

    private double rate() {
        return r.nextInt(8) == 0 ? BAD_RATES[r.nextInt(BAD_RATES.length)] : RATES[r.nextInt(RATES.length)];
    }

    private int count() {
        return r.nextInt(15) == 0 ? BAD_COUNTS[r.nextInt(BAD_COUNTS.length)] : COUNTS[r.nextInt(COUNTS.length)];
    }

    private void oneCase(int index) {
        String stage = "spec";
        String description = "";
        try {
            boolean autograd = r.nextInt(5) == 0;
            if (autograd) {
                stage = "autograd";
                description = randomAutograd();
                record("ok autograd");
                return;
            }
            Net spec = randomSpec();
            description = spec.toString();
            stage = "build";
            try (Model model = spec.build()) {
                model.progress(false);
                for (int op = 0; op < 4; op++) {
                    stage = OPS[r.nextInt(OPS.length)];
                    exercise(model, spec, stage);
                }
                stage = "close";
            }
            record("ok model");
        } catch (IllegalArgumentException | IllegalStateException | NetDslException e) {
            String key = stage + ": " + e.getClass().getSimpleName();
            record(key);
            java.util.Set<String> seen = examples.computeIfAbsent(key, k -> new java.util.LinkedHashSet<>());
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            if (seen.size() < 3 && seen.stream().noneMatch(m -> m.regionMatches(0, message, 0, 25))) {
                seen.add(message);
            }
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                undocumented.add("UNDOCUMENTED case " + index + " (" + description + ") at " + stage + ": no message " + e);
            }
        } catch (Throwable e) {
            undocumented.add("UNDOCUMENTED case " + index + " (" + description + ") at " + stage + ": " + e);
            e.printStackTrace(System.out);
        }
    }

    private void record(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private Net randomSpec() {
        Net net;
        int kind = r.nextInt(3);
        if (kind == 0) {
            int[] sizes = new int[r.nextInt(20) == 0 ? r.nextInt(2) : 2 + r.nextInt(3)];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = size();
            }
            net = Net.of(sizes);
            net = switch (r.nextInt(3)) {
                case 0 -> net.relu();
                case 1 -> net.tanh();
                default -> net.sigmoid();
            };
        } else if (kind == 1) {
            List<Layer> layers = new ArrayList<>();
            int width = Math.max(1, size());
            for (int i = r.nextInt(4); i >= 0; i--) {
                int out = size();
                // Mostly chained widths, sometimes a mismatch.
                layers.add(Layers.linear(r.nextInt(6) == 0 ? size() : width, out));
                width = out;
                if (r.nextBoolean()) {
                    layers.add(pick(new Activation[] {Layers.relu(), Layers.tanh(), Layers.gelu(), Layers.leakyRelu(),
                        Layers.elu(), Layers.softplus(), Layers.hardtanh()}));
                }
            }
            net = Net.sequential(layers.toArray(new Layer[0]));
        } else {
            Linear a = Layers.linear(Math.max(1, size()), Math.max(1, size()));
            Linear b = Layers.linear(r.nextInt(4) == 0 ? size() : a.out(), size());
            net = Net.module(new TwoLayers(a, b, r.nextInt(5) > 0));
        }
        switch (r.nextInt(7)) {
            case 0, 1 -> net = net.mse();
            case 2, 3 -> net = net.crossEntropy();
            case 4, 5 -> net = net.bceWithLogits();
            default -> { }
        }
        double lr = rate();
        switch (r.nextInt(7)) {
            case 0, 4, 5 -> net = net.sgd(lr);
            case 1 -> net = net.sgd(lr, pick(new Double[] {0.0, 0.9, 0.5, 0.0, 0.9, -0.5, 1.5, Double.NaN}));
            case 2 -> net = net.adam(lr);
            case 3 -> net = net.optimizer(Optimizers.rmsprop(lr));
            default -> { }
        }
        if (r.nextBoolean()) {
            net = net.seed(r.nextLong());
        }
        return net;
    }

    private float[][] matrix(int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int c = 0; c < cols; c++) {
                row[c] = (float) (r.nextGaussian() * (r.nextInt(200) == 0 ? 1e20 : 1));
            }
        }
        if (rows > 1 && r.nextInt(30) == 0) {
            m[1] = new float[Math.max(0, cols - 1)];
        }
        if (rows > 0 && cols > 0 && r.nextInt(30) == 0) {
            m[0][0] = Float.NaN;
        }
        return m;
    }

    private Dataset data(Net spec) {
        int rows = r.nextInt(12) == 0 ? 0 : 1 + r.nextInt(40);
        int in = r.nextInt(6) == 0 ? size() : spec.inputSize();
        int out = r.nextInt(6) == 0 ? size() : spec.outputSize();
        float[][] x = matrix(rows, Math.max(0, in));
        boolean labelled = spec.loss().map(l -> l.targets() == dev.netdsl.training.Targets.CLASSES).orElse(false);
        if (r.nextInt(6) == 0 ? !labelled : labelled) {
            int[] labels = new int[r.nextInt(10) == 0 ? rows + 1 : rows];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = r.nextInt(Math.max(1, spec.outputSize() + (r.nextInt(10) == 0 ? 2 : 0))) - (r.nextInt(30) == 0 ? 5 : 0);
            }
            return Dataset.of(x, labels);
        }
        float[][] y = matrix(r.nextInt(10) == 0 ? rows + 1 : rows, Math.max(0, out));
        return Dataset.of(x, y);
    }

    private void exercise(Model model, Net spec, String op) throws Exception {
        switch (op) {
            case "fit" -> {
                model.fit(data(spec), count());
            }
            case "fit batches" -> {
                model.fit(data(spec), count(), count());
            }
            case "step" -> {
                model.step(data(spec));
            }
            case "predict" -> {
                int in = r.nextInt(6) == 0 ? size() : spec.inputSize();
                model.predict(matrix(r.nextInt(8), Math.max(0, in)));
            }
            case "evaluate" -> {
                model.evaluate(data(spec));
            }
            case "loss" -> {
                model.loss(data(spec));
            }
            case "setParameters" -> {
                List<Parameter> ps = new ArrayList<>(model.parameters());
                if (!ps.isEmpty() && r.nextBoolean()) {
                    Parameter p = ps.remove(r.nextInt(ps.size()));
                    ps.add(new Parameter(p.name(), List.of(p.size() + 1), new float[p.size() + 1]));
                }
                model.setParameters(ps);
            }
            case "save/load" -> {
                Path file = dir.resolve("m" + r.nextInt(3) + ".bin");
                if (r.nextBoolean()) {
                    model.save(file);
                } else {
                    model.load(file);
                }
            }
            default -> {
                if (r.nextInt(4) == 0) {
                    model.close();
                }
                model.summary();
            }
        }
    }

    private String randomAutograd() {
        try (Autograd ag = Autograd.open(r.nextLong())) {
            long[] shapeA = {Math.max(1, size()), Math.max(1, size())};
            long[] shapeB = r.nextBoolean() ? new long[] {shapeA[1], Math.max(1, size())} : new long[] {size(), size()};
            Var a = ag.variable("a", shapeA, Initializers.normal(0, 1));
            Var b = ag.variable("b", shapeB, Initializers.uniform(-1, 1));
            Expr e = switch (r.nextInt(5)) {
                case 0 -> a.matmul(b);
                case 1 -> a.plus(b);
                case 2 -> a.times(b.t());
                case 3 -> a.reshape(shapeB);
                default -> a.softmax().minus(b.sum(r.nextInt(3) - 1));
            };
            Expr loss = r.nextBoolean() ? e.square().mean() : e;
            Minimizer m = ag.minimize(loss, r.nextBoolean() ? Optimizers.adam(rate()) : Optimizers.sgd(rate()));
            // The fused loop compiles with XLA (about 0.2 s each): try it in one case in eight.
            if (r.nextInt(8) == 0) {
                m.steps(count());
            } else {
                m.step();
            }
            ag.eval(loss);
            return loss.toString();
        }
    }
}
