package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.Readiness;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.model.learner.ModelLearnerLoop;
import java.util.List;
import java.util.OptionalLong;

/**
 * The learner loop with its Micrometer metrics: scheduled requests, the outcome of every group and trajectory,
 * checkpoints, and the last step's loss, KL, entropy, gradient norm, reward and tokens/s go to
 * {@link LearnerMetrics} (which lists the Prometheus names; the meters exist from the service's start).
 */
public final class MeteredLearnerLoop implements LearnerLoop, AutoCloseable {
    private final ModelLearnerLoop loop;
    private final LearnerMetrics metrics;

    /** Records {@code loop}'s work in {@code metrics}, whose step gauges show this loop from now on. */
    public MeteredLearnerLoop(ModelLearnerLoop loop, LearnerMetrics metrics) {
        this.loop = loop;
        this.metrics = metrics;
        metrics.attach(loop);
    }

    @Override
    public List<RolloutRequest> nextRequests() {
        List<RolloutRequest> r = loop.nextRequests();
        metrics.requested(r.size());
        return r;
    }

    @Override
    public StepOutcome train(ScoredBatch batch, int partition, long offset) {
        StepOutcome out = loop.train(batch, partition, offset);
        metrics.recorded(out.event().metrics());
        out.checkpoint().ifPresent(c -> metrics.checkpointed());
        return out;
    }

    @Override
    public OptionalLong resumeOffset(int partition) {
        return loop.resumeOffset(partition);
    }

    @Override
    public Readiness readiness() {
        return loop.readiness();
    }

    /** The wrapped loop. */
    public ModelLearnerLoop delegate() {
        return loop;
    }

    @Override
    public void close() {
        loop.close();
    }
}
