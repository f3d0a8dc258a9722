package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the architecture promises (docs/architecture.md), read from the sources: the TensorFlow glue and the engine in
 * {@code internal} see layers, losses, optimizers and callbacks only through their interfaces and the API's value
 * types; the file formats also through the type registries; and nothing dispatches on a concrete optimizer or
 * schedule class.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/netdsl");

    /** The interfaces and value types of layers and training that internal code may name. */
    private static final Set<String> OPEN = Set.of("dev.netdsl.layers.Layer", "dev.netdsl.layers.ParameterSpec",
            "dev.netdsl.layers.Settings", "dev.netdsl.layers.Initializer", "dev.netdsl.layers.LayerContext",
            "dev.netdsl.layers.Module", "dev.netdsl.training.Optimizer", "dev.netdsl.training.Kernels",
            "dev.netdsl.training.GradientRules", "dev.netdsl.training.Loss", "dev.netdsl.training.Targets",
            "dev.netdsl.training.Callback", "dev.netdsl.training.TrainingRun", "dev.netdsl.training.StepListener", "dev.netdsl.training.GradientSource",
            "dev.netdsl.training.Fit");

    /**
     * What the file formats may name besides: the registries that turn a saved type name into a layer, loss or
     * optimizer, the hidden-activation enum of {@code Net.of}, and the built-in layers' factories an ONNX file's
     * nodes become (a Gemm is a {@code Linear}).
     */
    private static final Set<String> FILES = Set.of("dev.netdsl.layers.Layers", "dev.netdsl.layers.Activation",
            "dev.netdsl.training.Losses", "dev.netdsl.training.Optimizers");

    private static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    @Test
    void internal_code_names_no_layer_loss_optimizer_or_callback_implementation() throws IOException {
        Pattern ref = Pattern.compile("dev\\.netdsl\\.(layers|training)\\.[A-Z]\\w*");
        List<String> found = new ArrayList<>();
        for (Path p : sources(MAIN.resolve("internal"))) {
            Matcher m = ref.matcher(Files.readString(p));
            while (m.find()) {
                boolean files = p.startsWith(MAIN.resolve("internal/files"));
                if (!OPEN.contains(m.group()) && !(files && FILES.contains(m.group()))) {
                    found.add(p.getFileName() + " -> " + m.group());
                }
            }
        }
        assertThat(found).as("internal classes naming implementations").isEmpty();
    }

    @Test
    void nothing_dispatches_on_a_concrete_optimizer_or_schedule() throws IOException {
        Pattern dispatch = Pattern.compile("instanceof\\s+(SGD|Adam|AdamW|RMSprop|Adagrad|Adadelta|StepLR|CosineAnnealingLR"
                + "|ReduceLROnPlateau)\\b");
        List<String> found = new ArrayList<>();
        for (Path p : sources(MAIN)) {
            if (dispatch.matcher(Files.readString(p)).find()) {
                found.add(p.toString());
            }
        }
        assertThat(found).isEmpty();
    }

    /**
     * The training path runs one way: the trainer sets a fit up, the loop runs it, the plan cuts it, the step runner
     * runs each step (the fused loop many), the feeder turns data into tensors, the graph holds the ops. No file of it
     * names one above it (javadoc aside), so following the data from {@code Model.fit} never climbs back.
     */
    @Test
    void the_training_path_calls_only_downwards() throws IOException {
        List<String> path = List.of("Trainer", "FitLoop", "FitPlan", "StepRunner", "FusedFit", "Feeder", "NetGraph");
        List<String> found = new ArrayList<>();
        for (int i = 1; i < path.size(); i++) {
            String code = Files.readString(MAIN.resolve("internal/engine/" + path.get(i) + ".java"))
                    .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            for (String above : path.subList(0, i)) {
                if (Pattern.compile("\\b" + above + "\\b").matcher(code).find()) {
                    found.add(path.get(i) + " -> " + above);
                }
            }
        }
        assertThat(found).as("calls up the training path").isEmpty();
    }
}
