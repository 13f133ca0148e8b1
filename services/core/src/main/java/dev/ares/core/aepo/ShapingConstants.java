package dev.ares.core.aepo;

/**
 * Constants of the official hierarchical entropy reward (spec §6.3 table). All are per bucket.
 *
 * @param marginFraction f_d: margin m = max(1, f_d·max(T, 1)); official 0.15 / 0.25 / 0.35
 * @param huberKnee κ_d of the Huber ramp; official 2 / 3 / 4
 * @param sigmoidTemperature s_d of σ(x; s) = 1/(1+e^{−x/s}); official 2 / 2.5 / 3
 * @param capScale c_d, cap C = α_d·c_d; official 1 / 1 / 1.2
 * @param incorrectScale bonus factor of an incorrect answer; official 0.6 / 0.8 / 1.0
 * @param hardShortfallScale factor of the Huber penalty of a correct hard answer far below target; official 0.5
 */
public record ShapingConstants(BucketValues marginFraction, BucketValues huberKnee, BucketValues sigmoidTemperature,
                               BucketValues capScale, BucketValues incorrectScale, double hardShortfallScale) {

    /** Validates positivity of knees, temperatures and caps. */
    public ShapingConstants {
        for (int d = 0; d < 3; d++) {
            if (!(huberKnee.get(d) > 0) || !(sigmoidTemperature.get(d) > 0) || capScale.get(d) < 0
                    || marginFraction.get(d) < 0 || incorrectScale.get(d) < 0) {
                throw new AepoInputException("shaping constants of bucket " + Bucket.of(d).label()
                        + " must be positive (knee, temperature) or non-negative (fraction, cap, scale)");
            }
        }
    }

    /** @return the constants of the official code (spec §6.3) */
    public static ShapingConstants official() {
        return new ShapingConstants(new BucketValues(0.15, 0.25, 0.35), new BucketValues(2.0, 3.0, 4.0),
                new BucketValues(2.0, 2.5, 3.0), new BucketValues(1.0, 1.0, 1.2), new BucketValues(0.6, 0.8, 1.0),
                0.5);
    }
}
