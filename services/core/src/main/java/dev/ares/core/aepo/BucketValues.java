package dev.ares.core.aepo;

/**
 * One finite number per difficulty bucket (α_d, β_d, κ_d, per-bucket constants). Immutable; serialises with
 * Jackson as {@code {"easy":…,"medium":…,"hard":…}}.
 *
 * @param easy value of {@link Bucket#EASY}
 * @param medium value of {@link Bucket#MEDIUM}
 * @param hard value of {@link Bucket#HARD}
 */
public record BucketValues(double easy, double medium, double hard) {

    /** Rejects non-finite values. */
    public BucketValues {
        Checks.finite(easy, "easy");
        Checks.finite(medium, "medium");
        Checks.finite(hard, "hard");
    }

    /** @return the same value for all three buckets */
    public static BucketValues all(double v) {
        return new BucketValues(v, v, v);
    }

    /** @param values [3] easy, medium, hard */
    public static BucketValues of(double[] values) {
        Checks.length(values.length, 3, "bucket values");
        return new BucketValues(values[0], values[1], values[2]);
    }

    /** @return the value of bucket index 0, 1 or 2 */
    public double get(int bucket) {
        return switch (bucket) {
            case 0 -> easy;
            case 1 -> medium;
            case 2 -> hard;
            default -> throw new AepoInputException("bucket index must be 0, 1 or 2, got " + bucket);
        };
    }

    /** @return the value of {@code bucket} */
    public double get(Bucket bucket) {
        return get(bucket.ordinal());
    }

    /** @return a copy with bucket index {@code bucket} replaced */
    public BucketValues with(int bucket, double v) {
        return switch (bucket) {
            case 0 -> new BucketValues(v, medium, hard);
            case 1 -> new BucketValues(easy, v, hard);
            case 2 -> new BucketValues(easy, medium, v);
            default -> throw new AepoInputException("bucket index must be 0, 1 or 2, got " + bucket);
        };
    }

    /** @return [easy, medium, hard] */
    public double[] toArray() {
        return new double[] {easy, medium, hard};
    }
}
