package dev.netdsl;

import dev.netdsl.internal.AtomicFiles;
import dev.netdsl.internal.SavedModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Signature;

/** A model's forward pass, with its current weights and buffers, as a SavedModel or an ONNX file. */
final class Exports {
    private Exports() {
    }

    /** The parameters and buffers, by PyTorch name. */
    static List<Parameter> state(Model model) {
        List<Parameter> state = new ArrayList<>(model.parameters());
        state.addAll(model.buffers());
        return state;
    }

    /**
     * {@link Model#exportSavedModel(Path, boolean)}: a graph of the forward pass alone with the current weights and
     * buffers (no loss, gradients, optimizer slots or guard checkpoints), so the SavedModel holds exactly the model's state.
     */
    static void savedModel(Model model, Path dir, boolean overwrite) {
        Net net = model.spec();
        try (Model serving = new Model(net.forwardOnly(), model.graph().rt.device())) {
            serving.setParameters(state(model));
            Signature signature = SavedModels.servingSignature().input("x", serving.graph().x).output("y", serving.graph().output)
                    .build();
            SavedModels.export(serving.graph().rt, signature, dir, overwrite, net.toString());
        }
    }

    /** {@link Model#exportOnnx(Path)}, written beside {@code file} and moved into place. */
    static void onnx(Model model, Path file) {
        AtomicFiles.write(file, OnnxExport.bytes(model.graph(), state(model)));
    }
}
