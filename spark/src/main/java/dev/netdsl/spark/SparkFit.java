package dev.netdsl.spark;

import dev.netdsl.History;
import dev.netdsl.Model;

/**
 * What {@link SparkTrainer#fit} gives back: the trained model (open, on the driver: {@code saveAll},
 * {@code exportSavedModel}, {@code predict} as any other), the fit's history, and the numbers of the gradient
 * exchange. Closing it closes the model.
 *
 * @param model the trained model
 * @param history the fit's history, as {@code Model.fit} returns it
 * @param exchange what the exchange between driver and workers cost
 */
public record SparkFit(Model model, History history, Exchange exchange) implements AutoCloseable {

    /**
     * The gradient exchange's numbers over the fit.
     *
     * @param workers the worker tasks
     * @param steps the steps taken
     * @param bytesPerStep bytes sent and received by the driver per step (weights out, gradients back, every worker)
     * @param stepMillis the mean wall time per step once every worker was ready: the round trip, the driver's update and
     *     its callbacks (and any stage rerun)
     * @param roundTripMillis the mean time per step from sending the weights to holding every worker's gradients
     * @param workerMillis the mean time per step of the slowest worker's own work (setting weights, computing gradients)
     * @param startSeconds the time from starting the Spark job to every worker ready (reading its rows, opening its replica)
     * @param reruns how often a worker was lost and Spark reran the barrier stage
     */
    public record Exchange(int workers, long steps, long bytesPerStep, double stepMillis, double roundTripMillis,
                           double workerMillis, double startSeconds, int reruns) {
        /** What a step costs beyond the slowest worker's own work: moving bytes, averaging, the driver's update. */
        public double overheadMillis() {
            return stepMillis - workerMillis;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%d workers, %d steps: %.2f ms per step (round trip %.2f ms), of which the"
                    + " slowest worker's own work %.2f ms and the exchange and update %.2f ms; %.2f MB moved per step; workers"
                    + " ready after %.1f s%s", workers, steps, stepMillis, roundTripMillis, workerMillis, overheadMillis(),
                    bytesPerStep / 1e6, startSeconds, reruns == 0 ? "" : "; " + reruns + " stage rerun" + (reruns == 1 ? "" : "s"));
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
