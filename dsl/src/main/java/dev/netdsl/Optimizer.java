package dev.netdsl;

import dev.netdsl.internal.Check;

/**
 * How gradients turn into parameter updates. Immutable values; create them with {@link Optimizers}.
 * Update rules and defaults follow PyTorch's {@code torch.optim}.
 */
public sealed interface Optimizer permits Optimizer.Sgd, Optimizer.Adam {

    /** The learning rate. */
    double learningRate();

    /**
     * Stochastic gradient descent, {@code torch.optim.SGD(lr, momentum)}: with momentum {@code mu}
     * the update is {@code v = mu*v + g; p -= lr*v}, without it {@code p -= lr*g}.
     *
     * @param learningRate step size, positive and finite
     * @param momentum in [0, 1); 0 means plain SGD
     */
    record Sgd(double learningRate, double momentum) implements Optimizer {
        public Sgd {
            Check.learningRate("sgd", learningRate);
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("sgd(" + learningRate + ", " + momentum + "): momentum " + momentum
                        + " must be in [0, 1); use 0 for plain SGD or a value like 0.9");
            }
        }

        @Override
        public String toString() {
            return momentum == 0 ? "SGD(lr=" + learningRate + ")" : "SGD(lr=" + learningRate + ", momentum=" + momentum + ")";
        }
    }

    /**
     * Adam, {@code torch.optim.Adam(lr, betas=(beta1, beta2), eps)} with bias correction exactly as
     * PyTorch computes it.
     */
    record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {
        public Adam {
            Check.learningRate("adam", learningRate);
            Check.unitInterval("adam", "beta1", beta1);
            Check.unitInterval("adam", "beta2", beta2);
            if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
                throw new IllegalArgumentException("adam: epsilon " + epsilon + " must be positive and finite; PyTorch's default is 1e-8");
            }
        }

        @Override
        public String toString() {
            return "Adam(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon + ")";
        }
    }
}
