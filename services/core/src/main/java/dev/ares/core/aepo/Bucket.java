package dev.ares.core.aepo;

import java.util.Locale;

/** Online difficulty bucket of a prompt (spec §5). The ordinal (0, 1, 2) is the array index used everywhere. */
public enum Bucket {
    EASY, MEDIUM, HARD;

    private static final Bucket[] VALUES = values();

    /** @return the lower-case label used in JSON records and the CLI ({@code easy}, {@code medium}, {@code hard}) */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the bucket with index 0, 1 or 2 */
    public static Bucket of(int index) {
        if (index < 0 || index > 2) {
            throw new AepoInputException("bucket index must be 0, 1 or 2, got " + index);
        }
        return VALUES[index];
    }
}
