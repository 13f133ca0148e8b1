package dev.ares.model.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.checkpoint.CheckpointFaultHook;
import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.learner.Outcome;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.Trajectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reliability scenario 1 at its precise crash points (tier U, fault hook, "exception" flavour; the process-kill
 * flavour is {@code tests/.../e2e/LearnerKillTest}): 64 seeded groups (8 steps × 8 groups × 2 trajectories, ordered
 * by group id) on the qwen2-tiny model, a checkpoint every 2 steps; the learner crashes after consume, after the
 * optimizer step, during the checkpoint write, or after the checkpoint but before the consumer commits the offset,
 * and is restarted from its store each time. Afterwards the union of ids over the completed steps equals the seeded
 * set with no id in two steps, the step counter continued from the last complete checkpoint, and the final weights
 * equal an uninterrupted run's bit for bit (one intra-op thread).
 */
class Scenario01CrashPointsTest {
    static final String RUN = ModelLearnerLoopTest.RUN;
    static final int STEPS = 8;
    static final int GROUPS = 8;
    static final int N = 2;
    static final int CHECKPOINT_EVERY = 2;
    static List<ScoredBatch> topic;
    static Map<String, float[]> uninterrupted;

    @TempDir
    Path tmp;

    enum CrashPoint { AFTER_CONSUME, AFTER_OPTIMIZER_STEP, DURING_CHECKPOINT_WRITE, AFTER_CHECKPOINT_BEFORE_COMMIT }

    /** Thrown by the hook: the injected crash. */
    static final class Crash extends RuntimeException {
        Crash(String where) {
            super("injected crash " + where);
        }
    }

    @BeforeAll
    static void seedAndRunUninterrupted(@TempDir Path dir) {
        FixedThreads.pin();
        topic = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) {
            topic.add(LearnerBatches.batch(RUN, s, GROUPS, N, 0, 17));
        }
        try (ModelLearnerLoop loop = ModelLearnerLoopTest.open(settings(dir))) {
            for (int o = 0; o < STEPS; o++) {
                loop.train(topic.get(o), 0, o);
            }
            uninterrupted = ModelLearnerLoopTest.weights(loop.policy());
        }
    }

    static LoopSettings settings(Path root) {
        // staleness bound above the run's length: every seeded group is trainable whatever the policy version
        return ModelLearnerLoopTest.settings(root, CHECKPOINT_EVERY, STEPS + 2, 0);
    }

    static Set<String> seededTrajectoryIds() {
        Set<String> ids = new TreeSet<>();
        for (ScoredBatch b : topic) {
            for (ScoredGroup g : b.groups()) {
                for (Trajectory t : g.rollout().trajectories()) {
                    ids.add(t.trajectoryId());
                }
            }
        }
        return ids;
    }

    /** A hook that crashes once at {@code point} while processing offset {@code atOffset}'s step. */
    static final class OneShot implements LearnerFaultHook {
        final CrashPoint point;
        final long atStep;
        boolean fired;

        OneShot(CrashPoint point, long atStep) {
            this.point = point;
            this.atStep = atStep;
        }

        @Override
        public void at(Point p, long step) {
            CrashPoint here = switch (p) {
                case AFTER_CONSUME -> CrashPoint.AFTER_CONSUME;
                case AFTER_OPTIMIZER_STEP -> CrashPoint.AFTER_OPTIMIZER_STEP;
                case AFTER_CHECKPOINT -> CrashPoint.AFTER_CHECKPOINT_BEFORE_COMMIT;
            };
            if (!fired && here == point && step == atStep) {
                fired = true;
                throw new Crash(p + " of step " + step);
            }
        }

        @Override
        public void atCheckpoint(CheckpointFaultHook.Phase phase, long version, Path dir) throws IOException {
            if (!fired && point == CrashPoint.DURING_CHECKPOINT_WRITE && phase == CheckpointFaultHook.Phase.SHARDS_SYNCED
                    && version == atStep + 1) {
                fired = true;
                throw new IOException("injected crash during the write of checkpoint v" + version);
            }
        }
    }

    /**
     * Drives the learner through the topic like the service does: start at the checkpoint's offset (else the
     * group's committed one), train, acknowledge once a checkpoint holds the batch; on a crash, drop the process
     * state and start again.
     *
     * @return the train events of the completed (surviving) steps, by step, and the restart count
     */
    RunResult run(Path root, List<OneShot> hooks) {
        long committed = 0;
        Map<Long, Set<String>> completed = new TreeMap<>();
        int restarts = 0;
        List<Long> resumedAt = new ArrayList<>();
        while (true) {
            try (ModelLearnerLoop loop = ModelLearnerLoopTest.open(settings(root))) {
                LearnerFaultHook hook = new LearnerFaultHook() {
                    @Override
                    public void at(Point p, long step) {
                        for (OneShot h : hooks) {
                            h.at(p, step);
                        }
                    }

                    @Override
                    public void atCheckpoint(CheckpointFaultHook.Phase phase, long version, Path dir) throws IOException {
                        for (OneShot h : hooks) {
                            h.atCheckpoint(phase, version, dir);
                        }
                    }
                };
                loop.setFaultHook(hook);
                long finishedAtStart = loop.book().stepsFinished();
                long start = loop.resumeOffset(0).orElse(committed);
                resumedAt.add(start);
                // the step counter continues from the latest complete checkpoint
                assertEquals(finishedAtStart, loop.book().policyVersion());
                assertEquals(0, finishedAtStart % CHECKPOINT_EVERY);
                assertEquals(start, finishedAtStart, "one batch per step: the checkpoint's offset is its step count");
                // steps after the checkpoint are lost with the process
                completed.keySet().removeIf(s -> s >= finishedAtStart);
                // a step whose checkpoint was committed just before the crash returned no event: its ids are the
                // restored ledger's ids that no other completed step holds
                Set<String> rest = new TreeSet<>(loop.book().ledger().trajectoryIds());
                completed.values().forEach(rest::removeAll);
                for (long s = 0; s < finishedAtStart; s++) {
                    if (!completed.containsKey(s)) {
                        completed.put(s, new TreeSet<>(rest));
                        rest.clear();
                    }
                }
                assertTrue(rest.isEmpty(), "ledger ids of no completed step: " + rest);
                try {
                    for (long o = start; o < STEPS; o++) {
                        LearnerLoop.StepOutcome out = loop.train(topic.get((int) o), 0, o);
                        Map<String, Double> m = out.event().metrics();
                        assertEquals(o + 1, m.get("step/finished"), "step counter");
                        assertEquals(0.0, m.get("outcome/trajectories/duplicate"), "step " + o);
                        Set<String> ids = new TreeSet<>();
                        if (m.get("outcome/trajectories/trained") == GROUPS * N) {
                            topic.get((int) o).groups().forEach(g -> g.rollout().trajectories()
                                    .forEach(t -> ids.add(t.trajectoryId())));
                        }
                        completed.put(o, ids);
                        if (out.checkpoint().isPresent()) {
                            // the service acknowledges a batch once a checkpoint holds it (with the ones before it)
                            committed = o + 1;
                        }
                    }
                    return new RunResult(completed, restarts, resumedAt, ModelLearnerLoopTest.weights(loop.policy()),
                            loop.book().ledger().trajectoryIds(), loop.book().ledger().groupIds(),
                            loop.book().accounting().trajectories(Outcome.TRAINED),
                            loop.book().accounting().trajectories(Outcome.DUPLICATE), loop.book().optimizerSteps());
                } catch (RuntimeException e) {
                    assertTrue(e instanceof Crash || String.valueOf(e.getMessage()).contains("injected crash"),
                            "only the injected crash may fail a step: " + e);
                    restarts++;
                }
            }
        }
    }

    record RunResult(Map<Long, Set<String>> completed, int restarts, List<Long> resumedAt,
                     Map<String, float[]> weights, List<String> ledgerTrajectories, List<String> ledgerGroups,
                     long trainedTrajectories, long duplicateTrajectories, long optimizerSteps) {
    }

    void assertExactlyOnce(RunResult r, int expectedRestarts) {
        assertEquals(expectedRestarts, r.restarts());
        assertEquals(STEPS, r.completed().size());
        // union of the ids over the completed steps = the seeded set, no id in two steps
        Set<String> union = new HashSet<>();
        int sum = 0;
        for (long s = 0; s < STEPS; s++) {
            Set<String> ids = r.completed().get(s);
            assertEquals(GROUPS * N, ids.size(), "step " + s);
            sum += ids.size();
            for (String id : ids) {
                assertTrue(union.add(id), id + " in two steps");
            }
        }
        assertEquals(seededTrajectoryIds(), union);
        assertEquals(GROUPS * N * STEPS, sum);
        // the restored books agree: every seeded id trained once, no duplicates, one optimizer step per step
        assertEquals(List.copyOf(seededTrajectoryIds()), r.ledgerTrajectories());
        assertEquals(GROUPS * STEPS, r.ledgerGroups().size());
        assertEquals(GROUPS * N * STEPS, r.trainedTrajectories());
        assertEquals(0, r.duplicateTrajectories());
        assertEquals(STEPS, r.optimizerSteps());
        ModelLearnerLoopTest.assertSameWeights(uninterrupted, r.weights());
    }

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void aCrashAtEachPointRestartsAndEndsBitIdentical(CrashPoint point) {
        // step 4 is processed after checkpoint v4 (checkpoints every 2 steps); step 5 writes v6
        long step = point == CrashPoint.AFTER_CONSUME ? 4 : 5;
        OneShot hook = new OneShot(point, step);
        RunResult r = run(tmp, List.of(hook));
        assertTrue(hook.fired, "the crash was injected");
        assertExactlyOnce(r, 1);
        long expectedResume = point == CrashPoint.AFTER_CHECKPOINT_BEFORE_COMMIT ? 6 : 4;
        assertEquals(List.of(0L, expectedResume), r.resumedAt(), "resumed at the last complete checkpoint");
    }

    @Test
    void allFourCrashPointsInOneRun() {
        List<OneShot> hooks = List.of(new OneShot(CrashPoint.AFTER_CONSUME, 1),
                new OneShot(CrashPoint.AFTER_OPTIMIZER_STEP, 2), new OneShot(CrashPoint.DURING_CHECKPOINT_WRITE, 3),
                new OneShot(CrashPoint.AFTER_CHECKPOINT_BEFORE_COMMIT, 5));
        RunResult r = run(tmp, hooks);
        for (OneShot h : hooks) {
            assertTrue(h.fired, h.point + " fired");
        }
        assertExactlyOnce(r, 4);
        assertEquals(List.of(0L, 0L, 2L, 2L, 6L), r.resumedAt());
        assertTrue(EnumSet.allOf(CrashPoint.class).size() == hooks.size());
    }
}
