package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netdsl.layers.Module;
import dev.netdsl.training.Checkpoint;
import dev.netdsl.training.Fit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files with a forged description (and a valid checksum) open and work as the description they hold
 * says, checked as a spec built in Java is, or fail with a clear exception naming the file (finding 13 of
 * issue 24): never a raw runtime exception, TensorFlow's native text, or a model that trusts a forged shape.
 */
class HostileModelFilesTest {
    @TempDir
    Path dir;

    @Test
    void six_hundred_edited_model_files_open_and_work_or_fail_with_documented_exceptions() throws Exception {
        PropertyTest.Forked run = PropertyTest.fork(RandomModelFiles.class, List.of("-Xmx512m"), "600", "20261206");
        System.out.println(run.out());
        // A native crash would kill the child: exit code 134 (SIGABRT) or 139 (SIGSEGV), no summary.
        assertThat(run.exit()).as("child exit code; output:\n" + run.out()).isZero();
        assertThat(run.out()).contains("CASES 600").doesNotContain("UNDOCUMENTED").doesNotContain("WRONG");
        // Both kinds of outcome were reached, with edited descriptions and edited bytes.
        assertThat(run.out()).contains(" ok ").contains("open IllegalArgumentException").contains("e.g. bytes ");
    }

    /** Max pooling of a [1, 4, 4] image to [1, 2, 2], a 1x1 convolution, flattened to 4 outputs, tanh. */
    static final class Pooled extends Module {
        final dev.netdsl.layers.Conv2d conv = add("conv", dev.netdsl.layers.Layers.conv2d(1, 1, 1));

        @Override
        public Expr forward(Expr x) {
            return conv.apply(x.maxPool2d(new int[] {2, 2}, new int[] {2, 2})).reshape(-1, 4).tanh();
        }
    }

    private Path saved(Module module, int... input) {
        Path file = dir.resolve("model.netdsl");
        try (Model m = Net.module(module).input(input).mse().sgd(0.1).seed(1).build()) {
            m.saveAll(file);
        }
        return file;
    }

    /** The forward pass's node of op {@code op}. */
    private static ObjectNode node(JsonNode root, String op) {
        for (JsonNode n : root.get("net").get("forward")) {
            if (n.get("op").asText().equals(op)) {
                return (ObjectNode) n;
            }
        }
        throw new AssertionError("no " + op + " node in " + root.get("net").get("forward"));
    }

    private static void rewrite(Path file, java.util.function.Consumer<JsonNode> edit) throws Exception {
        byte[] base = Files.readAllBytes(file);
        JsonNode root = RandomModelFiles.description(base);
        edit.accept(root);
        Files.write(file, RandomModelFiles.withDescription(base, root));
    }

    @Test
    void a_max_pool_with_kernel_0_in_a_saved_forward_pass_is_refused_on_open() throws Exception {
        Path file = saved(new Pooled(), 1, 4, 4);
        rewrite(file, root -> {
            ArrayNode values = (ArrayNode) node(root, "max_pool2d").get("values");
            values.set(0, 0.0);
            values.set(1, 0.0);
        });
        assertThatThrownBy(() -> Model.open(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("max_pool2d").hasMessageContaining("kernel [0, 0]");
    }

    @Test
    void a_forged_output_shape_is_not_believed() throws Exception {
        Path file = saved(new Pooled(), 1, 4, 4);
        rewrite(file, root -> {
            ArrayNode forward = (ArrayNode) root.get("net").get("forward");
            ((ObjectNode) forward.get(forward.size() - 1)).putArray("shape").add(-1).add(3);
        });
        try (Model m = Model.open(file)) {
            Tensor y = m.predict(Tensor.of(new float[32], 2, 1, 4, 4));
            // The shape comes from the operations, not from the file: two rows of four values.
            assertThat(y.shape()).containsExactly(2, 4);
            assertThat(y.values()).hasSize(8);
        }
    }

    @Test
    void a_checkpoint_whose_epochs_done_was_edited_to_minus_1000_is_refused(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("checkpoint.netdsl");
        Dataset data = RandomModelFiles.rows(8, 3, 1);
        try (Model m = Net.of(3, 4, 1).mse().sgd(0.1).seed(1).build()) {
            m.fit(data, Fit.epochs(2).batchSize(4).quiet().callbacks(Checkpoint.every(file)));
        }
        rewrite(file, root -> ((ObjectNode) root.get("fit")).put("epochs_done", -1000));
        assertThatThrownBy(() -> Model.open(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("-1000 epochs");
    }

    @Test
    void a_format_1_file_naming_an_operation_that_does_not_exist_is_refused(@TempDir Path tmp) throws Exception {
        byte[] bytes;
        try (java.io.InputStream in = getClass().getResourceAsStream("/format-v1/module.netdsl")) {
            bytes = in.readAllBytes();
        }
        // The module's forward pass comes after its layers; flip bytes until the reader meets a bad node, and check that
        // every such file fails with a message (before: ArrayIndexOutOfBounds, NegativeArraySize, OutOfMemoryError).
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        int refused = 0;
        for (int k = 0; k < 60; k++) {
            byte[] edited = bytes.clone();
            edited[12 + r.nextInt(edited.length - 20)] = (byte) r.nextInt(256);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(edited, 0, edited.length - 8);
            java.nio.ByteBuffer.wrap(edited, edited.length - 8, 8).putLong(crc.getValue());
            Path file = tmp.resolve("v1-" + k + ".netdsl");
            Files.write(file, edited);
            try (Model m = Model.open(file)) {
                m.predict(new float[][] {{1, 2}});
            } catch (IllegalArgumentException | IllegalStateException e) {
                assertThat(e.getMessage()).isNotBlank();
                refused++;
            }
        }
        assertThat(refused).isPositive();
    }
}
