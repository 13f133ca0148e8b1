package dev.ares.core.scoring;

import static dev.ares.core.scoring.TestGroups.RIGHT;
import static dev.ares.core.scoring.TestGroups.UNBOXED;
import static dev.ares.core.scoring.TestGroups.group;
import static dev.ares.core.scoring.TestGroups.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.AepoScorer;
import dev.ares.core.aepo.BatchResult;
import dev.ares.core.aepo.ControllerState;
import dev.ares.core.aepo.GroupInput;
import dev.ares.core.aepo.GroupResult;
import dev.ares.core.aepo.TrajectoryInput;
import dev.ares.core.aepo.TrajectoryResult;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.FinishReason;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.Timings;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.protocol.WindowSpan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link AepoStepScorer}: step assembly, straggler timeout, late and duplicate groups, state carried (spec §14). */
class AepoStepScorerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final AepoConfig CODE = AepoConfig.code();

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private AepoStepScorer scorer(AepoConfig cfg) {
        return new AepoStepScorer(cfg, TIMEOUT, clock::get, null);
    }

    /** The step of three groups: 6/8, 4/8 and 1/8 right answers (easy, medium, hard by spec §5's counts). */
    private static List<RolloutGroup> stepGroups(String run, long step, long seed) {
        return List.of(group(run, step, 3, "g" + step + "-easy", 48, seed, texts(6, 8)),
                group(run, step, 3, "g" + step + "-medium", 48, seed + 1, texts(4, 8)),
                group(run, step, 3, "g" + step + "-hard", 48, seed + 2, texts(1, 8)));
    }

    /** The AEPO library's inputs for groups built by {@link TestGroups}, with accuracy and format known by text. */
    private static List<GroupInput> oracleInputs(List<RolloutGroup> groups) {
        List<GroupInput> out = new ArrayList<>();
        for (RolloutGroup g : groups) {
            List<TrajectoryInput> ts = new ArrayList<>();
            for (Trajectory t : g.trajectories()) {
                boolean right = t.text().equals(RIGHT);
                boolean formatted = !t.text().equals(UNBOXED);
                ts.add(TrajectoryInput.of(right, formatted, t.entropies(), t.triggers()));
            }
            out.add(new GroupInput(g.groupId(), ts));
        }
        return out;
    }

    @Test
    void aCompleteStepIsScoredOnceItHoldsGroupsInStepGroups() {
        AepoStepScorer s = scorer(CODE);
        List<RolloutGroup> groups = stepGroups("run-a", 0, 11);
        assertEquals(List.of(), s.accept(groups.get(0)));
        assertEquals(List.of(), s.accept(groups.get(1)));
        assertEquals(Set.of(0L), s.openSteps());
        List<ScoredBatch> out = s.accept(groups.get(2));
        assertEquals(1, out.size());
        assertEquals(Set.of(), s.openSteps());

        ScoredBatch batch = out.get(0);
        assertFalse(batch.partial());
        assertEquals("run-a", batch.runId());
        assertEquals(0, batch.step());
        assertEquals(List.of("g0-easy", "g0-medium", "g0-hard"), batch.groups().stream().map(ScoredGroup::groupId).toList());
        assertEquals(List.of(0.75, 0.5, 0.125), batch.groups().stream().map(ScoredGroup::passRate).toList());
        assertEquals(List.of(Bucket.EASY, Bucket.MEDIUM, Bucket.HARD),
                batch.groups().stream().map(ScoredGroup::bucket).toList());

        BatchResult expected = AepoScorer.scoreBatch(oracleInputs(groups), ControllerState.initial(CODE), CODE);
        for (int gi = 0; gi < groups.size(); gi++) {
            ScoredGroup sg = batch.groups().get(gi);
            GroupResult gr = expected.groups().get(gi);
            assertEquals(groups.get(gi), sg.rollout());
            assertEquals(gr.keep(), sg.keep());
            for (int i = 0; i < 8; i++) {
                TrajectoryScore ts = sg.trajectories().get(i);
                TrajectoryResult tr = gr.trajectories().get(i);
                String text = groups.get(gi).trajectories().get(i).text();
                assertEquals(text.equals(RIGHT) ? 1.0 : 0.0, ts.accuracy(), ts.trajectoryId());
                assertEquals(text.equals(UNBOXED) ? 0.0 : 1.0, ts.format(), ts.trajectoryId());
                assertEquals(tr.hweCount(), ts.hweCount());
                assertEquals(tr.entropyReward(), ts.entropyReward());
                assertEquals(tr.overall(), ts.reward());
                assertEquals(tr.advantage(), ts.advantage());
                int[] flat = tr.hweSpans();
                assertEquals(flat.length / 2, ts.hweWindows().size());
                for (int k = 0; k < ts.hweWindows().size(); k++) {
                    assertEquals(new WindowSpan(flat[2 * k], flat[2 * k + 1]), ts.hweWindows().get(k));
                }
            }
        }
        assertEquals(expected.stats().tauUsed(), batch.stats().hweThreshold());
        assertEquals(expected.stats().targets().easy(), batch.stats().bucketTargets().get(Bucket.EASY));
        assertEquals(expected.stats().targets().medium(), batch.stats().bucketTargets().get(Bucket.MEDIUM));
        assertEquals(expected.stats().targets().hard(), batch.stats().bucketTargets().get(Bucket.HARD));
        assertEquals(ControllerStateMap.flatten(expected.state()), batch.stats().controllerState());
        // with 48-token responses and one trigger in six tokens there are HWE events to shape
        assertTrue(batch.groups().stream().flatMap(g -> g.trajectories().stream()).anyMatch(t -> t.hweCount() > 0));
    }

    @Test
    void accuracyComesFromTheVerifierOnTheDecodedText() {
        AepoStepScorer s = scorer(CODE);
        String[] texts = {"<think>..</think> \\boxed{7}", "<think>..</think> \\boxed{7.0}", "<think>..</think> \\boxed{14/2}",
            "<think>..</think> \\boxed{8}", "no think \\boxed{7}", "<think>..</think> seven", "\\boxed{ 7 }", ""};
        double[] accuracy = {1, 1, 1, 0, 1, 0, 1, 0};
        double[] format = {1, 1, 1, 1, 0, 0, 0, 0};
        ScoredBatch batch = s.accept(group("run-v", 3, 1, "v", 8, 5, texts)).get(0);
        List<TrajectoryScore> scores = batch.groups().get(0).trajectories();
        for (int i = 0; i < texts.length; i++) {
            assertEquals(accuracy[i], scores.get(i).accuracy(), "accuracy of " + texts[i]);
            assertEquals(format[i], scores.get(i).format(), "format of " + texts[i]);
        }
        assertEquals(5.0 / 8.0, batch.groups().get(0).passRate());
        assertEquals(Bucket.MEDIUM, batch.groups().get(0).bucket());
    }

    @Test
    void stragglerTimeoutFlushesAPartialBatchAndLaterGroupsAreLate() {
        AepoStepScorer s = scorer(CODE);
        List<RolloutGroup> groups = stepGroups("run-p", 4, 21);
        s.accept(groups.get(0));
        clock.addAndGet(10_000);
        s.accept(groups.get(1));
        long first = clock.get() - 10_000;
        assertEquals(List.of(), s.expire(first + TIMEOUT.toMillis() - 1));
        assertEquals(Set.of(4L), s.openSteps());
        List<ScoredBatch> out = s.expire(first + TIMEOUT.toMillis());
        assertEquals(1, out.size());
        ScoredBatch partial = out.get(0);
        assertTrue(partial.partial());
        assertEquals(List.of("g4-easy", "g4-medium"), partial.groups().stream().map(ScoredGroup::groupId).toList());
        assertEquals(Set.of(), s.openSteps());
        BatchResult expected = AepoScorer.scoreBatch(oracleInputs(groups.subList(0, 2)), ControllerState.initial(CODE),
                CODE);
        assertEquals(expected.state(), s.state("run-p"));

        assertEquals(List.of(), s.accept(groups.get(2)));
        assertEquals(1, s.droppedLate());
        assertEquals(Set.of(), s.openSteps());
        assertEquals(List.of(), s.expire(Long.MAX_VALUE));
        assertEquals(expected.state(), s.state("run-p"), "a late group does not touch the state");
    }

    @Test
    void duplicateGroupIdsAreIgnoredAndGroupsOfPublishedStepsAreLate() {
        AepoStepScorer s = scorer(CODE);
        List<RolloutGroup> groups = stepGroups("run-d", 2, 31);
        s.accept(groups.get(0));
        assertEquals(List.of(), s.accept(groups.get(0)));
        RolloutGroup sameIdOtherContent = group("run-d", 2, 3, "g2-easy", 16, 99, texts(8, 8));
        assertEquals(List.of(), s.accept(sameIdOtherContent));
        assertEquals(2, s.duplicatesIgnored());
        assertEquals(Set.of(2L), s.openSteps());
        s.accept(groups.get(1));
        ScoredBatch batch = s.accept(groups.get(2)).get(0);
        assertEquals(3, batch.groups().size());
        assertEquals(groups.get(0), batch.groups().get(0).rollout(), "the first copy of a group is kept");

        assertEquals(List.of(), s.accept(groups.get(1)));
        assertEquals(List.of(), s.accept(group("run-d", 2, 3, "g2-new", 16, 7, texts(2, 8))));
        assertEquals(2, s.droppedLate());
        assertEquals(2, s.duplicatesIgnored());
        assertEquals(Set.of(), s.openSteps());
    }

    @Test
    void aGroupDisagreeingOnTheStepSizeIsRejected() {
        AepoStepScorer s = scorer(CODE);
        s.accept(group("run-x", 1, 3, "a", 16, 1, texts(2, 4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.accept(group("run-x", 1, 2, "b", 16, 2, texts(2, 4))));
        assertTrue(e.getMessage().contains("says the step has 2 groups, but the step's first group said 3"),
                e.getMessage());
        assertEquals(Set.of(1L), s.openSteps());
    }

    @Test
    void controllerStateCarriesFromStepToStepAsTheLibraryReturnsIt() {
        AepoStepScorer s = scorer(CODE);
        List<RolloutGroup> step0 = stepGroups("run-s", 0, 41);
        List<RolloutGroup> step1 = stepGroups("run-s", 1, 51);
        ScoredBatch b0 = null;
        for (RolloutGroup g : step0) {
            List<ScoredBatch> out = s.accept(g);
            b0 = out.isEmpty() ? b0 : out.get(0);
        }
        BatchResult r0 = AepoScorer.scoreBatch(oracleInputs(step0), ControllerState.initial(CODE), CODE);
        assertEquals(r0.state(), s.state("run-s"));
        assertEquals(1, s.state("run-s").step());
        assertTrue(s.state("run-s").tau() != null, "the first batch sets the threshold state");
        ScoredBatch b1 = null;
        for (RolloutGroup g : step1) {
            List<ScoredBatch> out = s.accept(g);
            b1 = out.isEmpty() ? b1 : out.get(0);
        }
        BatchResult r1 = AepoScorer.scoreBatch(oracleInputs(step1), r0.state(), CODE);
        assertEquals(r1.state(), s.state("run-s"));
        assertEquals(2, r1.state().step());
        // code reading: step 1's events use the lagged threshold that step 0 produced
        assertEquals(r0.state().tau(), b1.stats().hweThreshold());
        assertEquals(r0.state(), AepoStepScorer.restore(b0.stats()));
        assertEquals(r1.state(), AepoStepScorer.restore(b1.stats()));
        assertNotEquals(r0.state(), r1.state());
        assertEquals(ControllerState.initial(CODE), s.state("another-run"), "runs do not share state");
    }

    @Test
    void aResumedScorerContinuesLikeTheOneThatPublished() {
        AepoStepScorer active = scorer(CODE);
        ScoredBatch last = null;
        for (RolloutGroup g : stepGroups("run-r", 0, 61)) {
            List<ScoredBatch> out = active.accept(g);
            last = out.isEmpty() ? last : out.get(0);
        }
        AepoStepScorer standby = new AepoStepScorer(CODE, TIMEOUT, clock::get, AepoStepScorer.Resume.from(last));
        assertTrue(standby.readiness().ready());
        assertTrue(standby.readiness().reason().contains("restored from run run-r step 0"), standby.readiness().reason());
        assertEquals(active.state("run-r"), standby.state("run-r"));
        // a re-delivered group of the published step is late for the standby too
        assertEquals(List.of(), standby.accept(stepGroups("run-r", 0, 61).get(0)));
        assertEquals(1, standby.droppedLate());

        List<ScoredBatch> fromActive = new ArrayList<>();
        List<ScoredBatch> fromStandby = new ArrayList<>();
        for (RolloutGroup g : stepGroups("run-r", 1, 71)) {
            fromActive.addAll(active.accept(g));
            fromStandby.addAll(standby.accept(g));
        }
        assertEquals(fromActive, fromStandby);
        assertEquals(1, fromStandby.size());
    }

    @Test
    void theSameStepNumberOfTwoRunsIsTwoSteps() {
        AepoStepScorer s = scorer(CODE);
        s.accept(group("run-1", 5, 2, "a", 16, 1, texts(2, 4)));
        s.accept(group("run-2", 5, 2, "a", 16, 2, texts(2, 4)));
        assertEquals(Set.of(5L), s.openSteps());
        ScoredBatch b = s.accept(group("run-2", 5, 2, "b", 16, 3, texts(1, 4))).get(0);
        assertEquals("run-2", b.runId());
        assertEquals(Set.of(5L), s.openSteps(), "run-1's step 5 is still open");
        assertEquals(ControllerState.initial(CODE), s.state("run-1"));
    }

    @Test
    void aStepTheLibraryRefusesIsDroppedAndReported() {
        AepoStepScorer s = scorer(CODE);
        List<Trajectory> empty = List.of(new Trajectory("e0", new int[0], "", new float[0], new float[0],
                new float[0], new boolean[0], null, -1, FinishReason.ABORTED, 0, new Timings(0, 3, 0)));
        RolloutGroup g = new RolloutGroup("run-f", 9, 1, "e", "req-e", "7", "addition", TestGroups.SAMPLING,
                new int[] {1}, empty);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.accept(g));
        assertTrue(e.getMessage().contains("run run-f step 9 could not be scored"), e.getMessage());
        assertEquals(1, s.failedSteps());
        assertEquals(Set.of(), s.openSteps());
        assertEquals(ControllerState.initial(CODE), s.state("run-f"));
    }

    @Test
    void thePaperReadingScoresWithItsOwnRules() {
        AepoConfig paper = AepoConfig.paper();
        AepoStepScorer s = scorer(paper);
        List<RolloutGroup> groups = stepGroups("run-paper", 0, 81);
        ScoredBatch batch = null;
        for (RolloutGroup g : groups) {
            List<ScoredBatch> out = s.accept(g);
            batch = out.isEmpty() ? batch : out.get(0);
        }
        BatchResult expected = AepoScorer.scoreBatch(oracleInputs(groups), ControllerState.initial(paper), paper);
        assertEquals(expected.state(), s.state("run-paper"));
        assertEquals(expected.stats().tauUsed(), batch.stats().hweThreshold());
        assertEquals(expected.groups().get(2).trajectories().get(3).overall(),
                batch.groups().get(2).trajectories().get(3).reward());
    }

    @Test
    void concurrentGroupsPublishEveryStepExactlyOnce() throws Exception {
        AepoStepScorer s = scorer(CODE);
        int steps = 24;
        List<RolloutGroup> all = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            for (int g = 0; g < 4; g++) {
                all.add(group("run-c", step, 4, "c" + step + "-" + g, 16, 1000L * step + g, texts(g + 1, 4)));
            }
        }
        java.util.Collections.shuffle(all, new java.util.Random(3));
        List<ScoredBatch> published = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (RolloutGroup g : all) {
                futures.add(pool.submit(() -> {
                    published.addAll(s.accept(g));
                    published.addAll(s.accept(g)); // a re-delivery: duplicate or late, never a second batch
                }));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(steps, published.size());
        assertEquals(steps, published.stream().map(ScoredBatch::step).distinct().count());
        for (ScoredBatch b : published) {
            assertEquals(4, b.groups().size());
            assertFalse(b.partial());
        }
        assertEquals(Set.of(), s.openSteps());
        assertEquals(all.size(), s.duplicatesIgnored() + s.droppedLate());
        assertEquals(steps, s.state("run-c").step());
    }

    @Test
    void constructionChecksItsArguments() {
        assertThrows(IllegalArgumentException.class, () -> new AepoStepScorer(CODE, Duration.ZERO, clock::get, null));
        assertTrue(scorer(CODE).readiness().ready());
        assertTrue(scorer(CODE).readiness().reason().contains("initial controller state"));
    }
}
