package dev.netdsl.internal.engine;

import static dev.netdsl.internal.engine.Access.access;

import dev.netdsl.Dataset;
import dev.netdsl.Model;
import dev.netdsl.Net;
import dev.netdsl.Precision;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Result;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Where a training step's time goes: 50 steps of the sine-fitting net (1000 points) or the MNIST MLP (batch 200)
 * under TensorFlow's FULL_TRACE, op time summed by op type. A developer tool behind the benchmark's account of
 * missed targets, not a test: {@code java -cp dsl/target/classes:dsl/target/test-classes:<dsl's class path>
 * dev.netdsl.internal.engine.StepTrace sine|mnist|cnn [float32|bf16]} (cnn: the cnn example's net, batch 128, Adam).
 */
public class StepTrace {
    public static void main(String[] a) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        Net spec; Dataset batch;
        Precision precision = a.length > 1 ? Precision.fromName(a[1]) : Precision.FLOAT32;
        if (a[0].equals("cnn")) {
            int n = 128; float[] x = new float[n * 784]; int[] y = new int[n];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
            for (int i = 0; i < n; i++) y[i] = r.nextInt(10);
            batch = Dataset.of(x, y, 1, 28, 28);
            spec = Net.sequential(dev.netdsl.layers.Layers.conv2d(1, 32, 3), dev.netdsl.layers.Layers.batchNorm2d(32),
                    dev.netdsl.layers.Layers.relu(), dev.netdsl.layers.Layers.maxPool2d(2), dev.netdsl.layers.Layers.conv2d(32, 64, 3),
                    dev.netdsl.layers.Layers.batchNorm2d(64), dev.netdsl.layers.Layers.relu(), dev.netdsl.layers.Layers.maxPool2d(2),
                    dev.netdsl.layers.Layers.flatten(), dev.netdsl.layers.Layers.linear(64 * 5 * 5, 128), dev.netdsl.layers.Layers.relu(),
                    dev.netdsl.layers.Layers.dropout(0.25), dev.netdsl.layers.Layers.linear(128, 10)).input(1, 28, 28)
                    .crossEntropy().adam(1e-3).seed(1);
        } else if (a[0].equals("mnist")) {
            int n = 200; float[] x = new float[n * 784]; int[] y = new int[n];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
            for (int i = 0; i < n; i++) y[i] = r.nextInt(10);
            batch = Dataset.of(x, 784, y);
            spec = Net.of(784, 200, 200, 10).relu().crossEntropy().sgd(0.01).seed(1);
        } else {
            float[][] sx = new float[1000][1], sy = new float[1000][1];
            for (int i = 0; i < 1000; i++) { sx[i][0] = -10f + 20f * i / 999; sy[i][0] = (float) Math.sin(sx[i][0]); }
            batch = Dataset.of(sx, sy);
            spec = Net.of(1, 20, 50, 20, 1).relu().mse().sgd(0.05).seed(1);
        }
        try (Model m = spec.precision(precision).build().progress(false)) {
            access().trainer(m).fusion = false;
            m.fit(batch, 300);
            Map<String, Long> byType = new TreeMap<>();
            long total = 0; int steps = 50; long wall = 0;
            for (int s = 0; s < steps; s++) {
                try (Feeder f = Feeder.of(access().graph(m), batch, true)) {
                    long t0 = System.nanoTime();
                    try (Result res = f.into(access().graph(m).rt.runner(1e9)).addTarget(access().graph(m).train).fetch(access().graph(m).trainLoss)
                            .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build()).runAndFetchMetadata()) {
                        wall += System.nanoTime() - t0;
                        RunMetadata md = res.getMetadata().get();
                        for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
                            for (NodeExecStats ns : d.getNodeStatsList()) {
                                String type = ns.getTimelineLabel().contains("=") ? ns.getTimelineLabel().replaceAll(".*= ([A-Za-z0-9_]+)\\(.*", "$1") : ns.getNodeName();
                                long us = ns.getOpEndRelMicros() - ns.getOpStartRelMicros();
                                byType.merge(type, us, Long::sum);
                                total += us;
                            }
                        }
                    }
                }
            }
            System.out.printf("%s: %d traced steps, wall %.0f us/step (traced), op time %.0f us/step%n", a[0], steps, wall / 1e3 / steps, (double) total / steps);
            final long tot = total;
            byType.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(14)
                .forEach(e -> System.out.printf("  %-28s %7.1f us/step %5.1f%%%n", e.getKey(), (double) e.getValue() / steps, 100.0 * e.getValue() / tot));
        }
    }
}
