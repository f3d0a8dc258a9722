package dev.netdsl;

import java.util.List;

/**
 * A batch's training loss and the loss's gradient with respect to each trained parameter, named and laid out as
 * {@link Model#parameters()} ({@code 0.weight [20, 1]}, ...): what PyTorch's {@code loss.backward()} leaves in
 * each {@code p.grad}. A net whose training pass updates buffers (batch norm's running statistics) also gets the
 * values the pass gives them. From {@link Model#gradients(Dataset)}; {@link Model#applyGradients(Gradients)} takes them
 * (or their average over data-parallel workers) back.
 *
 * @param loss the mean training loss over the batch
 * @param values one gradient per trained parameter
 * @param buffers the buffers' values after the batch's training pass, named as {@link Model#buffers()}; empty if the
 *     pass updates none
 */
public record Gradients(float loss, List<Parameter> values, List<Parameter> buffers) {
    /** @throws NullPointerException if {@code values} or {@code buffers} is null */
    public Gradients {
        values = List.copyOf(values);
        buffers = List.copyOf(buffers);
    }

    /** Gradients of a net that updates no buffers. */
    public Gradients(float loss, List<Parameter> values) {
        this(loss, values, List.of());
    }

    /**
     * The element-wise mean of {@code parts} (the workers' gradients of one step) and of their losses: equal batches
     * averaged give the gradient of their union, as PyTorch's DistributedDataParallel averages. The buffers are the
     * first part's, as DistributedDataParallel keeps rank 0's running statistics.
     *
     * @throws IllegalArgumentException if none are given or their names or shapes differ
     */
    public static Gradients mean(List<Gradients> parts) {
        int[] rows = new int[parts.size()];
        java.util.Arrays.fill(rows, 1);
        return mean(parts, rows);
    }

    /**
     * The mean of {@code parts} computed on batches of {@code rows[i]} rows each: each part weighted by its share of
     * the rows, which for a mean loss is exactly the gradient (and loss) of the union of the batches, unequal or not.
     *
     * @throws IllegalArgumentException if none are given, the counts are not one per part and positive, or the parts'
     *     names or shapes differ
     */
    public static Gradients mean(List<Gradients> parts, int[] rows) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("Gradients.mean: no gradients given");
        }
        if (rows.length != parts.size()) {
            throw new IllegalArgumentException("Gradients.mean: " + rows.length + " row counts for " + parts.size() + " parts");
        }
        long total = 0;
        for (int r : rows) {
            if (r < 1) {
                throw new IllegalArgumentException("Gradients.mean: a part of " + r + " rows; every part needs at least 1");
            }
            total += r;
        }
        List<Parameter> first = parts.get(0).values();
        float[][] sum = new float[first.size()][];
        double loss = 0;
        for (int j = 0; j < parts.size(); j++) {
            Gradients part = parts.get(j);
            float w = (float) ((double) rows[j] / total);
            if (part.values().size() != first.size()) {
                throw new IllegalArgumentException("Gradients.mean: " + part.values().size() + " gradients where the first part has "
                        + first.size());
            }
            loss += (double) w * part.loss();
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
                    sum[i][k] += w * v[k];
                }
            }
        }
        List<Parameter> out = new java.util.ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            out.add(new Parameter(first.get(i).name(), first.get(i).shape(), sum[i]));
        }
        return new Gradients((float) loss, out, parts.get(0).buffers());
    }
}
