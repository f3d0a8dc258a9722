package dev.netdsl;

import dev.netdsl.internal.Check;

/**
 * How gradients turn into parameter updates. Immutable values; create them with {@link Optimizers}.
 * Update rules and defaults follow PyTorch's {@code torch.optim}.
 */
public sealed interface Optimizer permits Optimizer.Sgd, Optimizer.Adam, Optimizer.RmsProp, Optimizer.AdaGrad,
        Optimizer.AdaDelta {

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
            Check.positiveFinite("adam", "epsilon", epsilon);
        }

        @Override
        public String toString() {
            return "Adam(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon + ")";
        }
    }

    /**
     * RMSprop as {@code torch.optim.RMSprop(lr, alpha, eps)}: {@code v = alpha*v + (1-alpha)*g^2;
     * p -= lr * g / (sqrt(v) + eps)}.
     */
    record RmsProp(double learningRate, double alpha, double epsilon) implements Optimizer {
        public RmsProp {
            Check.learningRate("rmsprop", learningRate);
            Check.unitInterval("rmsprop", "alpha", alpha);
            Check.positiveFinite("rmsprop", "epsilon", epsilon);
        }

        @Override
        public String toString() {
            return "RMSprop(lr=" + learningRate + ", alpha=" + alpha + ", eps=" + epsilon + ")";
        }
    }

    /**
     * Adagrad as {@code torch.optim.Adagrad(lr, eps)} (no decay, zero initial accumulator):
     * {@code s += g^2; p -= lr * g / (sqrt(s) + eps)}.
     */
    record AdaGrad(double learningRate, double epsilon) implements Optimizer {
        public AdaGrad {
            Check.learningRate("adagrad", learningRate);
            Check.positiveFinite("adagrad", "epsilon", epsilon);
        }

        @Override
        public String toString() {
            return "Adagrad(lr=" + learningRate + ", eps=" + epsilon + ")";
        }
    }

    /**
     * Adadelta as {@code torch.optim.Adadelta(lr, rho, eps)}: {@code v = rho*v + (1-rho)*g^2;
     * d = sqrt(u+eps)/sqrt(v+eps)*g; u = rho*u + (1-rho)*d^2; p -= lr*d}.
     */
    record AdaDelta(double learningRate, double rho, double epsilon) implements Optimizer {
        public AdaDelta {
            Check.learningRate("adadelta", learningRate);
            Check.unitInterval("adadelta", "rho", rho);
            Check.positiveFinite("adadelta", "epsilon", epsilon);
        }

        @Override
        public String toString() {
            return "Adadelta(lr=" + learningRate + ", rho=" + rho + ", eps=" + epsilon + ")";
        }
    }
}
