package dev.ares.model.learner;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@link PolicyTrainer#step} did.
 *
 * @param stepped          whether an optimizer update was taken (false: nothing trainable, weights unchanged)
 * @param loss             total loss L_clip + coef · L_KL of the batch (weighted micro-batch sum)
 * @param policyLoss       clipped-surrogate term
 * @param klLoss           weighted KL term before the coefficient, nats
 * @param meanKl           token mean of the unweighted k3 against π_ref, nats
 * @param clipFraction     fraction of response tokens where the clipped branch was taken
 * @param dualClipFraction fraction where the dual-clip bound was taken
 * @param gradNorm         global gradient norm before clipping
 * @param sequences        trajectories in the loss
 * @param tokens           response tokens in the loss
 * @param seconds          wall time of the step (forward, backward, update)
 * @param controller       KL scales after the update ({@code kl/beta/<bucket>})
 */
public record StepMetrics(boolean stepped, double loss, double policyLoss, double klLoss, double meanKl,
                          double clipFraction, double dualClipFraction, double gradNorm, int sequences, long tokens,
                          double seconds, Map<String, Double> controller) {

    /** Metrics of a step with nothing to train. */
    public static StepMetrics none() {
        return new StepMetrics(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
    }

    /**
     * Flat train-event keys: {@code loss/total}, {@code loss/policy}, {@code loss/kl}, {@code kl/mean},
     * {@code clip/fraction}, {@code clip/dual_fraction}, {@code grad/norm}, {@code train/sequences},
     * {@code train/tokens}, {@code train/tokens_per_s}, {@code train/seconds} and the controller's
     * {@code kl/beta/<bucket>}; only {@code train/sequences} and {@code train/tokens} (zero) when nothing was trained.
     */
    public Map<String, Double> toMap() {
        TreeMap<String, Double> m = new TreeMap<>(controller);
        m.put("train/sequences", (double) sequences);
        m.put("train/tokens", (double) tokens);
        if (!stepped) {
            return m;
        }
        m.put("loss/total", loss);
        m.put("loss/policy", policyLoss);
        m.put("loss/kl", klLoss);
        m.put("kl/mean", meanKl);
        m.put("clip/fraction", clipFraction);
        m.put("clip/dual_fraction", dualClipFraction);
        m.put("grad/norm", gradNorm);
        m.put("train/seconds", seconds);
        m.put("train/tokens_per_s", seconds > 0 ? tokens / seconds : 0.0);
        return m;
    }
}
