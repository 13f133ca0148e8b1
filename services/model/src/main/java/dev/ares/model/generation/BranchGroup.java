package dev.ares.model.generation;

/**
 * One group of a {@link BranchingGenerator} batch: a prompt, its group size and its exploration budget
 * (architecture.md §5; docs/rollout.md).
 *
 * @param prompt       prompt token ids, non-empty, within the model's vocabulary
 * @param n            trajectories in the group, {@code >= 1}; the output always has exactly {@code n}
 * @param branchBudget most branches the group may take, {@code 0..n-1}; 0 is the {@code iid} mode (n independent
 *                     samples, the official code's behaviour)
 * @param threshold    HWE threshold τ in nats: a trigger whose forward window mean is {@code >= threshold} is a
 *                     branch point; {@code 0} lets every trigger with a complete window branch,
 *                     {@code +Infinity} none; not NaN
 * @param seed         the group's base seed: slot {@code j} draws from a stream derived from {@code (seed, j)}
 */
public record BranchGroup(int[] prompt, int n, int branchBudget, double threshold, long seed) {
    public BranchGroup {
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("BranchGroup.prompt must be non-empty");
        }
        if (n < 1) {
            throw new IllegalArgumentException("BranchGroup.n must be >= 1, got " + n);
        }
        if (branchBudget < 0 || branchBudget > n - 1) {
            throw new IllegalArgumentException("BranchGroup.branchBudget must be in [0, n - 1 = " + (n - 1) + "], got "
                    + branchBudget);
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("BranchGroup.threshold must not be NaN");
        }
        prompt = prompt.clone();
    }

    /** The {@code iid} group: {@code n} independent samples, no branching. */
    public static BranchGroup iid(int[] prompt, int n, long seed) {
        return new BranchGroup(prompt, n, 0, Double.POSITIVE_INFINITY, seed);
    }

    /** Slots {@code 0 .. roots()-1} are committed roots (the only branch parents); the rest are reserved. */
    public int roots() {
        return n - branchBudget;
    }

    @Override
    public int[] prompt() {
        return prompt.clone();
    }
}
