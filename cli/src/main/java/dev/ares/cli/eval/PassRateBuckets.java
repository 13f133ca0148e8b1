package dev.ares.cli.eval;

import dev.ares.core.aepo.Bucket;
import dev.ares.core.aepo.Buckets;

/**
 * Difficulty bucket of an evaluated problem from its measured pass rate (aepo-spec.md §5, the code's reading):
 * p = correct / k; easy if p ≥ 2/3, medium if p ≥ 1/3, hard otherwise. With k = 8 this is the paper's
 * ≥ 6 / 3–5 / ≤ 2 correct; with k = 3 it is 2–3 / 1 / 0 correct.
 */
public final class PassRateBuckets {
    /** Lower bound of easy (spec §5). */
    public static final double EASY_MIN = 2.0 / 3.0;
    /** Lower bound of medium (spec §5). */
    public static final double MEDIUM_MIN = 1.0 / 3.0;

    private PassRateBuckets() {
    }

    /**
     * @param correct number of correct samples, 0..k
     * @param k       number of samples of the problem, ≥ 1
     * @return the bucket of pass rate correct / k
     * @throws IllegalArgumentException when correct lies outside 0..k or k < 1
     */
    public static Bucket of(int correct, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (correct < 0 || correct > k) {
            throw new IllegalArgumentException("correct must be in 0.." + k + ", got " + correct);
        }
        return Buckets.bucket((double) correct / k, EASY_MIN, MEDIUM_MIN);
    }
}
