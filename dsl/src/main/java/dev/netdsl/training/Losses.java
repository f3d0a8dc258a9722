package dev.netdsl.training;

import dev.netdsl.internal.TypeRegistry;
import dev.netdsl.layers.Settings;
import java.util.function.Function;

/** Static factories for losses, meant for static import, and the registry that rebuilds them from files. */
public final class Losses {
    private static final TypeRegistry<Loss> TYPES = new TypeRegistry<>(Loss.class, "dev.netdsl.training", "Losses.register");

    private Losses() {
    }

    /** Mean squared error, {@code mean((yHat - y)^2)} ({@code nn.MSELoss()}). */
    public static Loss mse() {
        return new MSELoss();
    }

    /** Mean absolute error, {@code mean(|yHat - y|)} ({@code nn.L1Loss()}). */
    public static Loss l1() {
        return new L1Loss();
    }

    /** Softmax cross-entropy on logits with integer labels ({@code nn.CrossEntropyLoss()}). */
    public static CrossEntropyLoss crossEntropy() {
        return new CrossEntropyLoss();
    }

    /** Binary cross-entropy on logits with 0/1 targets ({@code nn.BCEWithLogitsLoss()}). */
    public static Loss bceWithLogits() {
        return new BCEWithLogitsLoss();
    }

    /** Makes your own loss type readable from model files (see {@code Layers.register}). */
    public static void register(String typeName, Function<Settings, ? extends Loss> factory) {
        TYPES.register(typeName, factory);
    }

    /**
     * The loss of type {@code typeName} with {@code settings}: a registered type, or one of NetDSL's.
     *
     * @throws IllegalArgumentException naming the type and how to register it if it is unknown
     */
    public static Loss fromSettings(String typeName, Settings settings) {
        return TYPES.create(typeName, settings);
    }
}
