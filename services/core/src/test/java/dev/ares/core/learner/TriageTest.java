package dev.ares.core.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.tasks.PromptFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TriageTest {
    @Test
    void everyGroupGetsExactlyOneOutcomeWithItsReason() {
        DedupeLedger ledger = new DedupeLedger();
        ScoredBatch b = Batches.batch("r", 5, true, List.of(
                Batches.group("r", 5, 6, "fresh", 4, 3, true),
                Batches.group("r", 5, 6, "old", 4, 0, true),
                Batches.group("r", 5, 6, "filtered", 4, 3, false),
                Batches.group("r", 5, 6, "edge", 4, 1, true)), 0.5, Map.of());
        Triage t = Triage.of(b, "r", 3, 2, ledger, 4);
        assertEquals(2, t.groups().get(Outcome.TRAINED), "fresh and edge (v1 = 3 - 2 is in bound)");
        assertEquals(1, t.groups().get(Outcome.STALE));
        assertEquals(1, t.groups().get(Outcome.FILTERED));
        assertEquals(2, t.groups().get(Outcome.TIMED_OUT), "6 scheduled, 4 arrived");
        assertEquals(8, t.trajectories().get(Outcome.TIMED_OUT));
        assertEquals(8, t.trainedTrajectories());
        assertEquals("old: stale (policy v0 < 3 - 2)", t.reasons().get(0));
        assertEquals(List.of("fresh", "edge"), t.trainable().stream().map(x -> x.group().groupId()).toList());
    }

    @Test
    void redeliveryIsDuplicateAfterCommitButNotBefore() {
        DedupeLedger ledger = new DedupeLedger();
        ScoredGroup g = Batches.group("r", 0, 1, "g", 4, 0, true);
        ScoredBatch b = Batches.batch("r", 0, false, List.of(g), 0.5, Map.of());
        Triage first = Triage.of(b, "r", 0, 1, ledger, 4);
        assertEquals(4, Triage.of(b, "r", 0, 1, ledger, 4).trainedTrajectories(), "uncommitted: would train again");
        first.commit(ledger);
        Triage again = Triage.of(b, "r", 0, 1, ledger, 4);
        assertEquals(1, again.groups().get(Outcome.DUPLICATE));
        assertEquals(4, again.trajectories().get(Outcome.DUPLICATE));
        assertEquals(0, again.trainable().size());
    }

    @Test
    void aTrajectoryIdSeenInAnotherGroupIsMaskedOut() {
        DedupeLedger ledger = DedupeLedger.of(List.of(), List.of("a-t1"));
        // group "b" reuses ids a-t0..: build "a" under a new group id by renaming the group only
        ScoredGroup a = Batches.group("r", 0, 1, "a", 3, 0, true);
        ScoredGroup renamed = new ScoredGroup("b", a.passRate(), a.bucket(), true, a.trajectories(),
                new dev.ares.core.protocol.RolloutGroup("r", 0, 1, "b", "b-r", "7", "addition", a.rollout().sampling(),
                        a.rollout().promptTokenIds(), a.rollout().trajectories()));
        Triage t = Triage.of(Batches.batch("r", 0, false, List.of(renamed), 0.5, Map.of()), "r", 0, 1, ledger, 3);
        assertArrayEquals(new boolean[] {true, false, true}, t.trainable().get(0).include());
        assertEquals(1, t.trajectories().get(Outcome.DUPLICATE));
        assertEquals(2, t.trainedTrajectories());
    }

    @Test
    void aGroupTakenOutOfTrainingMovesItsIncludedTrajectoriesAndStaysDecided() {
        DedupeLedger ledger = DedupeLedger.of(List.of(), List.of("a-t1"));
        ScoredBatch b = Batches.batch("r", 0, false, List.of(Batches.group("r", 0, 2, "a", 3, 0, true),
                Batches.group("r", 0, 2, "c", 3, 0, true)), 0.5, Map.of());
        Triage t = Triage.of(b, "r", 0, 1, ledger, 3).withoutGroup("a", Outcome.FILTERED, "a: image-error (x)");
        // "a" had 2 included trajectories (a-t1 was trained before): those 2 become filtered, a-t1 stays duplicate
        assertEquals(1, t.groups().get(Outcome.TRAINED));
        assertEquals(1, t.groups().get(Outcome.FILTERED));
        assertEquals(3, t.trajectories().get(Outcome.TRAINED));
        assertEquals(2, t.trajectories().get(Outcome.FILTERED));
        assertEquals(1, t.trajectories().get(Outcome.DUPLICATE));
        assertEquals(List.of("c"), t.trainable().stream().map(x -> x.group().groupId()).toList());
        assertEquals("a: image-error (x)", t.reasons().get(t.reasons().size() - 1));
        t.commit(ledger);
        assertEquals(true, ledger.hasGroup("a"), "recorded: a redelivery is a duplicate");
        assertEquals(false, ledger.hasTrajectory("a-t0"), "its trajectories were not trained");
        assertEquals(true, ledger.hasTrajectory("c-t0"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> t.withoutGroup("nope", Outcome.FILTERED, "x"));
    }

    @Test
    void anotherRunsBatchIsIgnoredAndChangesNoLedger() {
        LearnerBook book = new LearnerBook(StepSchedulerTest.config(2, 0, ExplorationMode.IID, 0), StepSchedulerTest.LABELLED);
        ScoredBatch other = Batches.batch("zz", 0, false, List.of(Batches.group("zz", 0, 1, "g", 4, 0, true)), 0.5, Map.of());
        Triage t = book.triage(other);
        assertEquals(1, t.groups().get(Outcome.OTHER_RUN));
        book.commit(t, false, 0, 9);
        assertEquals(0, book.stepsFinished());
        assertEquals(10, book.resumeOffset(0).getAsLong(), "the offset still moves past it");
        assertEquals(List.of(), book.ledger().groupIds());
    }

    @Test
    void seededRunTrainsEveryGroupExactlyOnceUnderRedeliveryAndRestart() {
        ScheduleConfig cfg = new ScheduleConfig("r1", 4, 2, 2, ExplorationMode.IID, 0, 1, 1, 8, List.of(), 3, 16,
                PromptFormat.BARE, 0);
        LearnerBook book = new LearnerBook(cfg, StepSchedulerTest.LABELLED);
        Set<String> trained = new HashSet<>();
        long offset = 0;
        int restarts = 0;
        while (!book.scheduler().done()) {
            var reqs = book.nextRequests();
            for (long step : book.scheduler().inFlight()) {
                List<ScoredGroup> gs = reqs.stream().filter(r -> r.step() == step)
                        .map(r -> Batches.group("r1", step, 4, r.groupId(), 2, 0, true)).toList();
                if (gs.isEmpty()) {
                    continue;
                }
                ScoredBatch b = Batches.batch("r1", step, false, gs, 0.5, Map.of());
                for (int delivery = 0; delivery < 2; delivery++) {           // every batch delivered twice
                    Triage t = book.triage(b);
                    for (Triage.TrainableGroup g : t.trainable()) {
                        for (var tr : g.group().rollout().trajectories()) {
                            assertEquals(true, trained.add(tr.trajectoryId()), "trained twice: " + tr.trajectoryId());
                        }
                    }
                    book.commit(t, !t.trainable().isEmpty(), 0, offset++);
                }
            }
            if (book.stepsFinished() % 5 == 0 && restarts < 3) {              // restart from a snapshot
                LearnerState s = LearnerState.fromJson(book.state(Map.of("k", 1.0)).toJson(), "test");
                book = new LearnerBook(cfg, StepSchedulerTest.LABELLED);
                book.restore(s);
                restarts++;
            }
        }
        assertEquals(16 * 4 * 2, trained.size());
        assertEquals(16 * 4, book.accounting().groups(Outcome.TRAINED));
        assertEquals(16 * 4, book.accounting().groups(Outcome.DUPLICATE));
        assertEquals(16, book.stepsFinished());
    }

    @Test
    void learnerStateRoundTripsAndRejectsBadFields() {
        LearnerBook book = new LearnerBook(StepSchedulerTest.config(2, 0, ExplorationMode.IID, 0), StepSchedulerTest.LABELLED);
        book.nextRequests();
        ScoredBatch b = Batches.batch("r1", 0, false, List.of(Batches.group("r1", 0, 3, "r1-s0-g0", 4, 0, true)), 0.5,
                Map.of("tau", 0.7));
        book.commit(book.triage(b), true, 2, 41);
        book.setPolicyVersion(1);
        LearnerState s = book.state(Map.of("beta.easy.logBeta", 0.1 + 0.2));
        LearnerState back = LearnerState.fromJson(s.toJson(), "x.json");
        assertEquals(s, back);
        assertEquals(0.30000000000000004, back.klState().get("beta.easy.logBeta"), "doubles bit for bit");
        assertEquals(Map.of(2, 42L), back.offsets());
        String bad = new String(s.toJson(), java.nio.charset.StandardCharsets.UTF_8).replace("\"schemaVersion\" : 1",
                "\"schemaVersion\" : 9");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LearnerState.fromJson(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8), "v3/learner-state.json"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("v3/learner-state.json: "), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("schemaVersion must be 1"), e.getMessage());
    }
}
