package dev.ares.core.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 7 (tier U, fake clock): n−1 of the n groups of a step arrive, the clock passes the
 * straggler timeout. The partial batch is flagged and scored exactly once, holds only that step's groups (never
 * merged with another step's, even one open at the same time), and the missing group arriving afterwards is
 * counted as late, not added to anything. The reward service exports the counters as
 * {@code ares_reward_batches_total{partial="true"}} and {@code ares_reward_late_groups_total}
 * (reward-service MeteredStepScorer); its Quarkus test {@code RewardServiceTest#stragglersAreFlushedAsAPartialBatch}
 * covers the service path.
 */
class Scenario07IncompleteStepTest {
    private static final long TIMEOUT_MS = 60_000;

    @Test
    void partialStepIsScoredOnceAloneAndTheLateGroupIsCounted() {
        AtomicLong clock = new AtomicLong(1_000_000);
        AepoStepScorer scorer = new AepoStepScorer(AepoConfig.code(), Duration.ofMillis(TIMEOUT_MS), clock::get, null);
        int n = 4;
        // Step 10: groups a, b, c of 4. Step 11 opens 10 s later with 2 of its 4 groups.
        for (String g : List.of("a", "b", "c")) {
            assertEquals(List.of(), scorer.accept(TestGroups.group("run-7", 10, n, "s10-" + g, 48, g.hashCode(),
                    TestGroups.texts(2, 4))));
        }
        clock.addAndGet(10_000);
        for (String g : List.of("a", "b")) {
            assertEquals(List.of(), scorer.accept(TestGroups.group("run-7", 11, n, "s11-" + g, 48, 7 + g.hashCode(),
                    TestGroups.texts(1, 4))));
        }
        assertEquals(Set.of(10L, 11L), scorer.openSteps());

        // One millisecond before step 10's timeout: nothing is flushed.
        assertEquals(List.of(), scorer.expire(1_000_000 + TIMEOUT_MS - 1));
        // At the timeout: step 10 alone, flagged partial, with exactly its three groups.
        List<ScoredBatch> flushed = scorer.expire(1_000_000 + TIMEOUT_MS);
        assertEquals(1, flushed.size());
        ScoredBatch partial = flushed.get(0);
        assertEquals(10, partial.step());
        assertTrue(partial.partial());
        assertEquals(Set.of("s10-a", "s10-b", "s10-c"),
                partial.groups().stream().map(ScoredGroup::groupId).collect(Collectors.toSet()));
        assertEquals(Set.of(11L), scorer.openSteps());

        // Scored once: later expiries do not publish step 10 again.
        assertEquals(List.of(), scorer.expire(1_000_000 + TIMEOUT_MS + 5_000));

        // The straggler of step 10 arrives: late, counted, not added to step 11 or a new step 10.
        assertEquals(0, scorer.droppedLate());
        assertEquals(List.of(), scorer.accept(TestGroups.group("run-7", 10, n, "s10-d", 48, 99, TestGroups.texts(2, 4))));
        assertEquals(1, scorer.droppedLate());
        assertEquals(Set.of(11L), scorer.openSteps());

        // Step 11 completes normally with only its own four groups.
        List<ScoredBatch> done = new ArrayList<>();
        for (String g : List.of("c", "d")) {
            done.addAll(scorer.accept(TestGroups.group("run-7", 11, n, "s11-" + g, 48, 7 + g.hashCode(),
                    TestGroups.texts(3, 4))));
        }
        assertEquals(1, done.size());
        assertFalse(done.get(0).partial());
        assertEquals(Set.of("s11-a", "s11-b", "s11-c", "s11-d"),
                done.get(0).groups().stream().map(ScoredGroup::groupId).collect(Collectors.toSet()));
        assertEquals(Set.of(), scorer.openSteps());
        assertEquals(0, scorer.duplicatesIgnored());
    }

    @Test
    void aStepOfAnotherRunWithTheSameNumberIsNeverMerged() {
        AtomicLong clock = new AtomicLong(0);
        AepoStepScorer scorer = new AepoStepScorer(AepoConfig.code(), Duration.ofMillis(TIMEOUT_MS), clock::get, null);
        scorer.accept(TestGroups.group("run-A", 5, 2, "A1", 48, 1, TestGroups.texts(2, 4)));
        scorer.accept(TestGroups.group("run-B", 5, 2, "B1", 48, 2, TestGroups.texts(1, 4)));
        List<ScoredBatch> out = scorer.expire(TIMEOUT_MS);
        assertEquals(2, out.size());
        for (ScoredBatch b : out) {
            assertTrue(b.partial());
            assertEquals(1, b.groups().size());
            assertEquals(b.runId().equals("run-A") ? "A1" : "B1", b.groups().get(0).groupId());
        }
    }
}
