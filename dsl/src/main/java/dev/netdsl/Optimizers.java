package dev.netdsl;

/** Static factories for optimizers, meant for static import. Defaults follow PyTorch. */
public final class Optimizers {
    private Optimizers() {
    }

    /**
     * Plain SGD, {@code p -= lr * g}.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public static Optimizer.Sgd sgd(double learningRate) {
        return new Optimizer.Sgd(learningRate, 0);
    }

    /**
     * SGD with momentum, {@code v = momentum*v + g; p -= lr * v} (PyTorch's convention).
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite or
     *     {@code momentum} is outside [0, 1)
     */
    public static Optimizer.Sgd sgd(double learningRate, double momentum) {
        return new Optimizer.Sgd(learningRate, momentum);
    }

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8. */
    public static Optimizer.Adam adam(double learningRate) {
        return new Optimizer.Adam(learningRate, 0.9, 0.999, 1e-8);
    }

    /** Adam with explicit hyper-parameters. */
    public static Optimizer.Adam adam(double learningRate, double beta1, double beta2, double epsilon) {
        return new Optimizer.Adam(learningRate, beta1, beta2, epsilon);
    }

    /** RMSprop with PyTorch's defaults: alpha 0.99, eps 1e-8 (PyTorch's default lr is 0.01). */
    public static Optimizer.RmsProp rmsprop(double learningRate) {
        return new Optimizer.RmsProp(learningRate, 0.99, 1e-8);
    }

    /** RMSprop, {@code torch.optim.RMSprop(lr, alpha, eps)}: eps is added after the square root. */
    public static Optimizer.RmsProp rmsprop(double learningRate, double alpha, double epsilon) {
        return new Optimizer.RmsProp(learningRate, alpha, epsilon);
    }

    /** Adagrad with PyTorch's default eps 1e-10 (PyTorch's default lr is 0.01). */
    public static Optimizer.AdaGrad adagrad(double learningRate) {
        return new Optimizer.AdaGrad(learningRate, 1e-10);
    }

    /** Adagrad, {@code torch.optim.Adagrad(lr, eps=eps)}: eps is added after the square root. */
    public static Optimizer.AdaGrad adagrad(double learningRate, double epsilon) {
        return new Optimizer.AdaGrad(learningRate, epsilon);
    }

    /** Adadelta, {@code torch.optim.Adadelta(lr, rho, eps)}: eps inside both square roots. */
    public static Optimizer.AdaDelta adadelta(double learningRate, double rho, double epsilon) {
        return new Optimizer.AdaDelta(learningRate, rho, epsilon);
    }

    /** Adadelta with PyTorch's defaults: lr 1.0, rho 0.9, eps 1e-6. */
    public static Optimizer.AdaDelta adadelta() {
        return adadelta(1.0);
    }

    /** Adadelta with rho 0.9 and eps 1e-6 (PyTorch's defaults). */
    public static Optimizer.AdaDelta adadelta(double learningRate) {
        return new Optimizer.AdaDelta(learningRate, 0.9, 1e-6);
    }
}
