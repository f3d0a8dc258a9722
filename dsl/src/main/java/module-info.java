/**
 * NetDSL: define, train, save and export neural networks from plain Java, on TensorFlow. The API is
 * {@code dev.netdsl} (nets, models, data), {@code dev.netdsl.layers}, {@code dev.netdsl.training},
 * {@code dev.netdsl.autograd} and {@code dev.netdsl.io}; {@code dev.netdsl.internal} (the TensorFlow
 * glue), {@code dev.netdsl.internal.engine} (the engine) and {@code dev.netdsl.internal.files} (the file
 * formats) are not exported.
 */
module dev.netdsl {
    exports dev.netdsl;
    exports dev.netdsl.layers;
    exports dev.netdsl.training;
    exports dev.netdsl.autograd;
    exports dev.netdsl.io;

    requires tensorflow;
    requires me.tongfei.progressbar;
    requires com.fasterxml.jackson.databind;
    requires pickle;
    requires com.google.protobuf;
}
