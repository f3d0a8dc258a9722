package dev.netdsl.models;

import static dev.netdsl.layers.Layers.batchNorm2d;
import static dev.netdsl.layers.Layers.conv2d;
import static dev.netdsl.layers.Layers.dropout;
import static dev.netdsl.layers.Layers.flatten;
import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.maxPool2d;
import static dev.netdsl.layers.Layers.relu;

import dev.netdsl.Net;

/**
 * The convolutional chapter that follows the tutorials: a small CNN for 28x28 grey images in 10
 * classes (MNIST, Fashion-MNIST).
 */
public final class Cnn {
    private Cnn() {
    }

    /**
     * Two convolution blocks (3x3 convolution, batch norm, ReLU, 2x2 max pooling; 32 then 64 channels), then
     * a 128-unit linear layer with ReLU and dropout 0.25, then 10 logits: 1x28x28 to 32x13x13 to 64x5x5 to
     * 1600 features. Add the loss, optimizer and seed with the fluent calls, e.g.
     * {@code Cnn.mnist().crossEntropy().adam(1e-3)}.
     */
    public static Net mnist() {
        return Net.sequential(
                conv2d(1, 32, 3), batchNorm2d(32), relu(), maxPool2d(2),
                conv2d(32, 64, 3), batchNorm2d(64), relu(), maxPool2d(2),
                flatten(), linear(64 * 5 * 5, 128), relu(), dropout(0.25), linear(128, 10))
                .input(1, 28, 28);
    }
}
