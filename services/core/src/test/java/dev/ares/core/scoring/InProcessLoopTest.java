package dev.ares.core.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.compute.InProcessLoop;
import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.RolloutEngine;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.CheckpointKind;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.TrainEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@link InProcessLoop} with the real {@link AepoStepScorer} between a scripted learner and rollout engine (test
 * doubles): every scheduled group reaches the scorer, every completed step is trained once with increasing offsets,
 * checkpoints reach the rollout engine, and a learner that resumes starts from its stored offset.
 */
class InProcessLoopTest {

    /** Schedules {@code groups} groups per step for {@code steps} steps, one step in flight. */
    static class ScriptedLearner implements LearnerLoop {
        final int groups;
        final int steps;
        final long resumeFrom;
        long nextStep;
        boolean inFlight;
        final List<Long> trainedSteps = new ArrayList<>();
        final List<Long> offsets = new ArrayList<>();

        ScriptedLearner(int groups, int steps, long resumeFrom) {
            this.groups = groups;
            this.steps = steps;
            this.resumeFrom = resumeFrom;
        }

        @Override
        public List<RolloutRequest> nextRequests() {
            if (inFlight || nextStep >= steps) {
                return List.of();
            }
            inFlight = true;
            List<RolloutRequest> out = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                Prompt p = new Prompt(List.of(new ChatMessage("user", "3 + 4?")), List.of(), "7", "addition", 0.5);
                out.add(new RolloutRequest("req-" + nextStep + "-" + g, "g" + nextStep + "-" + g, "run", nextStep, groups,
                        nextStep, p, 4, new SamplingParams(1.0, 1.0, 0, 16, 1L, List.of()), ExplorationMode.IID, 0, 0.0, 0));
            }
            return out;
        }

        @Override
        public StepOutcome train(ScoredBatch batch, int partition, long offset) {
            trainedSteps.add(batch.step());
            offsets.add(offset);
            inFlight = false;
            nextStep++;
            CheckpointEvent c = new CheckpointEvent("m", batch.step() + 1, batch.step(), "file:///ckpt/v" + (batch.step() + 1),
                    CheckpointKind.FULL, null, "0".repeat(64), Map.of());
            return new StepOutcome(new TrainEvent("run", batch.step(), Map.of("groups", (double) batch.groups().size()),
                    Instant.EPOCH), Optional.of(c));
        }

        @Override
        public OptionalLong resumeOffset(int partition) {
            return resumeFrom < 0 ? OptionalLong.empty() : OptionalLong.of(resumeFrom);
        }

        @Override
        public Readiness readiness() {
            return Readiness.up("scripted");
        }
    }

    /** Answers every request with a group of fixed texts (half right); records the checkpoints it is given. */
    static final class ScriptedRollout implements RolloutEngine {
        final List<Long> versions = new ArrayList<>();
        int generated;

        @Override
        public RolloutGroup generate(RolloutRequest r) {
            generated++;
            RolloutGroup g = TestGroups.group(r.runId(), r.step(), r.groupsInStep(), r.groupId(), 12, generated,
                    TestGroups.texts(generated % 5, r.n()));
            return g;
        }

        @Override
        public void onCheckpoint(CheckpointEvent event) {
            versions.add(event.version());
        }

        @Override
        public Readiness readiness() {
            return Readiness.up("scripted");
        }
    }

    @Test
    void everyStepIsGeneratedScoredAndTrainedOnce() {
        ScriptedLearner learner = new ScriptedLearner(3, 4, -1);
        ScriptedRollout rollout = new ScriptedRollout();
        AepoStepScorer scorer = AepoStepScorer.fresh(AepoConfig.code(), Duration.ofMinutes(1));
        List<Long> shown = new ArrayList<>();
        InProcessLoop.Progress p = new InProcessLoop(learner, rollout, scorer).runSteps(10, e -> shown.add(e.step()));
        assertEquals(List.of(0L, 1L, 2L, 3L), learner.trainedSteps, "the learner's budget of 4 steps ends the run");
        assertEquals(List.of(0L, 1L, 2L, 3L), learner.offsets);
        assertEquals(learner.trainedSteps, shown);
        assertEquals(12, p.groupsGenerated());
        assertEquals(List.of(1L, 2L, 3L, 4L), rollout.versions, "each checkpoint reaches the rollout engine");
        assertTrue(scorer.openSteps().isEmpty());
        for (TrainEvent e : p.events()) {
            assertEquals(3.0, e.metrics().get("groups"), "all three groups of a step in one batch");
        }
    }

    @Test
    void stopsAtTheRequestedStepsAndResumesFromTheStoredOffset() {
        ScriptedLearner learner = new ScriptedLearner(2, 10, 41);
        InProcessLoop loop = new InProcessLoop(learner, new ScriptedRollout(),
                AepoStepScorer.fresh(AepoConfig.code(), Duration.ofMinutes(1)));
        assertEquals(2, loop.runSteps(2, e -> { }).events().size());
        assertEquals(List.of(41L, 42L), learner.offsets);
    }

    @Test
    void aStepThatCannotCompleteIsAnErrorNotAHang() {
        ScriptedLearner learner = new ScriptedLearner(3, 4, -1) {
            @Override
            public List<RolloutRequest> nextRequests() {
                List<RolloutRequest> all = super.nextRequests();
                return all.isEmpty() ? all : all.subList(0, 2);   // one group of the step never requested
            }
        };
        InProcessLoop loop = new InProcessLoop(learner, new ScriptedRollout(),
                AepoStepScorer.fresh(AepoConfig.code(), Duration.ofMinutes(1)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runSteps(4, x -> { }));
        assertTrue(e.getMessage().contains("open in the scorer"), e.getMessage());
    }
}
