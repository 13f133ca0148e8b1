package dev.ares.core.protocol;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The generated group for one rollout request; topic {@code ares.rollouts}, key = step (architecture.md §3).
 * Encoded in a compact binary form by {@link Codecs#rolloutGroup()}.
 *
 * <p>{@code promptTokenIds} carries the exact prompt tokens the rollout prefilled (chat template applied, image
 * placeholders expanded), so that the learner recomputes log-probabilities on exactly the sequence that was
 * sampled without re-tokenising (a decision recorded in docs/protocol.md).
 *
 * @param schemaVersion   schema version of this record, 1..{@link #SCHEMA_VERSION}
 * @param runId           training run; non-blank
 * @param step            learner step, {@code >= 0}
 * @param groupsInStep    number of groups the learner scheduled for {@code step} (copied from the request),
 *                        {@code >= 1}: the step is complete when the reward service holds this many groups
 * @param groupId         group id (from the request); non-blank
 * @param requestId       id of the request this answers; non-blank
 * @param referenceAnswer ground truth copied from the prompt; non-null
 * @param source          prompt source copied from the prompt; non-blank
 * @param sampling        sampling parameters the group was generated with
 * @param promptTokenIds  prompt token ids, each {@code >= 0} (copied in and out)
 * @param trajectories    the trajectories, at least one and at most {@code requestedN}, with unique ids; a branch
 *                        parent must be in the group
 * @param requestedN      the request's {@code n} (copied from {@link RolloutRequest#n()}), in
 *                        {@code [1, }{@link RolloutRequest#MAX_N}{@code ]}: a group holding more trajectories than
 *                        were requested is malformed (reliability.md scenario 4)
 */
public record RolloutGroup(int schemaVersion, String runId, long step, int groupsInStep, String groupId,
                           String requestId, String referenceAnswer, String source, SamplingParams sampling,
                           int[] promptTokenIds, List<Trajectory> trajectories, int requestedN) {
    /** The schema version this build writes. */
    public static final int SCHEMA_VERSION = 1;

    public RolloutGroup {
        Checks.schemaVersion(schemaVersion, SCHEMA_VERSION, "RolloutGroup");
        Checks.nonBlank(runId, "RolloutGroup.runId");
        Checks.nonNegative(step, "RolloutGroup.step");
        Checks.atLeast(groupsInStep, 1, "RolloutGroup.groupsInStep");
        Checks.nonBlank(groupId, "RolloutGroup.groupId");
        Checks.nonBlank(requestId, "RolloutGroup.requestId");
        Checks.nonNull(referenceAnswer, "RolloutGroup.referenceAnswer");
        Checks.nonBlank(source, "RolloutGroup.source");
        Checks.nonNull(sampling, "RolloutGroup.sampling");
        Checks.nonNull(promptTokenIds, "RolloutGroup.promptTokenIds");
        for (int i = 0; i < promptTokenIds.length; i++) {
            if (promptTokenIds[i] < 0) {
                throw new IllegalArgumentException("RolloutGroup.promptTokenIds[" + i + "] must be >= 0, got "
                        + promptTokenIds[i]);
            }
        }
        promptTokenIds = promptTokenIds.clone();
        trajectories = Checks.list(trajectories, "RolloutGroup.trajectories");
        if (trajectories.isEmpty()) {
            throw new IllegalArgumentException("RolloutGroup.trajectories must contain at least one trajectory");
        }
        Set<String> ids = new HashSet<>();
        for (Trajectory t : trajectories) {
            if (!ids.add(t.trajectoryId())) {
                throw new IllegalArgumentException("RolloutGroup.trajectories has duplicate id " + t.trajectoryId());
            }
        }
        Checks.atLeast(requestedN, 1, "RolloutGroup.requestedN");
        if (requestedN > RolloutRequest.MAX_N) {
            throw new IllegalArgumentException("RolloutGroup.requestedN must be <= " + RolloutRequest.MAX_N + ", got "
                    + requestedN);
        }
        if (trajectories.size() > requestedN) {
            throw new IllegalArgumentException("RolloutGroup.trajectories has " + trajectories.size()
                    + " trajectories, more than the request's n = " + requestedN);
        }
        for (Trajectory t : trajectories) {
            if (t.branchParent() != null && !ids.contains(t.branchParent())) {
                throw new IllegalArgumentException("RolloutGroup.trajectories: trajectory " + t.trajectoryId()
                        + " names branchParent " + t.branchParent() + " which is not in the group");
            }
        }
    }

    /** Creates a group of the current {@link #SCHEMA_VERSION} answering a request of {@code n = requestedN}. */
    public RolloutGroup(String runId, long step, int groupsInStep, String groupId, String requestId,
                        String referenceAnswer, String source, SamplingParams sampling, int[] promptTokenIds,
                        List<Trajectory> trajectories, int requestedN) {
        this(SCHEMA_VERSION, runId, step, groupsInStep, groupId, requestId, referenceAnswer, source, sampling,
                promptTokenIds, trajectories, requestedN);
    }

    /**
     * Creates a group of the current {@link #SCHEMA_VERSION} whose request asked for exactly as many trajectories
     * as it holds.
     */
    public RolloutGroup(String runId, long step, int groupsInStep, String groupId, String requestId,
                        String referenceAnswer, String source, SamplingParams sampling, int[] promptTokenIds,
                        List<Trajectory> trajectories) {
        this(SCHEMA_VERSION, runId, step, groupsInStep, groupId, requestId, referenceAnswer, source, sampling,
                promptTokenIds, trajectories, trajectories == null ? 1 : Math.max(1, trajectories.size()));
    }

    /** Copy of the prompt token ids. */
    @Override
    public int[] promptTokenIds() {
        return promptTokenIds.clone();
    }

    /** Number of prompt tokens. */
    public int promptLength() {
        return promptTokenIds.length;
    }

    /** Total generated tokens over all trajectories. */
    public long totalTokens() {
        long n = 0;
        for (Trajectory t : trajectories) {
            n += t.length();
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RolloutGroup other)) {
            return false;
        }
        return schemaVersion == other.schemaVersion && step == other.step && requestedN == other.requestedN
                && groupsInStep == other.groupsInStep && runId.equals(other.runId)
                && groupId.equals(other.groupId) && requestId.equals(other.requestId)
                && referenceAnswer.equals(other.referenceAnswer) && source.equals(other.source)
                && sampling.equals(other.sampling) && Arrays.equals(promptTokenIds, other.promptTokenIds)
                && trajectories.equals(other.trajectories);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(schemaVersion, runId, step, groupsInStep, groupId, requestId, referenceAnswer, source, sampling,
                trajectories, requestedN) + Arrays.hashCode(promptTokenIds);
    }

    @Override
    public String toString() {
        return "RolloutGroup[runId=" + runId + ", step=" + step + ", groupsInStep=" + groupsInStep + ", groupId="
                + groupId + ", requestId=" + requestId + ", source=" + source + ", promptTokens=" + promptTokenIds.length + ", requestedN=" + requestedN + ", trajectories=" + trajectories
                + "]";
    }
}
