package dev.ares.core.aepo;

/**
 * Per-bucket HWE-count targets where a bucket may have none yet (null: no prompt of that bucket seen).
 * Used for the batch targets and for the paper reading's lagged target (spec §6.2 defect 1, §14).
 *
 * @param easy target of easy prompts, or null
 * @param medium target of medium prompts, or null
 * @param hard target of hard prompts, or null
 */
public record BucketTargets(Double easy, Double medium, Double hard) {

    /** No target for any bucket. */
    public static final BucketTargets NONE = new BucketTargets(null, null, null);

    /** @param values [3] with NaN for "no target" */
    public static BucketTargets ofNullableNaN(double[] values) {
        Checks.length(values.length, 3, "targets");
        return new BucketTargets(box(values[0]), box(values[1]), box(values[2]));
    }

    private static Double box(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** @return the target of bucket index 0..2, or NaN when absent */
    public double getOrNaN(int bucket) {
        Double v = switch (bucket) {
            case 0 -> easy;
            case 1 -> medium;
            case 2 -> hard;
            default -> throw new AepoInputException("bucket index must be 0, 1 or 2, got " + bucket);
        };
        return v == null ? Double.NaN : v;
    }

    /** @return [3] with NaN where absent */
    public double[] toArrayNaN() {
        return new double[] {getOrNaN(0), getOrNaN(1), getOrNaN(2)};
    }
}
