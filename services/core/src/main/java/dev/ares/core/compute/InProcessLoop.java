package dev.ares.core.compute;

import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.TrainEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The training loop of architecture.md §4 with the three compute steps wired directly instead of through Kafka:
 * learner requests → rollout groups → scored batches → optimizer steps → checkpoints, whose events go back to the
 * rollout engine. It runs the same {@link LearnerLoop}, {@link RolloutEngine} and {@link StepScorer} the services
 * run, in one process and one thread, for experiments that need many runs without the deployment's overhead
 * ({@code ./ares experiment}). Offsets are a counter standing in for the single {@code ares.scored} partition, so a
 * learner that resumes from a checkpoint continues from its stored offset as it would in the service.
 */
public final class InProcessLoop {
    private final LearnerLoop learner;
    private final RolloutEngine rollout;
    private final StepScorer scorer;
    private long offset;

    /** What one call of {@link #runSteps} did. */
    public record Progress(List<TrainEvent> events, List<CheckpointEvent> checkpoints, long groupsGenerated) {
    }

    /**
     * @param learner the learner (schedules requests, trains, checkpoints)
     * @param rollout generates groups; receives every checkpoint the learner writes
     * @param scorer  assembles and scores the groups of each step
     */
    public InProcessLoop(LearnerLoop learner, RolloutEngine rollout, StepScorer scorer) {
        this.learner = Objects.requireNonNull(learner, "learner");
        this.rollout = Objects.requireNonNull(rollout, "rollout");
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.offset = learner.resumeOffset(0).orElse(0L);
    }

    /**
     * Runs until {@code steps} train events have been produced or the learner schedules nothing more (its step
     * budget is spent). Each train event is handed to {@code onStep} as it happens (progress display).
     *
     * @throws IllegalStateException when a component is not ready, or the learner asks for nothing while no step is
     *     open (the loop would otherwise wait forever)
     */
    public Progress runSteps(int steps, Consumer<TrainEvent> onStep) {
        requireReady("learner", learner.readiness());
        requireReady("rollout engine", rollout.readiness());
        requireReady("step scorer", scorer.readiness());
        List<TrainEvent> events = new ArrayList<>();
        List<CheckpointEvent> checkpoints = new ArrayList<>();
        long groups = 0;
        while (events.size() < steps) {
            List<RolloutRequest> requests = learner.nextRequests();
            if (requests.isEmpty()) {
                if (scorer.openSteps().isEmpty()) {
                    break;
                }
                throw new IllegalStateException("the learner schedules nothing while steps " + scorer.openSteps()
                        + " are open in the scorer: the step's groups were not all requested");
            }
            for (RolloutRequest r : requests) {
                RolloutGroup g = rollout.generate(r);
                groups++;
                for (ScoredBatch b : scorer.accept(g)) {
                    LearnerLoop.StepOutcome out = learner.train(b, 0, offset++);
                    events.add(out.event());
                    onStep.accept(out.event());
                    out.checkpoint().ifPresent(c -> {
                        checkpoints.add(c);
                        rollout.onCheckpoint(c);
                    });
                }
            }
        }
        return new Progress(events, checkpoints, groups);
    }

    private static void requireReady(String what, Readiness r) {
        if (!r.ready()) {
            throw new IllegalStateException(what + " is not ready: " + r.reason());
        }
    }
}
