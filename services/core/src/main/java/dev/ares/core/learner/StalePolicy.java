package dev.ares.core.learner;

import java.util.Locale;

/**
 * What the learner does with a group whose trajectories are older than the staleness bound (reliability.md
 * scenario 6: "out-of-bound ones are dropped or diverted (configurable) and counted"; architecture.md §4 step 4).
 * Either way the group's outcome is {@link Outcome#STALE}, it is counted, and it never reaches the optimizer.
 * Key {@code ares.learner.stale-policy}.
 */
public enum StalePolicy {
    /** The group is counted and forgotten. */
    DROP,
    /** The group is counted and handed to the learner's stale sink (the service publishes it for inspection). */
    DIVERT;

    /** Lower-case label used in configuration and metrics. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value {@code drop} or {@code divert} (case-insensitive, surrounding blanks ignored)
     * @throws LearnerConfigException naming {@code ares.learner.stale-policy} for anything else
     */
    public static StalePolicy parse(String value) {
        if (value != null) {
            for (StalePolicy p : values()) {
                if (p.label().equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
        }
        throw new LearnerConfigException("ares.learner.stale-policy", "must be drop or divert", value);
    }
}
