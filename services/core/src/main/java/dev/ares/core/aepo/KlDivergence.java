package dev.ares.core.aepo;

/**
 * Per-token KL estimators against the frozen reference, their token weights and aggregation (spec §7, §14
 * "Advantage, KL and loss"; paper Eq. 1, Alg. 1 lines 17–22). Log-probabilities are natural logs of the
 * sampled token under π_θ and π_ref; arrays are row-major [B·T].
 */
public final class KlDivergence {
    private KlDivergence() {
    }

    /** Per-token KL estimator (EasyR1/verl names in brackets). */
    public enum Estimator {
        /** k1 = log π_θ − log π_ref ("kl"); unbiased, may be negative. */
        K1,
        /** k2 = ½(log π_θ − log π_ref)² ("mse"). */
        K2,
        /** k3 = e^d − d − 1 with d = clamp(log π_ref − log π_θ, ±20), result clamped to [−10, 10] ("low_var_kl"). */
        K3
    }

    /** Token aggregation of a masked [B, T] loss (spec §8 "Aggregation"). */
    public enum Aggregation {
        /** Σ_i Σ_t x·mask / Σ mask. */
        TOKEN_MEAN,
        /** (1/B') Σ_i (Σ_t x·mask / L_i) over responses with L_i &gt; 0 (paper Eq. 2's 1/G Σ 1/|o_i| Σ_t). */
        SEQ_MEAN_TOKEN_MEAN
    }

    /** Clamp applied to d = log π_ref − log π_θ before exponentiation in k3. */
    public static final double K3_LOG_RATIO_CLAMP = 20.0;
    /** Clamp applied to the k3 value. */
    public static final double K3_VALUE_CLAMP = 10.0;

    /** k3 of one token (spec §7.2). */
    public static double k3(double logp, double refLogp) {
        double d = Math.max(-K3_LOG_RATIO_CLAMP, Math.min(K3_LOG_RATIO_CLAMP, refLogp - logp));
        double v = Math.exp(d) - d - 1.0;
        return Math.max(-K3_VALUE_CLAMP, Math.min(K3_VALUE_CLAMP, v));
    }

    /** One token of the chosen estimator. */
    public static double estimate(Estimator est, double logp, double refLogp) {
        return switch (est) {
            case K1 -> logp - refLogp;
            case K2 -> 0.5 * (logp - refLogp) * (logp - refLogp);
            case K3 -> k3(logp, refLogp);
        };
    }

    /**
     * Per-token KL (spec §14 {@code k3} and the k1/k2 alternatives).
     *
     * @param logp [N] log π_θ of the sampled tokens
     * @param refLogp [N] log π_ref of the same tokens
     * @param est estimator
     * @return kl[N], in nats
     */
    public static double[] perToken(double[] logp, double[] refLogp, Estimator est) {
        Checks.length(refLogp.length, logp.length, "refLogp");
        double[] out = new double[logp.length];
        for (int i = 0; i < logp.length; i++) {
            out[i] = estimate(est, logp[i], refLogp[i]);
        }
        return out;
    }

    /**
     * Token weights β_{i,t} = scale_i · β_{d(i)} · ρ^{W_{i,t}} (paper Eq. 1; spec §14 {@code kl_weights}).
     *
     * @param betaPerSeq [B] β_d(i) already multiplied by any per-sequence factor (κ_d, second-chance factor)
     * @param window [B·T] tokens inside validated HWE windows (may be null: no relaxation)
     * @param b number of responses
     * @param t padded length
     * @param rho relaxation ρ in (0, 1]
     * @return beta[B·T]
     */
    public static double[] klWeights(double[] betaPerSeq, boolean[] window, int b, int t, double rho) {
        Checks.length(betaPerSeq.length, b, "betaPerSeq");
        if (window != null) {
            Checks.length(window.length, b * t, "window");
        }
        if (!(rho > 0 && rho <= 1)) {
            throw new AepoInputException("rho must lie in (0, 1], got " + rho);
        }
        double[] out = new double[b * t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                boolean in = window != null && window[r * t + i];
                out[r * t + i] = betaPerSeq[r] * (in ? rho : 1.0);
            }
        }
        return out;
    }

    /**
     * Official "second-chance" per-sequence KL factor (spec §7.2), inert in the official code (bug B2) and live
     * here: {@code factor} when the bucket is easy, the answer incorrect and soft cost ≥ {@code minSoftCost},
     * else 1.
     */
    public static double secondChanceFactor(int bucket, boolean correct, double softCost, double factor,
                                            double minSoftCost) {
        return bucket == Bucket.EASY.ordinal() && !correct && softCost >= minSoftCost ? factor : 1.0;
    }

    /**
     * Per-sequence KL scale s_i, the factor of β_{i,t} = s_i·ρ^{W_{i,t}} that does not depend on the token
     * (spec §7): with the {@link KlConfig.Controller#LOG_BETA} controller β_{d(i)} from the log-β state, times the
     * second-chance factor when enabled; with {@link KlConfig.Controller#KAPPA} the configured β_d times κ_d
     * (Alg. 1 line 20); with {@link KlConfig.Controller#NONE} the configured β_d.
     *
     * @param bucket [B] bucket index per response
     * @param correct [B] correctness (second chance)
     * @param softCost [B] HWE soft cost (second chance), nats
     * @param state controller state holding β or κ
     * @param cfg KL configuration
     * @return s[B]
     */
    public static double[] sequenceScales(int[] bucket, boolean[] correct, double[] softCost, ControllerState state,
                                          KlConfig cfg) {
        Checks.length(correct.length, bucket.length, "correct");
        Checks.length(softCost.length, bucket.length, "softCost");
        BucketValues betas = state.beta().betas();
        double[] out = new double[bucket.length];
        for (int i = 0; i < bucket.length; i++) {
            int d = bucket[i];
            double s = switch (cfg.controller()) {
                case LOG_BETA -> betas.get(d);
                case KAPPA -> cfg.betaInit().get(d) * state.kappa().get(d);
                case NONE -> cfg.betaInit().get(d);
            };
            if (cfg.secondChance()) {
                s *= secondChanceFactor(d, correct[i], softCost[i], cfg.secondChanceFactor(),
                        cfg.secondChanceMinSoftCost());
            }
            out[i] = s;
        }
        return out;
    }

    /**
     * Weighted masked aggregation (spec §14 {@code kl_loss}): agg(β·kl) over the mask. Multiply by the KL
     * coefficient (0.01 in the official code) outside.
     *
     * @param kl [B·T] per-token KL
     * @param beta [B·T] weights, or null for 1
     * @param mask [B·T] response mask
     * @param b number of responses
     * @param t padded length
     * @param agg aggregation mode
     * @return the scalar loss in nats
     */
    public static double klLoss(double[] kl, double[] beta, boolean[] mask, int b, int t, Aggregation agg) {
        Checks.length(kl.length, b * t, "kl");
        Checks.length(mask.length, b * t, "mask");
        if (beta != null) {
            Checks.length(beta.length, b * t, "beta");
        }
        double[] x = new double[b * t];
        for (int i = 0; i < x.length; i++) {
            x[i] = beta == null ? kl[i] : beta[i] * kl[i];
        }
        return aggregate(x, mask, b, t, agg);
    }

    /**
     * Masked aggregation of a [B·T] array.
     *
     * @return token mean or sequence-mean-token-mean; 0 when the mask is empty
     */
    public static double aggregate(double[] x, boolean[] mask, int b, int t, Aggregation agg) {
        Checks.length(x.length, b * t, "x");
        Checks.length(mask.length, b * t, "mask");
        if (agg == Aggregation.TOKEN_MEAN) {
            double s = 0.0;
            long n = 0;
            for (int i = 0; i < x.length; i++) {
                if (mask[i]) {
                    s += x[i];
                    n++;
                }
            }
            return n == 0 ? 0.0 : s / n;
        }
        double total = 0.0;
        int seqs = 0;
        for (int r = 0; r < b; r++) {
            double s = 0.0;
            int n = 0;
            for (int i = 0; i < t; i++) {
                if (mask[r * t + i]) {
                    s += x[r * t + i];
                    n++;
                }
            }
            if (n > 0) {
                total += s / n;
                seqs++;
            }
        }
        return seqs == 0 ? 0.0 : total / seqs;
    }

    /**
     * Paper Alg. 1 controller signal: (1/B') Σ_i (1/L_i) Σ_t 1{W_{i,t} = 0}·kl_{i,t} — the KL of tokens outside
     * validated windows, normalised by the full response length L_i (spec §7.1, §15 Example 5).
     *
     * @param kl [B·T] per-token KL
     * @param window [B·T] validated-window tokens
     * @param mask [B·T] response mask
     * @param b number of responses
     * @param t padded length
     * @return KL_ctrl in nats
     */
    public static double nonWindowSignal(double[] kl, boolean[] window, boolean[] mask, int b, int t) {
        double[] x = new double[b * t];
        for (int i = 0; i < x.length; i++) {
            x[i] = window[i] ? 0.0 : kl[i];
        }
        return aggregate(x, mask, b, t, Aggregation.SEQ_MEAN_TOKEN_MEAN);
    }
}
