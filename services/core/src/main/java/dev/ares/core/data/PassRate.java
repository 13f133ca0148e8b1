package dev.ares.core.data;

/**
 * A problem's pass rate p = correct / samples (aepo-spec.md §9: "8 responses per problem; p = fraction correct"),
 * which also names its pass-rate bracket: bracket {@code correct} of {@code samples + 1} brackets
 * p &isin; {0, 1/k, ..., 1}.
 *
 * @param correct number of correct samples, 0..samples
 * @param samples number of samples k &ge; 1
 * @param origin  whether it was measured from a model's samples or derived from the curriculum's difficulty prior
 */
public record PassRate(int correct, int samples, Origin origin) {

    /** Where a pass rate comes from. */
    public enum Origin {
        /** Measured: k samples of a model, graded by the verifier. */
        SAMPLED,
        /** Derived from the generator's difficulty prior (no model exists yet). */
        PRIOR
    }

    /** Rejects counts outside 0..samples. */
    public PassRate {
        if (samples < 1 || correct < 0 || correct > samples) {
            throw new IllegalArgumentException("pass rate needs 0 <= correct <= samples and samples >= 1, got "
                    + correct + "/" + samples);
        }
        if (origin == null) {
            throw new IllegalArgumentException("pass rate origin is required");
        }
    }

    /** A measured pass rate: {@code correct} of {@code k} samples were right. */
    public static PassRate sampled(int correct, int k) {
        return new PassRate(correct, k, Origin.SAMPLED);
    }

    /**
     * The pass rate a model with expected pass rate {@code prior} would most likely show over {@code k} samples:
     * {@code round(prior · k)} correct of k.
     */
    public static PassRate fromPrior(double prior, int k) {
        if (!(prior >= 0 && prior <= 1)) {
            throw new IllegalArgumentException("prior must be in [0,1], got " + prior);
        }
        return new PassRate((int) Math.round(prior * k), k, Origin.PRIOR);
    }

    /** p = correct / samples, in [0, 1]. */
    public double value() {
        return correct / (double) samples;
    }
}
