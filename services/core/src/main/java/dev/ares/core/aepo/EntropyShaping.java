package dev.ares.core.aepo;

/**
 * The hierarchical entropy reward term E (spec §6, §14 {@code entropy_shaping_code},
 * {@code entropy_shaping_paper}, {@code lambda_closed_form}, {@code alpha_update}). Inputs are HWE counts N
 * (events per response), targets T_d (events), and per-bucket weights; outputs are reward units added to the
 * 0/1 accuracy reward.
 */
public final class EntropyShaping {
    private EntropyShaping() {
    }

    /** Huber ramp hub(x; κ) with x clipped at 0: x²/(2κ) for x ≤ κ, else x − κ/2 (spec §6.3). */
    public static double huber(double x, double knee) {
        double v = Math.max(0.0, x);
        return v <= knee ? v * v / (2.0 * knee) : v - knee / 2.0;
    }

    /** Logistic σ(x; s) = 1/(1 + e^{−x/s}) (spec §6.3). */
    public static double sigmoid(double x, double temperature) {
        return 1.0 / (1.0 + Math.exp(-x / temperature));
    }

    /**
     * The official entropy term of one response (spec §6.3 table), optionally with the ordering guard that fixes
     * bug B10: a correct answer's E is floored at (sup of an incorrect answer's E in that bucket) − 1, so a correct
     * answer never scores below an incorrect one of the same bucket. The guard binds only for a correct hard answer
     * whose penalty exceeds 1 − 2C (C = α·1.2), i.e. far below target with large α.
     *
     * @param bucket bucket index 0..2
     * @param correct accuracy of the response
     * @param n N_HE of the response (events)
     * @param target T_d (events)
     * @param alpha α_d ≥ 0
     * @param c constants
     * @param orderingGuard apply the B10 guard
     * @return E in reward units, |E| ≤ α·c_d
     */
    public static double codeTerm(int bucket, boolean correct, double n, double target, double alpha,
                                  ShapingConstants c, boolean orderingGuard) {
        double f = c.marginFraction().get(bucket);
        double knee = c.huberKnee().get(bucket);
        double s = c.sigmoidTemperature().get(bucket);
        double cap = alpha * c.capScale().get(bucket);
        double delta = n - target;
        double m = Math.max(1.0, f * Math.max(target, 1.0));
        if (!correct) {
            return c.incorrectScale().get(bucket) * cap * sigmoid(Math.max(delta - m, 0.0), s);
        }
        double e;
        switch (bucket) {
            case 0 -> e = -Math.min(cap, huber(Math.max(delta - m, 0.0), knee) * cap / (m + knee));
            case 1 -> e = -Math.min(cap, huber(Math.max(Math.abs(delta) - m, 0.0), knee) * cap / (m + knee));
            case 2 -> {
                if (delta >= -m) {
                    e = cap * sigmoid(delta + m, s);
                } else {
                    e = -Math.min(cap, c.hardShortfallScale() * huber(-delta - m, knee) * cap / (m + knee));
                }
            }
            default -> throw new AepoInputException("bucket index must be 0, 1 or 2, got " + bucket);
        }
        if (orderingGuard) {
            double incorrectSup = c.incorrectScale().get(bucket) * cap;
            e = Math.max(e, incorrectSup - 1.0);
        }
        return e;
    }

    /**
     * Vectorised official shaping (spec §14 {@code entropy_shaping_code}).
     *
     * @param n [B] N_HE
     * @param target [3] T_d (NaN for a bucket without a target is rejected when used)
     * @param bucket [B] bucket index
     * @param acc [B] correctness
     * @param alpha [3] α_d
     * @param c constants table
     * @param orderingGuard apply the B10 guard
     * @return E[B]
     */
    public static double[] shapingCode(int[] n, double[] target, int[] bucket, boolean[] acc, BucketValues alpha,
                                       ShapingConstants c, boolean orderingGuard) {
        Checks.length(bucket.length, n.length, "bucket");
        Checks.length(acc.length, n.length, "acc");
        Checks.length(target.length, 3, "target");
        double[] e = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            double t = target[bucket[i]];
            if (Double.isNaN(t)) {
                throw new AepoInputException("no target for bucket " + Bucket.of(bucket[i]).label()
                        + " used by response " + i);
            }
            e[i] = codeTerm(bucket[i], acc[i], n[i], t, alpha.get(bucket[i]), c, orderingGuard);
        }
        return e;
    }

    /**
     * Paper Sec. 3.2.2 multiplier λ_d = max(0, (E[N|d] − T_prev(d)) / (Var[N|d] + ε)) with an explicitly lagged
     * target (spec §6.2, defect 1; bug B6).
     *
     * @param bucketMean [3] E_batch[N_HE | d]
     * @param bucketVariance [3] Var_batch[N_HE | d]
     * @param laggedTarget [3] T_prev(d); NaN (no previous target) gives λ_d = 0
     * @param eps ε &gt; 0
     * @return λ[3] ≥ 0
     */
    public static double[] lambdaClosedForm(double[] bucketMean, double[] bucketVariance, double[] laggedTarget,
                                            double eps) {
        Checks.length(bucketMean.length, 3, "bucketMean");
        Checks.length(bucketVariance.length, 3, "bucketVariance");
        Checks.length(laggedTarget.length, 3, "laggedTarget");
        if (!(eps > 0)) {
            throw new AepoInputException("lambda eps must be > 0, got " + eps);
        }
        double[] lam = new double[3];
        for (int d = 0; d < 3; d++) {
            if (Double.isNaN(bucketMean[d]) || Double.isNaN(laggedTarget[d])) {
                lam[d] = 0.0;
            } else {
                lam[d] = Math.max(0.0, (bucketMean[d] - laggedTarget[d]) / (bucketVariance[d] + eps));
            }
        }
        return lam;
    }

    /**
     * Paper shaping g_d (spec §6.2): easy max(0, Δ), medium |Δ|, hard max(0, −Δ).
     *
     * @param bucket bucket index
     * @param delta Δ = N − T_prev(d)
     * @return g ≥ 0
     */
    public static double paperG(int bucket, double delta) {
        return switch (bucket) {
            case 0 -> Math.max(0.0, delta);
            case 1 -> Math.abs(delta);
            case 2 -> Math.max(0.0, -delta);
            default -> throw new AepoInputException("bucket index must be 0, 1 or 2, got " + bucket);
        };
    }

    /**
     * Paper entropy term E = −1[acc = 0]·λ_d·g_d(N − T_prev(d)) (spec §6.2, §14 {@code entropy_shaping_paper}).
     *
     * @param n [B] N_HE
     * @param laggedTarget [3] T_prev(d); a NaN target makes E = 0 for that bucket
     * @param bucket [B] bucket index
     * @param acc [B] correctness
     * @param lambda [3] λ_d
     * @return E[B] ≤ 0
     */
    public static double[] shapingPaper(int[] n, double[] laggedTarget, int[] bucket, boolean[] acc,
                                        double[] lambda) {
        Checks.length(bucket.length, n.length, "bucket");
        Checks.length(acc.length, n.length, "acc");
        double[] e = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            int d = bucket[i];
            if (acc[i] || Double.isNaN(laggedTarget[d])) {
                continue;
            }
            e[i] = -lambda[d] * paperG(d, n[i] - laggedTarget[d]);
        }
        return e;
    }

    /**
     * Per-bucket α adaptation (spec §6.4, §14 {@code alpha_update}): easy and medium α ← clip(α + lr·(ḡ − T)),
     * hard α ← clip(α + lr·(T − ḡ)). Buckets with NaN statistics keep their α.
     *
     * @param alpha current α
     * @param gbar [3] ḡ_d, bucket mean of per-prompt mean N_HE
     * @param target [3] T_d
     * @param lr learning rate (0.05)
     * @param lo lower clip (0)
     * @param hi upper clip (2 official)
     * @return new α
     */
    public static BucketValues alphaUpdate(BucketValues alpha, double[] gbar, double[] target, double lr, double lo,
                                           double hi) {
        double[] a = alpha.toArray();
        for (int d = 0; d < 3; d++) {
            if (Double.isNaN(gbar[d]) || Double.isNaN(target[d])) {
                continue;
            }
            double err = d == 2 ? target[d] - gbar[d] : gbar[d] - target[d];
            a[d] = Math.min(hi, Math.max(lo, a[d] + lr * err));
        }
        return BucketValues.of(a);
    }
}
