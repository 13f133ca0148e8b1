package dev.ares.core.aepo;

/**
 * Clipped surrogate policy loss with asymmetric and dual clipping (spec §8; paper Eq. 2 with π_old in the ratio,
 * fixing typo B11). Arrays are row-major [B·T]; log-probabilities are natural logs of the sampled tokens.
 */
public final class PolicyLoss {
    private PolicyLoss() {
    }

    /** Clamp of log π_θ − log π_old before exponentiation. */
    public static final double LOG_RATIO_CLAMP = 20.0;

    /**
     * Loss and diagnostics.
     *
     * @param loss aggregated per-token loss
     * @param clipFraction fraction of masked tokens where the clipped branch was taken
     * @param dualClipFraction fraction of masked tokens where the dual clip bound was taken (A &lt; 0)
     * @param approxKl token mean of log π_old − log π_θ (k1 against the behaviour policy)
     */
    public record Result(double loss, double clipFraction, double dualClipFraction, double approxKl) {
    }

    /**
     * Importance ratio r = exp(clamp(log π_θ − log π_old, ±20)) (spec §8).
     */
    public static double ratio(double logp, double oldLogp) {
        return Math.exp(Math.max(-LOG_RATIO_CLAMP, Math.min(LOG_RATIO_CLAMP, logp - oldLogp)));
    }

    /**
     * Per-token loss of the clipped surrogate: max(−A·r, −A·clip(r, 1−ε_lo, 1+ε_hi)), and for A &lt; 0 additionally
     * min(·, −dualClip·A) (spec §8). The clip is applied to the log-ratio, as in the official code.
     *
     * @param logp log π_θ of the token
     * @param oldLogp log π_old (behaviour policy) of the token
     * @param adv advantage A
     * @param epsLow ε_low (0.2)
     * @param epsHigh ε_high (0.3)
     * @param dualClip C (3.0); values ≤ 1 disable the dual clip
     * @return the token loss
     */
    public static double tokenLoss(double logp, double oldLogp, double adv, double epsLow, double epsHigh,
                                   double dualClip) {
        double logRatio = Math.max(-LOG_RATIO_CLAMP, Math.min(LOG_RATIO_CLAMP, logp - oldLogp));
        double r = Math.exp(logRatio);
        double clippedLog = Math.max(Math.log(1.0 - epsLow), Math.min(Math.log(1.0 + epsHigh), logRatio));
        double rc = Math.exp(clippedLog);
        double loss = Math.max(-adv * r, -adv * rc);
        if (adv < 0 && dualClip > 1.0) {
            loss = Math.min(loss, -dualClip * adv);
        }
        return loss;
    }

    /**
     * Aggregated clipped surrogate (spec §14 {@code ppo_clip_loss}).
     *
     * @param logp [B·T] log π_θ
     * @param oldLogp [B·T] log π_old (behaviour)
     * @param adv [B·T] advantages (the GRPO A_i broadcast over tokens)
     * @param mask [B·T] response mask
     * @param b responses
     * @param t padded length
     * @param epsLow ε_low
     * @param epsHigh ε_high
     * @param dualClip dual clip constant C
     * @param agg aggregation
     * @return loss and diagnostics
     */
    public static Result ppoClipLoss(double[] logp, double[] oldLogp, double[] adv, boolean[] mask, int b, int t,
                                     double epsLow, double epsHigh, double dualClip,
                                     KlDivergence.Aggregation agg) {
        Checks.length(logp.length, b * t, "logp");
        Checks.length(oldLogp.length, b * t, "oldLogp");
        Checks.length(adv.length, b * t, "adv");
        Checks.length(mask.length, b * t, "mask");
        Checks.inRange(epsLow, 0.0, 0.999999, "epsLow");
        if (!(epsHigh >= 0)) {
            throw new AepoInputException("epsHigh must be >= 0, got " + epsHigh);
        }
        double[] per = new double[b * t];
        long n = 0;
        long clipped = 0;
        long dual = 0;
        double kl = 0.0;
        double lo = Math.log(1.0 - epsLow);
        double hi = Math.log(1.0 + epsHigh);
        for (int i = 0; i < per.length; i++) {
            double logRatio = Math.max(-LOG_RATIO_CLAMP, Math.min(LOG_RATIO_CLAMP, logp[i] - oldLogp[i]));
            double unclipped = -adv[i] * Math.exp(logRatio);
            double clippedBranch = -adv[i] * Math.exp(Math.max(lo, Math.min(hi, logRatio)));
            double pg = Math.max(unclipped, clippedBranch);
            boolean dualTaken = adv[i] < 0 && dualClip > 1.0 && -dualClip * adv[i] < pg;
            per[i] = dualTaken ? -dualClip * adv[i] : pg;
            if (!mask[i]) {
                continue;
            }
            n++;
            kl -= logp[i] - oldLogp[i];
            if (clippedBranch > unclipped) {
                clipped++;
            }
            if (dualTaken) {
                dual++;
            }
        }
        double loss = KlDivergence.aggregate(per, mask, b, t, agg);
        return n == 0 ? new Result(0.0, 0.0, 0.0, 0.0)
                : new Result(loss, (double) clipped / n, (double) dual / n, kl / n);
    }
}
