package dev.ares.core.aepo;

/**
 * Clipped-surrogate configuration (spec §8).
 *
 * @param epsLow ε_low (0.2)
 * @param epsHigh ε_high (0.3)
 * @param dualClip dual-clip constant C (3.0)
 * @param aggregation token aggregation (code: token mean; paper: sequence-mean-token-mean, Eq. 2)
 */
public record PolicyLossConfig(double epsLow, double epsHigh, double dualClip, KlDivergence.Aggregation aggregation) {

    /** Validates ranges. */
    public PolicyLossConfig {
        if (!(epsLow >= 0 && epsLow < 1) || !(epsHigh >= 0) || !(dualClip >= 0)) {
            throw new AepoInputException("loss: 0 <= epsLow < 1, epsHigh >= 0, dualClip >= 0 required");
        }
    }

    /** @return the official EasyR1 values with token-mean aggregation */
    public static PolicyLossConfig code() {
        return new PolicyLossConfig(0.2, 0.3, 3.0, KlDivergence.Aggregation.TOKEN_MEAN);
    }

    /** @return the same clip values with the paper's sequence-mean-token-mean aggregation */
    public static PolicyLossConfig paper() {
        return new PolicyLossConfig(0.2, 0.3, 3.0, KlDivergence.Aggregation.SEQ_MEAN_TOKEN_MEAN);
    }
}
