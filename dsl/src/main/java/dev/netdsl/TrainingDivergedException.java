package dev.netdsl;

/**
 * Training stopped because the loss became NaN or infinite. The model (or the minimizer's
 * variables) was put back to the weights of the last step whose loss was finite, so nothing
 * trained before is lost; lower the learning rate and train on.
 */
public final class TrainingDivergedException extends NetDslException {
    private static final long serialVersionUID = 1L;
    private final long step;
    private final float loss;

    /** A divergence at training step {@code step} (1-based) whose loss was {@code loss}. */
    public TrainingDivergedException(String message, long step, float loss) {
        super(message);
        this.step = step;
        this.loss = loss;
    }

    /** The training step (1-based, counted since the model was built) whose loss was not finite. */
    public long step() {
        return step;
    }

    /** The loss that step computed: NaN or an infinity (NaN when it could not be read back). */
    public float loss() {
        return loss;
    }
}
