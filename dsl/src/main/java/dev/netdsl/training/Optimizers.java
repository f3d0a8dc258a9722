package dev.netdsl.training;

import dev.netdsl.internal.TypeRegistry;
import dev.netdsl.layers.Settings;
import java.util.function.Function;

/**
 * Static factories for optimizers, meant for static import, with PyTorch's defaults; and the registry
 * that rebuilds them from model files.
 */
public final class Optimizers {
    private static final TypeRegistry<Optimizer> TYPES =
            new TypeRegistry<>(Optimizer.class, "dev.netdsl.training", "Optimizers.register");

    private Optimizers() {
    }

    /**
     * Plain SGD, {@code p -= lr * g}; add {@code .momentum(0.9)}, {@code .nesterov()},
     * {@code .weightDecay(5e-4)}, {@code .clipGradNorm(1.0)} as PyTorch's arguments.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public static SGD sgd(double learningRate) {
        return new SGD(learningRate, 0, false, GradientRules.NONE);
    }

    /**
     * SGD with momentum, {@code v = momentum*v + g; p -= lr * v} (PyTorch's convention).
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite or
     *     {@code momentum} is outside [0, 1)
     */
    public static SGD sgd(double learningRate, double momentum) {
        return new SGD(learningRate, momentum, false, GradientRules.NONE);
    }

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8. */
    public static Adam adam(double learningRate) {
        return new Adam(learningRate, 0.9, 0.999, 1e-8, GradientRules.NONE);
    }

    /** Adam with explicit hyper-parameters. */
    public static Adam adam(double learningRate, double beta1, double beta2, double epsilon) {
        return new Adam(learningRate, beta1, beta2, epsilon, GradientRules.NONE);
    }

    /** AdamW (decoupled weight decay {@code wd}) with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8. */
    public static AdamW adamW(double learningRate, double weightDecay) {
        return new AdamW(learningRate, 0.9, 0.999, 1e-8, weightDecay, GradientRules.NONE);
    }

    /** RMSprop with PyTorch's defaults: alpha 0.99, eps 1e-8 (PyTorch's default lr is 0.01). */
    public static RMSprop rmsprop(double learningRate) {
        return new RMSprop(learningRate, 0.99, 1e-8, GradientRules.NONE);
    }

    /** RMSprop, {@code torch.optim.RMSprop(lr, alpha, eps)}: eps is added after the square root. */
    public static RMSprop rmsprop(double learningRate, double alpha, double epsilon) {
        return new RMSprop(learningRate, alpha, epsilon, GradientRules.NONE);
    }

    /** Adagrad with PyTorch's default eps 1e-10 (PyTorch's default lr is 0.01). */
    public static Adagrad adagrad(double learningRate) {
        return new Adagrad(learningRate, 1e-10, GradientRules.NONE);
    }

    /** Adagrad, {@code torch.optim.Adagrad(lr, eps=eps)}: eps is added after the square root. */
    public static Adagrad adagrad(double learningRate, double epsilon) {
        return new Adagrad(learningRate, epsilon, GradientRules.NONE);
    }

    /** Adadelta with PyTorch's defaults: lr 1.0, rho 0.9, eps 1e-6. */
    public static Adadelta adadelta() {
        return adadelta(1.0);
    }

    /** Adadelta with rho 0.9 and eps 1e-6 (PyTorch's defaults). */
    public static Adadelta adadelta(double learningRate) {
        return new Adadelta(learningRate, 0.9, 1e-6, GradientRules.NONE);
    }

    /** Adadelta, {@code torch.optim.Adadelta(lr, rho, eps)}: eps inside both square roots. */
    public static Adadelta adadelta(double learningRate, double rho, double epsilon) {
        return new Adadelta(learningRate, rho, epsilon, GradientRules.NONE);
    }

    /** Makes your own optimizer type readable from model files (see {@code Layers.register}). */
    public static void register(String typeName, Function<Settings, ? extends Optimizer> factory) {
        TYPES.register(typeName, factory);
    }

    /**
     * The optimizer of type {@code typeName} with {@code settings}: a registered type, or one of NetDSL's.
     *
     * @throws IllegalArgumentException naming the type and how to register it if it is unknown
     */
    public static Optimizer fromSettings(String typeName, Settings settings) {
        return TYPES.create(typeName, settings);
    }
}
