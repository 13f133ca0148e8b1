package dev.ares.core.learner;

/**
 * A learner setting is missing or out of range (reliability.md scenario 18: fail fast, naming the key and the
 * constraint). The message always starts with the configuration key, e.g. {@code ares.learner.max-staleness}.
 */
public final class LearnerConfigException extends IllegalArgumentException {
    private final String key;

    /**
     * @param key        the configuration key, e.g. {@code ares.learner.max-staleness}
     * @param constraint what the value must satisfy, e.g. {@code must be >= 1}
     * @param value      the offending value (printed as given)
     */
    public LearnerConfigException(String key, String constraint, Object value) {
        super(key + " " + constraint + ", got " + value);
        this.key = key;
    }

    /** The configuration key that is wrong. */
    public String key() {
        return key;
    }
}
