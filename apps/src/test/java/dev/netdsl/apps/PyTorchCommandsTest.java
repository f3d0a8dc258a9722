package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code planar --from-pytorch} and {@code inspect} on the planar tutorial's file, as PyTorch 1.13 wrote it. */
class PyTorchCommandsTest {
    static Path fixture(String name) throws Exception {
        return Path.of(PyTorchCommandsTest.class.getResource("/pytorch/" + name).toURI());
    }

    @Test
    void planar_from_pytorch_reproduces_pytorchs_loss_and_accuracy_without_training(@TempDir Path tmp) throws Exception {
        System.setProperty("java.awt.headless", "true");
        JsonNode torch = new ObjectMapper().readTree(fixture("save_seq_net_params.json").toFile());
        String[] r = MainTest.run("planar", "--from-pytorch", fixture("save_seq_net_params.pth").toString(), "--out", tmp.toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("(pytorch format)").contains("0.weight                     [4, 2]           float32")
                .contains("no training").contains(String.format("loss %.4f, accuracy %.1f%%", torch.get("loss").asDouble(),
                        100 * torch.get("accuracy").asDouble()));
        JsonNode m = new ObjectMapper().readTree(tmp.resolve("planar-from-pytorch/metrics.json").toFile());
        assertThat(m.get("loss").asDouble()).isCloseTo(torch.get("loss").asDouble(), within(1e-6));
        assertThat(m.get("accuracy").asDouble()).isCloseTo(torch.get("accuracy").asDouble(), within(1e-6));
        assertThat(ImageIO.read(tmp.resolve("planar-from-pytorch/boundary.png").toFile())).isNotNull();
    }

    @Test
    void inspect_prints_the_tensors_of_each_format_and_a_model_files_summary(@TempDir Path tmp) throws Exception {
        String[] r = MainTest.run("inspect", fixture("save_seq_net_params.pth").toString());
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("PyTorch (torch.save) weights file, 4 tensors, 17 values").contains("2.bias                       [1]");
        Path model = tmp.resolve("m.netdsl");
        try (dev.netdsl.Model m = dev.netdsl.models.Planar.sequential().bceWithLogits().sgd(1).seed(1).build()) {
            m.load(fixture("save_seq_net_params.pth"));
            m.saveAll(model);
            m.save(tmp.resolve("w.safetensors"));
        }
        r = MainTest.run("inspect", model.toString());
        assertThat(r[1]).contains("NetDSL model file (saveAll), 0 training steps taken").contains("Total params: 17")
                .contains("Optimizer: SGD(lr=1.0)").contains("0.weight");
        r = MainTest.run("inspect", tmp.resolve("w.safetensors").toString());
        assertThat(r[1]).contains("safetensors weights file, 4 tensors, 17 values");
        Files.writeString(tmp.resolve("junk"), "junk");
        r = MainTest.run("inspect", tmp.resolve("junk").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("neither a NetDSL weights file");
    }

    @Test
    void inspect_describes_a_savedmodel_directorys_signature_without_loading_it(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("m.netdsl");
        try (dev.netdsl.Model m = dev.netdsl.Net.of(3, 8, 2).tanh().mse().sgd(0.1).seed(1).build()) {
            m.saveAll(model);
            m.exportSavedModel(tmp.resolve("plain"));
        }
        String[] r = MainTest.run("inspect", tmp.resolve("plain").toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).startsWith(tmp.resolve("plain") + ": TensorFlow SavedModel\n")
                .contains("  tags [serve], 1 signature\n")
                .contains("    signature serving_default (tensorflow/serving/predict)\n")
                .contains("      input  x: float32 [-1, 3]").contains("      output y: float32 [-1, 2]")
                .containsPattern("  variables: 2 files, [\\d,]+ bytes");
        // An export by ./netdsl export also names the command that made it.
        assertThat(MainTest.run("export", model.toString(), "--out", tmp.resolve("exported").toString())[0]).isEqualTo("0");
        r = MainTest.run("inspect", tmp.resolve("exported").toString());
        assertThat(r[1]).contains("assets.extra/netdsl-check.json: sample inputs and NetDSL's outputs for them, from: ./netdsl export "
                + model);
        r = MainTest.run("inspect", tmp.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip()).startsWith("netdsl inspect: " + tmp + " is a directory without a saved_model.pb")
                .doesNotContain("Is a directory");
    }
}
