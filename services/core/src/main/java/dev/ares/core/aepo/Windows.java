package dev.ares.core.aepo;

/**
 * Window entropy H̄ (spec §2, §14 "Entropy and windows"; paper App. D, Eq. 4). Computed with prefix sums,
 * O(T) per sequence, independent of the window width.
 */
public final class Windows {
    private Windows() {
    }

    /** Where the window of anchor position t lies. */
    public enum Mode {
        /** Official code: mean of H[t+1 .. t+w]; exists while at least w tokens follow t. */
        FORWARD_EXCLUSIVE,
        /** Paper Eq. 4: mean of H[t .. t+w−1]. */
        FORWARD_INCLUSIVE;

        /** First position covered by the window anchored at {@code anchor}. */
        public int start(int anchor) {
            return this == FORWARD_EXCLUSIVE ? anchor + 1 : anchor;
        }

        /**
         * Number of anchors with a complete window in a contiguous sequence of {@code len} tokens; they are the
         * positions 0 .. n−1.
         */
        public int validCount(int len, int w) {
            int n = this == FORWARD_EXCLUSIVE ? len - w : len - w + 1;
            return Math.max(0, n);
        }
    }

    /** Result of {@link #windowMean(float[], boolean[], int, int, int, Mode)}: both arrays are [B·T] row-major. */
    public record Result(double[] mean, boolean[] valid) {
    }

    /**
     * Batch window means over a padded batch (spec §14 {@code window_mean}).
     *
     * @param h token entropies, row-major [b, t], nats
     * @param mask response mask [b, t]; padding positions are false
     * @param b number of responses B
     * @param t padded length T
     * @param w window width (tokens) &gt; 0
     * @param mode window placement
     * @return mean[b·t] (0 where invalid) and valid[b·t], true only where the anchor and every position of
     *     its window lie inside the mask
     */
    public static Result windowMean(float[] h, boolean[] mask, int b, int t, int w, Mode mode) {
        Checks.positive(b, "b");
        Checks.positive(t, "t");
        Checks.positive(w, "w");
        Checks.length(h.length, b * t, "h");
        Checks.length(mask.length, b * t, "mask");
        double[] mean = new double[b * t];
        boolean[] valid = new boolean[b * t];
        double[] prefix = new double[t + 1];
        int[] maskPrefix = new int[t + 1];
        for (int r = 0; r < b; r++) {
            int base = r * t;
            for (int i = 0; i < t; i++) {
                boolean in = mask[base + i];
                prefix[i + 1] = prefix[i] + (in ? h[base + i] : 0.0);
                maskPrefix[i + 1] = maskPrefix[i] + (in ? 1 : 0);
            }
            for (int i = 0; i < t; i++) {
                int s = mode.start(i);
                int e = s + w; // exclusive end
                if (!mask[base + i] || e > t) {
                    continue;
                }
                if (maskPrefix[e] - maskPrefix[s] == w) {
                    valid[base + i] = true;
                    mean[base + i] = (prefix[e] - prefix[s]) / w;
                }
            }
        }
        return new Result(mean, valid);
    }

    /**
     * Window means of one contiguous response (the per-trajectory form used by the scorer).
     *
     * @param h token entropies of the response, nats; positions offset .. offset+len−1 are read
     * @param offset first position in {@code h}
     * @param len response length L
     * @param w window width &gt; 0
     * @param mode window placement
     * @param prefixScratch scratch of length ≥ len+1 (overwritten)
     * @param out receives the means of anchors 0 .. n−1 (length ≥ n)
     * @return n, the number of anchors with a complete window (see {@link Mode#validCount(int, int)})
     */
    public static int windowMean(float[] h, int offset, int len, int w, Mode mode, double[] prefixScratch,
                                 double[] out) {
        return windowMean(h, offset, len, w, mode, prefixScratch, out, null);
    }

    /**
     * As {@link #windowMean(float[], int, int, int, Mode, double[], double[])}, also reporting the smallest and
     * largest mean (used to bin the per-sequence quantile without another pass).
     *
     * @param rangeOut when non-null and n &gt; 0, receives {min, max} of the n means
     * @return n, the number of anchors with a complete window
     */
    public static int windowMean(float[] h, int offset, int len, int w, Mode mode, double[] prefixScratch,
                                 double[] out, double[] rangeOut) {
        Checks.positive(w, "w");
        prefix(h, offset, len, prefixScratch);
        int n = mode.validCount(len, w);
        int shift = mode == Mode.FORWARD_EXCLUSIVE ? 1 : 0;
        double invW = 1.0 / w;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double m = (prefixScratch[i + shift + w] - prefixScratch[i + shift]) * invW;
            out[i] = m;
            // plain comparisons: rarely taken, so well predicted (Math.min/max pay for NaN and −0.0 handling)
            if (m < min) {
                min = m;
            }
            if (m > max) {
                max = m;
            }
        }
        if (rangeOut != null) {
            rangeOut[0] = min;
            rangeOut[1] = max;
        }
        return n;
    }

    /**
     * Prefix sums P[0] = 0, P[i+1] = P[i] + h[offset+i]. The sum runs as four independent chains over the four
     * quarters of the response (the additions of one chain wait on each other; four chains overlap), then the
     * quarter offsets are added.
     */
    static void prefix(float[] h, int offset, int len, double[] p) {
        p[0] = 0.0;
        int q = len >>> 2;
        if (q < 64) {
            double acc = 0.0;
            for (int i = 0; i < len; i++) {
                acc += h[offset + i];
                p[i + 1] = acc;
            }
            return;
        }
        int b1 = q;
        int b2 = 2 * q;
        int b3 = 3 * q;
        double a0 = 0.0;
        double a1 = 0.0;
        double a2 = 0.0;
        double a3 = 0.0;
        for (int i = 0; i < q; i++) {
            a0 += h[offset + i];
            p[i + 1] = a0;
            a1 += h[offset + b1 + i];
            p[b1 + i + 1] = a1;
            a2 += h[offset + b2 + i];
            p[b2 + i + 1] = a2;
            a3 += h[offset + b3 + i];
            p[b3 + i + 1] = a3;
        }
        for (int i = b3 + q; i < len; i++) {
            a3 += h[offset + i];
            p[i + 1] = a3;
        }
        double o1 = p[b1];
        double o2 = o1 + p[b2];
        double o3 = o2 + p[b3];
        for (int i = b1 + 1; i <= b2; i++) {
            p[i] += o1;
        }
        for (int i = b2 + 1; i <= b3; i++) {
            p[i] += o2;
        }
        for (int i = b3 + 1; i <= len; i++) {
            p[i] += o3;
        }
    }

    /** Convenience form of {@link #windowMean(float[], int, int, int, Mode, double[], double[])} for one array. */
    public static double[] windowMean(float[] h, int w, Mode mode) {
        double[] prefix = new double[h.length + 1];
        double[] out = new double[h.length];
        int n = windowMean(h, 0, h.length, w, mode, prefix, out);
        return java.util.Arrays.copyOf(out, n);
    }
}
