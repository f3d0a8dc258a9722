package dev.netdsl.layers;

import dev.netdsl.DType;
import dev.netdsl.Expr;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share: PyTorch's batch normalisation with an affine
 * {@code weight} (ones) and {@code bias} (zeros), and the buffers {@code running_mean} (zeros),
 * {@code running_var} (ones) and {@code num_batches_tracked}. In training a batch is normalised with its
 * own mean and (biased) variance, and the running statistics move towards them with momentum 0.1 (the
 * variance unbiased); in inference the running statistics are used.
 */
abstract class BatchNorm implements Layer {
    /** PyTorch's defaults. */
    static final double EPS = 1e-5;
    static final double MOMENTUM = 0.1;
    final int features;
    final double eps;
    final double momentum;

    BatchNorm(String call, int features, double eps, double momentum) {
        if (features < 1) {
            throw new IllegalArgumentException(call + "(" + features + "): needs at least one feature or channel");
        }
        if (!(eps > 0) || !(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException(call + "(" + features + "): eps " + eps + " must be positive and momentum "
                    + momentum + " in (0, 1]");
        }
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
    }

    /** The example rank this normalises: 1 for [C], 3 for [C, H, W]. */
    abstract int exampleRank();

    @Override
    public Settings settings() {
        return Settings.of("num_features", features, "eps", eps, "momentum", momentum);
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.of("weight", Initializers.constant(1), features),
                ParameterSpec.of("bias", Initializers.zeros(), features));
    }

    @Override
    public List<ParameterSpec> buffers() {
        return List.of(ParameterSpec.of("running_mean", Initializers.zeros(), features),
                ParameterSpec.of("running_var", Initializers.constant(1), features),
                ParameterSpec.of("num_batches_tracked", Initializers.zeros()));
    }

    @Override
    public DType outputType(DType input) {
        return FloatLayers.check(this, input);
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length != exampleRank() || input[0] != features) {
            throw new IllegalArgumentException(this + " expects examples of shape " + (exampleRank() == 1 ? "[" + features + "]"
                    : "[" + features + ", height, width]") + " but gets " + Arrays.toString(input));
        }
        return input.clone();
    }

    @Override
    public Expr forward(Expr x, LayerContext c) {
        Expr weight = c.parameter("weight");
        Expr bias = c.parameter("bias");
        if (!c.training()) {
            return x.batchNorm(weight, bias, c.parameter("running_mean"), c.parameter("running_var"), eps);
        }
        Expr keep = Expr.scalar(1 - momentum);
        Expr m = Expr.scalar(momentum);
        c.update("running_mean", c.parameter("running_mean").times(keep).plus(x.batchMean().times(m)));
        c.update("running_var", c.parameter("running_var").times(keep).plus(x.batchVariance().times(m)));
        c.update("num_batches_tracked", c.parameter("num_batches_tracked").plus(1));
        return x.batchNormTrain(weight, bias, eps);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((BatchNorm) o).features == features && ((BatchNorm) o).eps == eps
                && ((BatchNorm) o).momentum == momentum;
    }

    @Override
    public int hashCode() {
        return 31 * features + getClass().hashCode();
    }

    /** PyTorch's repr, e.g. {@code BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)}. */
    @Override
    public String toString() {
        return typeName() + "(" + features + ", eps=" + eps + ", momentum=" + momentum + ")";
    }
}
