package dev.ares.model.generation;

/**
 * One trajectory of a {@link BranchingGenerator} group.
 *
 * @param result         the whole response (a branch includes the parent's prefix, copied, so it is self-contained):
 *                       ids, behaviour logprobs under the truncated sampling distribution, model logprobs at T = 1,
 *                       exact entropies at the sampling temperature (nats), finish reason
 * @param triggers       trigger flags of the sampled tokens (the trigger table applied to {@code result.ids()})
 * @param parent         slot (index in the group) of the root this trajectory forked from, or {@code -1} for a root
 * @param branchPosition index of the first token this trajectory sampled itself: tokens {@code [0, branchPosition)}
 *                       are the parent's, and token {@code branchPosition - 1} is the validated trigger; {@code -1}
 *                       for a root
 */
public record BranchedSample(GenerationResult result, boolean[] triggers, int parent, int branchPosition) {
    /** True when this trajectory forked from another one of its group. */
    public boolean isBranch() {
        return parent >= 0;
    }
}
