package dev.ares.core.compute;

import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import java.util.List;

/**
 * The compute step of reward-service (architecture.md §4 step 3, aepo-spec §14): collects the groups of one
 * training step and, when the step is complete (or its straggler timeout passes), scores it as one batch:
 * verification, pass rates, buckets, HWE threshold, bucket targets, entropy shaping, online filter and
 * group-relative advantages, carrying controller state from step to step.
 */
public interface StepScorer {

    /**
     * Adds one group.
     *
     * @return the batches completed by this group (usually none or one)
     * @throws IllegalArgumentException when the group is inconsistent with the step it belongs to
     */
    List<ScoredBatch> accept(RolloutGroup group);

    /**
     * Flushes steps whose straggler timeout has passed at {@code nowMillis} as partial batches.
     *
     * @return the partial batches, flagged as such
     */
    List<ScoredBatch> expire(long nowMillis);

    /**
     * The steps whose groups are held in memory, not yet part of a published batch. The service keeps the
     * Kafka records of these steps unacknowledged, so a crash re-delivers them instead of losing them.
     */
    java.util.Set<Long> openSteps();

    /** Ready when the scorer's controller state has been restored. */
    Readiness readiness();
}
