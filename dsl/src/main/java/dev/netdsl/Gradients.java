package dev.netdsl;

import java.util.List;

/**
 * A batch's training loss and the loss's gradient with respect to each trained parameter, named and laid out as
 * {@link Model#parameters()} ({@code 0.weight [20, 1]}, ...): what PyTorch's {@code loss.backward()} leaves in
 * each {@code p.grad}. From {@link Model#gradients(Dataset)}; {@link Model#applyGradients(List)} takes them (or
 * their average over data-parallel workers) back.
 *
 * @param loss the mean training loss over the batch
 * @param values one gradient per trained parameter
 */
public record Gradients(float loss, List<Parameter> values) {
    /** @throws NullPointerException if {@code values} is null */
    public Gradients {
        values = List.copyOf(values);
    }

    /**
     * The element-wise mean of {@code parts} (the workers' gradients of one step) and of their losses: equal batches
     * averaged give the gradient of their union, as PyTorch's DistributedDataParallel averages.
     *
     * @throws IllegalArgumentException if none are given or their names or shapes differ
     */
    public static Gradients mean(List<Gradients> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("Gradients.mean: no gradients given");
        }
        List<Parameter> first = parts.get(0).values();
        float[][] sum = new float[first.size()][];
        double loss = 0;
        for (Gradients part : parts) {
            if (part.values().size() != first.size()) {
                throw new IllegalArgumentException("Gradients.mean: " + part.values().size() + " gradients where the first part has "
                        + first.size());
            }
            loss += part.loss();
            for (int i = 0; i < first.size(); i++) {
                Parameter p = part.values().get(i);
                if (!p.name().equals(first.get(i).name()) || !p.shape().equals(first.get(i).shape())) {
                    throw new IllegalArgumentException("Gradients.mean: " + p.name() + " " + p.shape() + " where the first part has "
                            + first.get(i).name() + " " + first.get(i).shape());
                }
                float[] v = p.values();
                if (sum[i] == null) {
                    sum[i] = new float[v.length];
                }
                for (int k = 0; k < v.length; k++) {
                    sum[i][k] += v[k];
                }
            }
        }
        List<Parameter> out = new java.util.ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            for (int k = 0; k < sum[i].length; k++) {
                sum[i][k] /= parts.size();
            }
            out.add(new Parameter(first.get(i).name(), first.get(i).shape(), sum[i]));
        }
        return new Gradients((float) (loss / parts.size()), out);
    }
}
