package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.Readiness;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.testkit.Records;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Test double of the training loop: hands out queued requests, "trains" by counting trajectories, writes a
 * checkpoint event on every even step, and refuses batches of run "reject".
 */
@Alternative
@Priority(1)
@Singleton
public class FakeLearnerLoop implements LearnerLoop {
    final ConcurrentLinkedQueue<RolloutRequest> toSchedule = new ConcurrentLinkedQueue<>();

    @Override
    public List<RolloutRequest> nextRequests() {
        List<RolloutRequest> out = new ArrayList<>();
        for (RolloutRequest r; (r = toSchedule.poll()) != null; ) {
            out.add(r);
        }
        return out;
    }

    @Override
    public StepOutcome train(ScoredBatch batch, int partition, long offset) {
        if (batch.runId().equals("reject")) {
            throw new IllegalArgumentException("batch of run reject is inconsistent");
        }
        int trajectories = batch.groups().stream().mapToInt(g -> g.trajectories().size()).sum();
        TrainEvent ev = new TrainEvent(batch.runId(), batch.step(), Map.of("trajectories", (double) trajectories,
                "offset", (double) offset), Instant.now());
        return new StepOutcome(ev, batch.step() % 2 == 0 ? Optional.of(Records.checkpoint(batch.step())) : Optional.empty());
    }

    @Override
    public OptionalLong resumeOffset(int partition) {
        return OptionalLong.empty();
    }

    @Override
    public Readiness readiness() {
        return Readiness.up("policy and reference loaded");
    }
}
