package dev.ares.core.compute;

import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.TrainEvent;
import java.util.List;
import java.util.Optional;

/**
 * The compute step of learner-service (architecture.md §4 steps 1, 4 and 5): schedules rollout requests
 * within the staleness bound, takes optimizer steps on scored batches and writes checkpoints.
 */
public interface LearnerLoop {

    /**
     * The requests to publish now; empty when {@code max-staleness} steps are already in flight
     * (backpressure instead of an unbounded queue).
     */
    List<RolloutRequest> nextRequests();

    /**
     * Trains on one scored batch (dropping over-stale groups and trajectories already trained on).
     *
     * @param batch     the batch
     * @param partition the Kafka partition it came from (stored in the checkpoint with the offset)
     * @param offset    its offset
     * @return the outcome: the train event to publish and the checkpoint written, if any
     * @throws IllegalArgumentException when the batch is inconsistent (dead-lettered by the service)
     */
    StepOutcome train(ScoredBatch batch, int partition, long offset);

    /**
     * The offset to resume consuming {@code ares.scored} from on {@code partition}: one past the last batch
     * whose training is contained in the latest complete checkpoint; empty to use the group's committed offset.
     */
    java.util.OptionalLong resumeOffset(int partition);

    /** Ready when the policy and reference models are loaded. */
    Readiness readiness();

    /**
     * What one train call produced.
     *
     * @param event      per-step metrics to publish on {@code ares.train.events}
     * @param checkpoint the checkpoint written by this step, to announce on {@code ares.checkpoints}
     */
    record StepOutcome(TrainEvent event, Optional<CheckpointEvent> checkpoint) {
    }
}
