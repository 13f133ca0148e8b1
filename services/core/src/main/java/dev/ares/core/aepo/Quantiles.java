package dev.ares.core.aepo;

import java.util.Arrays;

/**
 * Per-sequence quantiles (spec §3, §14 {@code seq_quantile}). Linear interpolation between order statistics,
 * identical to numpy's default {@code percentile}: index q·(n−1), value a[lo] + frac·(a[lo+1] − a[lo]).
 * Selection is O(n) expected (quickselect), not a full sort.
 */
public final class Quantiles {
    private Quantiles() {
    }

    /** What fills the positions whose window does not fit (spec §3.2 step 2). */
    public enum Pad {
        /** Use only the complete windows (clean default of spec §14). */
        IGNORE,
        /**
         * Official code: positions without a full window take the running mean of the list so far (equal to the
         * mean of the complete windows). A response without any complete window starts its list with its first
         * token entropy H_0, so every entry, and the quantile, is H_0.
         */
        RUNNING_MEAN
    }

    /**
     * Linear-interpolated quantile of {@code values[0..n-1]}; the prefix is reordered in place.
     *
     * @param values data (reordered)
     * @param n number of values to use (&gt; 0)
     * @param q quantile in [0, 1]
     * @return the q-quantile
     */
    public static double quantileInPlace(double[] values, int n, double q) {
        Checks.positive(n, "n");
        Checks.inRange(q, 0.0, 1.0, "q");
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        double frac = pos - lo;
        double a = select(values, 0, n - 1, lo);
        if (frac == 0.0 || lo + 1 >= n) {
            return a;
        }
        double b = Double.POSITIVE_INFINITY;
        for (int i = lo + 1; i < n; i++) {
            b = Math.min(b, values[i]);
        }
        return a + frac * (b - a);
    }

    /**
     * Linear-interpolated quantile of {@code src[0..n-1]} without modifying it. Long arrays use a histogram
     * selection: one pass for min/max, one pass counting values into {@value #BINS} equal-width bins (monotone in
     * the value), and one pass collecting the bin that holds the wanted order statistic, where a quickselect
     * finishes on a handful of values. Every pass is branch-light, so a 4096-token response costs a few
     * microseconds; the result is exact (bins only narrow the search).
     *
     * @param src values (unchanged)
     * @param n count (&gt; 0)
     * @param q quantile in [0, 1]
     * @param scratch work array of length ≥ n
     * @return the q-quantile
     */
    public static double quantile(double[] src, int n, double q, double[] scratch) {
        Checks.positive(n, "n");
        Checks.inRange(q, 0.0, 1.0, "q");
        if (n < 256) {
            System.arraycopy(src, 0, scratch, 0, n);
            return quantileInPlace(scratch, n, q);
        }
        double min = src[0];
        double max = src[0];
        for (int i = 1; i < n; i++) {
            double v = src[i];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        return quantileInRange(src, n, q, scratch, min, max);
    }

    /**
     * {@link #quantile(double[], int, double, double[])} when the caller already knows the smallest and largest
     * of the n values (e.g. from {@link Windows}); saves one pass.
     *
     * @param min the smallest value of src[0..n-1]
     * @param max the largest value of src[0..n-1]
     */
    public static double quantileInRange(double[] src, int n, double q, double[] scratch, double min, double max) {
        Checks.positive(n, "n");
        Checks.inRange(q, 0.0, 1.0, "q");
        if (n < 256) {
            System.arraycopy(src, 0, scratch, 0, n);
            return quantileInPlace(scratch, n, q);
        }
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        double frac = pos - lo;
        if (!(max > min)) {
            if (max == min) {
                return min;
            }
            System.arraycopy(src, 0, scratch, 0, n); // NaN present: plain selection
            return quantileInPlace(scratch, n, q);
        }
        double scale = BINS / (max - min);
        int[] counts = new int[BINS + 1];
        for (int i = 0; i < n; i++) {
            counts[bin(src[i], min, scale)]++;
        }
        int below = 0;
        int b = 0;
        while (below + counts[b] <= lo) {
            below += counts[b];
            b++;
        }
        int c = 0;
        for (int i = 0; i < n; i++) {
            double v = src[i];
            scratch[c] = v;
            c += bin(v, min, scale) == b ? 1 : 0;
        }
        int r = lo - below;
        double a = select(scratch, 0, c - 1, r);
        if (frac == 0.0 || lo + 1 >= n) {
            return a;
        }
        double next = Double.POSITIVE_INFINITY;
        if (r + 1 < c) {
            for (int i = r + 1; i < c; i++) {
                next = Math.min(next, scratch[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                double v = src[i];
                if (bin(v, min, scale) > b) {
                    next = Math.min(next, v);
                }
            }
        }
        return a + frac * (next - a);
    }

    private static final int BINS = 512;

    /** Quantile of a copy of {@code values} (the input is left unchanged). */
    public static double quantile(double[] values, double q) {
        return quantile(values, values.length, q, new double[values.length]);
    }

    private static int bin(double v, double min, double scale) {
        return Math.min(BINS, (int) ((v - min) * scale));
    }

    /**
     * Per-sequence quantile over a padded batch (spec §14 {@code seq_quantile}).
     *
     * @param values [b·t] values (e.g. window means), row-major
     * @param valid [b·t] which values exist
     * @param lengths [b] response lengths (positions ≥ length are padding); used by {@link Pad#RUNNING_MEAN}
     * @param raw [b·t] raw token entropies used by {@link Pad#RUNNING_MEAN} for responses without any valid
     *            value; may be null for {@link Pad#IGNORE}
     * @param b number of responses
     * @param t padded length
     * @param q quantile in [0, 1], 0.95 in the spec
     * @param pad padding rule
     * @return [b] quantiles; NaN for a response with no value at all (excluded by
     *     {@link Threshold#batchThreshold(double[], Threshold.Reduce)})
     */
    public static double[] seqQuantile(double[] values, boolean[] valid, int[] lengths, float[] raw, int b, int t,
                                       double q, Pad pad) {
        Checks.length(values.length, b * t, "values");
        Checks.length(valid.length, b * t, "valid");
        Checks.length(lengths.length, b, "lengths");
        double[] out = new double[b];
        double[] buf = new double[t];
        for (int r = 0; r < b; r++) {
            int n = 0;
            for (int i = 0; i < t; i++) {
                if (valid[r * t + i]) {
                    buf[n++] = values[r * t + i];
                }
            }
            int len = lengths[r];
            if (len < 0 || len > t) {
                throw new AepoInputException("lengths[" + r + "] = " + len + " outside [0, " + t + "]");
            }
            if (pad == Pad.RUNNING_MEAN && len > 0) {
                if (n == 0) {
                    if (raw == null) {
                        throw new AepoInputException("raw entropies are required for Pad.RUNNING_MEAN");
                    }
                    // official list: [H_0, mean([H_0]), …] = H_0 everywhere
                    java.util.Arrays.fill(buf, 0, len, raw[r * t]);
                    n = len;
                } else {
                    n = padRunningMean(buf, n, len);
                }
            }
            out[r] = n == 0 ? Double.NaN : quantileInPlace(buf, n, q);
        }
        return out;
    }

    /**
     * Appends running-mean padding: entries n .. len−1 get mean(buf[0..n−1]) (appending a mean keeps the mean).
     *
     * @return the new count, {@code max(n, len)}
     */
    static int padRunningMean(double[] buf, int n, int len) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += buf[i];
        }
        double mean = sum / n;
        for (int i = n; i < len; i++) {
            buf[i] = mean;
        }
        return Math.max(n, len);
    }

    /** Hoare-style quickselect: after return, a[k] is the k-th smallest of a[lo..hi], larger values to its right. */
    private static double select(double[] a, int lo, int hi, int k) {
        while (hi > lo) {
            int mid = (lo + hi) >>> 1;
            // median of three as pivot
            if (a[mid] < a[lo]) {
                swap(a, mid, lo);
            }
            if (a[hi] < a[lo]) {
                swap(a, hi, lo);
            }
            if (a[hi] < a[mid]) {
                swap(a, hi, mid);
            }
            double pivot = a[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static void swap(double[] a, int i, int j) {
        double x = a[i];
        a[i] = a[j];
        a[j] = x;
    }
}
