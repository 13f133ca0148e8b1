package dev.ares.core.learner;

import dev.ares.core.protocol.ExplorationMode;
import java.util.Locale;

/**
 * The three training modes of issue 6 item 6 ({@code ares.learner.mode}): AEPO with HWE branching, AEPO with IID
 * sampling (the official code's behaviour), and plain GRPO (IID sampling, fixed KL coefficient; the reward service's
 * GRPO configuration delivers accuracy-only advantages).
 */
public enum LearnerMode {
    /** AEPO, rollouts branch at validated HWE triggers (architecture.md §5). */
    HWE_BRANCH,
    /** AEPO, n independent samples per prompt. */
    IID,
    /** GRPO baseline: IID sampling, KL with a fixed coefficient, no window relaxation. */
    GRPO;

    /** How rollouts of this mode explore. */
    public ExplorationMode exploration() {
        return this == HWE_BRANCH ? ExplorationMode.HWE_BRANCH : ExplorationMode.IID;
    }

    /** The configuration spelling: {@code hwe-branch}, {@code iid} or {@code grpo}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@link #label()} (case-insensitive; {@code _} accepted for {@code -}).
     *
     * @throws LearnerConfigException naming {@code ares.learner.mode}
     */
    public static LearnerMode parse(String s) {
        if (s != null) {
            for (LearnerMode m : values()) {
                if (m.label().equalsIgnoreCase(s.trim().replace('_', '-'))) {
                    return m;
                }
            }
        }
        throw new LearnerConfigException("ares.learner.mode", "must be one of hwe-branch, iid, grpo", "'" + s + "'");
    }
}
