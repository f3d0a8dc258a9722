package dev.netdsl.layers;

import dev.netdsl.Expr;

/** What a layer's {@link Layer#forward} can ask for while a model is compiled. */
public interface LayerContext {

    /**
     * The layer's parameter or buffer {@code name}, in the layout its {@link ParameterSpec} stores.
     *
     * @throws IllegalArgumentException if the layer declares no such tensor
     */
    Expr parameter(String name);

    /** True while compiling the training pass ({@code fit}, {@code step}), false for inference. */
    boolean training();

    /**
     * In the training pass, sets buffer {@code name} to {@code value} after each training step (running
     * statistics). Ignored in inference.
     */
    void update(String name, Expr value);

    /**
     * Uniform noise in [0, 1) with {@code like}'s shape, different at every training step and the same
     * when a step is replayed (it is keyed by the model's seed, the step and this call).
     */
    Expr uniform(Expr like);

    /**
     * The net's input ({@code [batch, ...]}), e.g. the token ids an attention layer deep in a net derives its
     * padding mask from.
     */
    Expr netInput();
}
