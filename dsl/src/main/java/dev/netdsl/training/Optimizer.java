package dev.netdsl.training;

import dev.netdsl.Expr;
import dev.netdsl.layers.Settings;
import java.util.List;

/**
 * How gradients turn into parameter updates: the state it keeps per parameter and its update rule,
 * written with {@link Expr} math. Immutable values; {@link Optimizers} has NetDSL's (with
 * {@code torch.optim}'s rules and defaults) and registers your own for model files. A new optimizer is
 * one class implementing this.
 */
public interface Optimizer {

    /** PyTorch-style type name, e.g. {@code Adam}; model files store it. */
    String typeName();

    /** The settings that rebuild it with its type's factory, e.g. {@code lr=0.001, betas=(0.9, 0.999), eps=1e-08}. */
    Settings settings();

    /** The learning rate. */
    double learningRate();

    /**
     * The state it keeps per parameter, each tensor shaped like its parameter and starting at zero,
     * named as {@code torch.optim} names it ({@code momentum_buffer}, {@code exp_avg}, ...).
     */
    List<String> stateNames();

    /** True if its rule uses the number of the update (Adam's bias correction). */
    default boolean countsSteps() {
        return false;
    }

    /**
     * One update of one parameter.
     *
     * @param parameter the parameter's value
     * @param gradient the loss's gradient with respect to it
     * @param state its state tensors, in {@link #stateNames()} order
     * @param learningRate the learning rate now (a scalar; schedules change it between steps)
     * @param step the number of this update, 1 for the first (a scalar), for {@link #countsSteps()}
     * @return the new value and the new state
     */
    Update update(Expr parameter, Expr gradient, List<Expr> state, Expr learningRate, Expr step);

    /**
     * One update of one parameter with a fused kernel, for steps that write the model's variables in place
     * ({@link Kernels}: TensorFlow's {@code ApplyAdam} and the like, faster than the rule as separate ops).
     * Return false (the default) to have {@link #update} run instead; an optimizer returns the same for every
     * parameter. The kernel must compute {@link #update}'s rule: the fused training loop runs {@code update}.
     *
     * @param kernels where the kernel call goes
     * @param parameter the parameter, updated in place
     * @param state its state tensors, in {@link #stateNames()} order, updated in place
     * @param gradient the loss's gradient, after the {@link #gradientRules()}
     * @param learningRate the learning rate now (a scalar)
     * @param step the number of this update, 1 for the first (a scalar), for {@link #countsSteps()}
     */
    default boolean updateInPlace(Kernels kernels, Kernels.Variable parameter, List<Kernels.Variable> state, Expr gradient,
                                  Expr learningRate, Expr step) {
        return false;
    }

    /** The call on a {@code Net} that picks this optimizer, as {@code Net.toString()} prints it. */
    default String netCall() {
        return "optimizer(" + this + ")";
    }

    /** What is done to the gradients before {@link #update}: clipping, L2 weight decay. None by default. */
    default GradientRules gradientRules() {
        return GradientRules.NONE;
    }

    /**
     * A copy with other gradient rules. NetDSL's optimizers all take them; for your own, override this
     * (and {@link #gradientRules()}) to support {@link #weightDecay}, {@link #clipGradNorm} and
     * {@link #clipGradValue}.
     *
     * @throws UnsupportedOperationException if this optimizer does not take gradient rules
     */
    default Optimizer withGradientRules(GradientRules rules) {
        throw new UnsupportedOperationException(typeName() + " does not take gradient rules; override withGradientRules");
    }

    /** A copy adding L2 weight decay {@code wd * p} to each gradient ({@code torch.optim}'s {@code weight_decay}). */
    default Optimizer weightDecay(double wd) {
        return withGradientRules(gradientRules().withWeightDecay(wd));
    }

    /** A copy scaling the gradients down when their global norm exceeds {@code max} ({@code clip_grad_norm_}). */
    default Optimizer clipGradNorm(double max) {
        return withGradientRules(gradientRules().withClipNorm(max));
    }

    /** A copy clamping each gradient element to [-max, max] ({@code clip_grad_value_}). */
    default Optimizer clipGradValue(double max) {
        return withGradientRules(gradientRules().withClipValue(max));
    }

    /**
     * A parameter's new value and new state.
     *
     * @param parameter the new value
     * @param state the new state, in {@link Optimizer#stateNames()} order
     */
    record Update(Expr parameter, List<Expr> state) {
        /** @throws NullPointerException if a value is null */
        public Update {
            java.util.Objects.requireNonNull(parameter, "parameter");
            state = List.copyOf(state);
        }
    }
}
