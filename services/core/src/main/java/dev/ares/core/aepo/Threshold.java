package dev.ares.core.aepo;

import java.util.Arrays;

/** The global HWE threshold τ (spec §3.2 step 5, §3.3, §14 "Threshold and HWE events"). */
public final class Threshold {
    private Threshold() {
    }

    /** How per-sequence quantiles are reduced over the batch. */
    public enum Reduce {
        /** Paper Sec. 3.2.1: mean of the per-trajectory 95th percentiles. */
        MEAN,
        /** Official trainer: median of the per-sequence 95th percentiles. */
        MEDIAN
    }

    /** Which values the per-sequence quantile is taken over (spec §3.3). */
    public enum Source {
        /** Paper: the token entropies H_t. */
        TOKEN_ENTROPY,
        /** Official code: the window means (padded per {@link Quantiles.Pad}). */
        WINDOW_MEAN
    }

    /**
     * Batch statistic of the per-sequence quantiles (spec §14 {@code batch_threshold}). NaN entries (sequences
     * with no statistic) are skipped. The median of an even count is the mean of the two middle values, as in
     * numpy's {@code median}, which the official trainer uses.
     *
     * @param perSeq [B] per-sequence quantiles, nats
     * @param reduce mean or median
     * @return the batch statistic in nats
     * @throws AepoInputException when no finite entry exists
     */
    public static double batchThreshold(double[] perSeq, Reduce reduce) {
        double[] vals = new double[perSeq.length];
        int n = 0;
        for (double v : perSeq) {
            if (!Double.isNaN(v)) {
                vals[n++] = v;
            }
        }
        if (n == 0) {
            throw new AepoInputException("batch threshold: no sequence has a quantile (all responses too short?)");
        }
        if (reduce == Reduce.MEAN) {
            double s = 0.0;
            for (int i = 0; i < n; i++) {
                s += vals[i];
            }
            return s / n;
        }
        Arrays.sort(vals, 0, n);
        return (n % 2 == 1) ? vals[n / 2] : 0.5 * (vals[n / 2 - 1] + vals[n / 2]);
    }

    /**
     * Exponential moving average τ ← decay·prev + (1 − decay)·fresh (spec §3.2 step 5, §14 {@code ema}).
     *
     * @param prev previous value
     * @param fresh new batch statistic
     * @param decay in [0, 1]; 0.99 in the official code, 0 means "use the fresh value"
     * @return the smoothed value
     */
    public static double ema(double prev, double fresh, double decay) {
        Checks.inRange(decay, 0.0, 1.0, "decay");
        return decay * prev + (1.0 - decay) * fresh;
    }
}
