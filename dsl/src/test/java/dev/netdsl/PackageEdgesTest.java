package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's package edges, read from the main sources' imports, are the ones docs/architecture.md draws: a new
 * edge (io importing layers, internal importing a layer implementation, ...) fails here and has to be a decision,
 * made in that page too. The implementation packages ({@code internal}, its engine, file formats and ONNX) form no
 * cycle among themselves; every cycle left runs through the exported API packages, whose public types name each
 * other ({@code Net.layers()} is a list of {@code Layer}, whose {@code forward} takes an {@code Expr}); see
 * docs/architecture.md for why that stays.
 */
class PackageEdgesTest {
    static final Path MAIN = Path.of("src/main/java");
    static final Pattern IMPORT = Pattern.compile("^import (dev\\.netdsl(?:\\.[a-z]+)*)\\.([A-Z]\\w*)", Pattern.MULTILINE);
    /** A type named by its full name in code ({@code dev.netdsl.internal.files.SavedModels.export(...)}). */
    static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.\"])(dev\\.netdsl(?:\\.[a-z]+)*)\\.([A-Z]\\w*)");

    /** The package and type names a source file uses: its imports, and full names in its code (comments and strings aside). */
    static List<String[]> uses(String source) {
        List<String[]> out = new java.util.ArrayList<>();
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        String code = source.replaceAll("(?m)^(import|package) .*$", "").replaceAll("(?s)/\\*.*?\\*/", "")
                .replaceAll("//[^\n]*", "").replaceAll("\"(?:[^\"\\\\\n]|\\\\.)*\"", "\"\"");
        m = QUALIFIED.matcher(code);
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }

    /** The edges as the architecture page draws them. */
    static final Set<String> EDGES = Set.of(
            "dev.netdsl -> dev.netdsl.internal", "dev.netdsl -> dev.netdsl.internal.engine",
            "dev.netdsl -> dev.netdsl.internal.files", "dev.netdsl -> dev.netdsl.io", "dev.netdsl -> dev.netdsl.layers",
            "dev.netdsl -> dev.netdsl.training", "dev.netdsl.autograd -> dev.netdsl",
            "dev.netdsl.autograd -> dev.netdsl.internal", "dev.netdsl.autograd -> dev.netdsl.internal.files",
            "dev.netdsl.autograd -> dev.netdsl.layers",
            "dev.netdsl.autograd -> dev.netdsl.training", "dev.netdsl.internal -> dev.netdsl",
            "dev.netdsl.internal -> dev.netdsl.layers", "dev.netdsl.internal -> dev.netdsl.training",
            "dev.netdsl.internal.engine -> dev.netdsl", "dev.netdsl.internal.engine -> dev.netdsl.internal",
            "dev.netdsl.internal.engine -> dev.netdsl.layers", "dev.netdsl.internal.engine -> dev.netdsl.training",
            "dev.netdsl.internal.files -> dev.netdsl", "dev.netdsl.internal.files -> dev.netdsl.internal",
            "dev.netdsl.internal.files -> dev.netdsl.internal.engine",
            "dev.netdsl.internal.files -> dev.netdsl.internal.onnx", "dev.netdsl.internal.files -> dev.netdsl.layers",
            "dev.netdsl.internal.files -> dev.netdsl.training", "dev.netdsl.internal.onnx -> dev.netdsl",
            "dev.netdsl.internal.onnx -> dev.netdsl.internal", "dev.netdsl.internal.onnx -> dev.netdsl.layers",
            "dev.netdsl.io -> dev.netdsl", "dev.netdsl.io -> dev.netdsl.internal", "dev.netdsl.io -> dev.netdsl.internal.files",
            "dev.netdsl.io -> dev.netdsl.internal.onnx", "dev.netdsl.layers -> dev.netdsl",
            "dev.netdsl.layers -> dev.netdsl.internal", "dev.netdsl.training -> dev.netdsl",
            "dev.netdsl.training -> dev.netdsl.internal",
            "dev.netdsl.training -> dev.netdsl.layers");

    /** What the internal packages may name in layers and training: the open interfaces, never an implementation. */
    static final Set<String> OPEN = Set.of("dev.netdsl.layers.Layer", "dev.netdsl.layers.Settings", "dev.netdsl.layers.ParameterSpec",
            "dev.netdsl.layers.LayerContext", "dev.netdsl.layers.Module", "dev.netdsl.training.Optimizer",
            "dev.netdsl.training.Kernels", "dev.netdsl.training.Targets", "dev.netdsl.training.Callback",
            "dev.netdsl.training.TrainingRun", "dev.netdsl.training.StepListener", "dev.netdsl.training.GradientSource", "dev.netdsl.training.Fit",
            "dev.netdsl.layers.Layers", "dev.netdsl.layers.Activation", "dev.netdsl.training.Losses",
            "dev.netdsl.training.Optimizers", "dev.netdsl.training.Loss", "dev.netdsl.training.GradientRules");

    @Test
    void the_implementation_packages_form_no_cycle() throws IOException {
        java.util.Map<String, Set<String>> out = new java.util.TreeMap<>();
        for (String e : edges()) {
            String[] ab = e.split(" -> ");
            if (ab[0].startsWith("dev.netdsl.internal") && ab[1].startsWith("dev.netdsl.internal")) {
                out.computeIfAbsent(ab[0], k -> new TreeSet<>()).add(ab[1]);
            }
        }
        for (String start : out.keySet()) {
            java.util.Deque<java.util.List<String>> paths = new java.util.ArrayDeque<>();
            paths.add(java.util.List.of(start));
            while (!paths.isEmpty()) {
                java.util.List<String> path = paths.poll();
                for (String next : out.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    assertThat(next).as("a package cycle: %s -> %s", String.join(" -> ", path), next).isNotEqualTo(start);
                    if (!path.contains(next)) {
                        java.util.List<String> longer = new java.util.ArrayList<>(path);
                        longer.add(next);
                        paths.add(longer);
                    }
                }
            }
        }
        assertThat(out).as("the engine and the file formats are separate packages").containsKeys(
                "dev.netdsl.internal.engine", "dev.netdsl.internal.files");
    }

    /** Each main source file's package with each package and type it uses ({@link #uses}): {from, package, type}. */
    static List<String[]> allUses() throws IOException {
        List<String[]> out = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve("dev/netdsl"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                for (String[] use : uses(Files.readString(f))) {
                    out.add(new String[] {pkg, use[0], use[1]});
                }
            }
        }
        return out;
    }

    /** The package edges of the main sources' imports and full type names. */
    static Set<String> edges() throws IOException {
        Set<String> edges = new TreeSet<>();
        for (String[] use : allUses()) {
            if (!use[1].equals(use[0])) {
                edges.add(use[0] + " -> " + use[1]);
            }
        }
        return edges;
    }

    @Test
    void the_packages_import_each_other_only_as_the_architecture_page_draws() throws IOException {
        Set<String> edges = edges();
        Set<String> internalNames = new TreeSet<>();
        for (String[] use : allUses()) {
            boolean internal = use[0].startsWith("dev.netdsl.internal");
            if (internal && (use[1].equals("dev.netdsl.layers") || use[1].equals("dev.netdsl.training"))) {
                internalNames.add(use[1] + "." + use[2]);
            }
        }
        assertThat(edges).as("package edges (a new one is an architecture decision: docs/architecture.md)")
                .containsExactlyInAnyOrderElementsOf(EDGES);
        assertThat(OPEN).as("internal names only the open interfaces of layers and training").containsAll(internalNames);
    }
}
