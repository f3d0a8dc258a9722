package dev.netdsl.internal.files;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Parameter;
import dev.netdsl.internal.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Signature;

/** A model's forward pass, with its current weights and buffers, as a SavedModel or an ONNX file. */
public final class Exports {
    private Exports() {
    }

    /** The parameters and buffers, by PyTorch name. */
    public static List<Parameter> state(Model model) {
        List<Parameter> state = new ArrayList<>(model.parameters());
        state.addAll(model.buffers());
        return state;
    }

    /**
     * {@link Model#exportSavedModel(Path, boolean)}: a graph of the forward pass alone with the current weights and
     * buffers (no loss, gradients, optimizer slots or guard checkpoints), so the SavedModel holds exactly the model's state.
     */
    public static void savedModel(Model model, Path dir, boolean overwrite) {
        Net net = model.spec();
        try (Model serving = access().model(access().forwardOnly(net), access().graph(model).rt.device())) {
            serving.setParameters(state(model));
            Signature signature = SavedModels.servingSignature().input("x", access().graph(serving).x).output("y", access().graph(serving).output)
                    .build();
            SavedModels.export(access().graph(serving).rt, signature, dir, overwrite, net.toString());
        }
    }

    /** {@link Model#exportOnnx(Path)}, written beside {@code file} and moved into place. */
    public static void onnx(Model model, Path file) {
        AtomicFiles.write(file, OnnxExport.bytes(access().graph(model), state(model)));
    }
}
