package dev.netdsl.training;

import dev.netdsl.layers.Settings;

/**
 * What is done to the gradients before an optimizer's update, as PyTorch users write it: clipping by
 * value ({@code clip_grad_value_}), then by global norm over all the optimizer's parameters
 * ({@code clip_grad_norm_}, {@code g *= max / (norm + 1e-6)} when the norm exceeds {@code max}), then L2
 * weight decay added to the gradient ({@code weight_decay}: {@code g += wd * p}, as {@code torch.optim}
 * does inside {@code step()}). Zero means off.
 *
 * @param weightDecay the L2 factor added to gradients
 * @param clipNorm the largest global gradient norm
 * @param clipValue the largest absolute gradient element
 */
public record GradientRules(double weightDecay, double clipNorm, double clipValue) {
    /** Nothing done. */
    public static final GradientRules NONE = new GradientRules(0, 0, 0);

    /** @throws IllegalArgumentException for a negative or non-finite value */
    public GradientRules {
        check("weightDecay", weightDecay);
        check("clipGradNorm", clipNorm);
        check("clipGradValue", clipValue);
    }

    private static void check(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + "(" + v + "): must be a finite number, 0 or more (0 means off)");
        }
    }

    /** A copy with L2 weight decay {@code wd}. */
    public GradientRules withWeightDecay(double wd) {
        return new GradientRules(wd, clipNorm, clipValue);
    }

    /** A copy clipping the global gradient norm to {@code max}. */
    public GradientRules withClipNorm(double max) {
        return new GradientRules(weightDecay, max, clipValue);
    }

    /** A copy clipping each gradient element to [-max, max]. */
    public GradientRules withClipValue(double max) {
        return new GradientRules(weightDecay, clipNorm, max);
    }

    /** {@code settings} with these rules added (only those that are on). */
    public Settings addTo(Settings settings) {
        Settings s = settings;
        if (weightDecay > 0) {
            s = s.with("weight_decay", weightDecay);
        }
        if (clipNorm > 0) {
            s = s.with("clip_grad_norm", clipNorm);
        }
        if (clipValue > 0) {
            s = s.with("clip_grad_value", clipValue);
        }
        return s;
    }

    /** The rules stored in {@code settings} (missing ones off). */
    public static GradientRules from(Settings s) {
        return new GradientRules(s.has("weight_decay") ? s.getDouble("weight_decay") : 0,
                s.has("clip_grad_norm") ? s.getDouble("clip_grad_norm") : 0, s.has("clip_grad_value") ? s.getDouble("clip_grad_value") : 0);
    }

    /** {@code , weight_decay=..., clip_grad_norm=...} for an optimizer's repr; empty if none is on. */
    String repr() {
        return (weightDecay > 0 ? ", weight_decay=" + weightDecay : "") + (clipNorm > 0 ? ", clip_grad_norm=" + clipNorm : "")
                + (clipValue > 0 ? ", clip_grad_value=" + clipValue : "");
    }

    /** {@code .weightDecay(...).clipGradNorm(...)} for a Net's code; empty if none is on. */
    String calls() {
        return (weightDecay > 0 ? ".weightDecay(" + weightDecay + ")" : "") + (clipNorm > 0 ? ".clipGradNorm(" + clipNorm + ")" : "")
                + (clipValue > 0 ? ".clipGradValue(" + clipValue + ")" : "");
    }
}
