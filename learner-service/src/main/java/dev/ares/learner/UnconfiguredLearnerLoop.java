package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.Readiness;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import java.util.List;
import java.util.OptionalLong;

/**
 * The learner loop of a service started without {@code ares.learner.model-dir}: it schedules nothing and is not
 * ready, saying which key to set. The service stays up (health, metrics, dead-lettering of bad records) like the
 * rollout and inference services do before they have a model; {@code ./ares up} starts the stack this way, and
 * {@code ./ares demo} sets the key. A value that is set but invalid still stops the start (reliability scenario 18).
 */
final class UnconfiguredLearnerLoop implements LearnerLoop {
    static final String REASON = "no initial policy: set ares.learner.model-dir (a Hugging Face folder) to train";

    @Override
    public List<RolloutRequest> nextRequests() {
        return List.of();
    }

    @Override
    public StepOutcome train(ScoredBatch batch, int partition, long offset) {
        throw new IllegalStateException(REASON);
    }

    @Override
    public OptionalLong resumeOffset(int partition) {
        return OptionalLong.empty();
    }

    @Override
    public Readiness readiness() {
        return Readiness.down(REASON);
    }
}
