package dev.ares.core.protocol;

/** How a rollout group explores (architecture.md §5). */
public enum ExplorationMode {
    /** n independent samples per prompt, as the official ARES code does. */
    IID,
    /**
     * Trajectories fork at reasoning triggers whose forward window entropy reaches the HWE threshold, within a
     * per-group branch budget; the group size stays n.
     */
    HWE_BRANCH
}
