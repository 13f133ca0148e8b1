package dev.ares.model.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of a supervised cold-start run (aepo-spec.md §9; the paper's App. A uses AdamW, LR 2e-5,
 * batch 256, 2 epochs for a 7B model; the demo model trains from scratch and needs a larger rate).
 *
 * @param steps           optimiser steps N, {@code >= 1}
 * @param batch           examples per optimiser step, {@code >= 1}
 * @param microTokens     token budget of one forward/backward microbatch: rows x padded length, {@code >= 2}
 *                        (an example longer than the budget forms a microbatch of its own)
 * @param peakLr          peak learning rate of {@link LrSchedule}, {@code > 0}
 * @param warmupSteps     linear warm-up steps, {@code 0..steps}
 * @param minLrRatio      final rate as a fraction of the peak (cosine floor), {@code [0, 1]}
 * @param weightDecay     AdamW decoupled weight decay, {@code >= 0}
 * @param beta1           AdamW first-moment decay, {@code [0, 1)}
 * @param beta2           AdamW second-moment decay, {@code [0, 1)}
 * @param clipNorm        global gradient L2-norm bound, {@code > 0} ({@code Infinity} for none)
 * @param seed            seed of the example order
 * @param checkpointEvery write a checkpoint every this many steps ({@code >= 1}); one is always written at the end
 * @param keepCheckpoints complete checkpoints kept on disk, {@code >= 1}
 */
public record SftSettings(int steps, int batch, int microTokens, double peakLr, int warmupSteps, double minLrRatio,
                          double weightDecay, double beta1, double beta2, double clipNorm, long seed,
                          int checkpointEvery, int keepCheckpoints) {
    public SftSettings {
        require(steps >= 1, "steps must be >= 1, got " + steps);
        require(batch >= 1, "batch must be >= 1, got " + batch);
        require(microTokens >= 2, "microTokens must be >= 2, got " + microTokens);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay must be finite and >= 0, got " + weightDecay);
        require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
        require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
        require(clipNorm > 0, "clipNorm must be > 0, got " + clipNorm);
        require(checkpointEvery >= 1, "checkpointEvery must be >= 1, got " + checkpointEvery);
        require(keepCheckpoints >= 1, "keepCheckpoints must be >= 1, got " + keepCheckpoints);
        new LrSchedule(peakLr, warmupSteps, steps, minLrRatio);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The learning-rate schedule these settings imply. */
    public LrSchedule schedule() {
        return new LrSchedule(peakLr, warmupSteps, steps, minLrRatio);
    }

    /**
     * The settings that decide the trained weights (everything except checkpoint cadence and retention), by
     * name: a resumed run must match these exactly.
     */
    public Map<String, Object> trainingFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("batch", batch);
        m.put("micro_tokens", microTokens);
        m.put("peak_lr", peakLr);
        m.put("warmup_steps", warmupSteps);
        m.put("min_lr_ratio", minLrRatio);
        m.put("weight_decay", weightDecay);
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("clip_norm", clipNorm);
        m.put("seed", seed);
        return m;
    }
}
