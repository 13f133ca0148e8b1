package dev.ares.core.protocol;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reward service's output for one learner step; topic {@code ares.scored}, key = step
 * (architecture.md §3). Embeds the scored rollout groups, so it is everything the learner needs for the step.
 * Encoded in a compact binary form by {@link Codecs#scoredBatch()}.
 *
 * @param schemaVersion schema version of this record, 1..{@link #SCHEMA_VERSION}
 * @param runId         training run; non-blank; every embedded rollout has the same run id
 * @param step          learner step, {@code >= 0}
 * @param groups        scored groups with unique group ids (may be empty, e.g. a partial batch)
 * @param stats         batch statistics and controller state
 * @param partial       true when the batch was closed before all groups of the step arrived (timeout)
 */
public record ScoredBatch(int schemaVersion, String runId, long step, List<ScoredGroup> groups, BatchStats stats,
                          boolean partial) {
    /** The schema version this build writes. */
    public static final int SCHEMA_VERSION = 1;

    public ScoredBatch {
        Checks.schemaVersion(schemaVersion, SCHEMA_VERSION, "ScoredBatch");
        Checks.nonBlank(runId, "ScoredBatch.runId");
        Checks.nonNegative(step, "ScoredBatch.step");
        groups = Checks.list(groups, "ScoredBatch.groups");
        Set<String> ids = new HashSet<>();
        for (ScoredGroup g : groups) {
            if (!ids.add(g.groupId())) {
                throw new IllegalArgumentException("ScoredBatch.groups has duplicate group id " + g.groupId());
            }
            if (!runId.equals(g.rollout().runId())) {
                throw new IllegalArgumentException("ScoredBatch.groups[" + g.groupId() + "] belongs to run "
                        + g.rollout().runId() + ", not " + runId);
            }
        }
        Checks.nonNull(stats, "ScoredBatch.stats");
    }

    /** Creates a batch of the current {@link #SCHEMA_VERSION}. */
    public ScoredBatch(String runId, long step, List<ScoredGroup> groups, BatchStats stats, boolean partial) {
        this(SCHEMA_VERSION, runId, step, groups, stats, partial);
    }
}
