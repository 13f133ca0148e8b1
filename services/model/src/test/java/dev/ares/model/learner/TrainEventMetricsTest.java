package dev.ares.model.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys of a train event are defined consistently: a call that takes no optimizer step (everything filtered) has
 * no loss, KL, clip or gradient keys at all rather than NaN, and no event value is ever NaN or infinite.
 */
class TrainEventMetricsTest {
    static final String RUN = ModelLearnerLoopTest.RUN;
    static final List<String> STEP_KEYS = List.of("kl/mean", "loss/total", "loss/policy", "loss/kl", "clip/fraction",
            "clip/dual_fraction", "grad/norm", "train/seconds", "train/tokens_per_s", "advantage/mean",
            "advantage/std");

    @TempDir
    Path tmp;

    @BeforeAll
    static void threads() {
        FixedThreads.pin();
    }

    static void assertAllFinite(Map<String, Double> m) {
        for (Map.Entry<String, Double> e : m.entrySet()) {
            assertTrue(Double.isFinite(e.getValue()), e.getKey() + " = " + e.getValue());
        }
    }

    /** {@code b} with every group's keep flag off (the online filter removed them all). */
    static ScoredBatch allFiltered(ScoredBatch b) {
        List<ScoredGroup> gs = b.groups().stream().map(g -> new ScoredGroup(g.groupId(), g.passRate(), g.bucket(), false,
                g.trajectories(), g.rollout())).toList();
        return new ScoredBatch(b.runId(), b.step(), gs, b.stats(), b.partial());
    }

    @Test
    void aStepWithNothingTrainedOmitsTheStepKeysAndATrainedStepHasThemFinite() {
        try (ModelLearnerLoop loop = ModelLearnerLoopTest.open(ModelLearnerLoopTest.settings(tmp, 1, 2, 0))) {
            LearnerLoop.StepOutcome none = loop.train(allFiltered(LearnerBatches.batch(RUN, 0, 3, 4, 0, 5)), 0, 0);
            Map<String, Double> m = none.event().metrics();
            assertEquals(3.0, m.get("outcome/groups/filtered"));
            assertEquals(0.0, m.get("train/sequences"));
            assertEquals(0.0, m.get("train/tokens"));
            for (String k : STEP_KEYS) {
                assertFalse(m.containsKey(k), k + " must be absent when nothing was trained");
            }
            assertAllFinite(m);

            LearnerLoop.StepOutcome trained = loop.train(LearnerBatches.batch(RUN, 1, 3, 4, 1, 5), 0, 1);
            Map<String, Double> t = trained.event().metrics();
            for (String k : STEP_KEYS) {
                assertTrue(t.containsKey(k), k + " present after an optimizer step");
            }
            assertTrue(t.get("kl/mean") >= 0, "k3 is non-negative");
            assertAllFinite(t);
            // the checkpoint announcement copies kl/mean only when the step has it
            assertEquals(t.get("kl/mean"), trained.checkpoint().orElseThrow().metrics().get("kl/mean"));
            assertFalse(none.checkpoint().orElseThrow().metrics().containsKey("kl/mean"));
        }
    }
}
