package dev.ares.core.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.verify.BudgetedVerifier;
import dev.ares.core.verify.BudgetedVerifier.Outcome;
import dev.ares.core.verify.BudgetedVerifier.Status;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 8 (tier U): the reward verifier fed pathological answers (a huge nested expression, a
 * 1 MB string, 200 kB of unclosed {@code \boxed{}}, a catastrophic-backtracking pattern, a check that ignores
 * interrupts) returns within its budget with reward 0 and a non-OK status; the consumer thread is free and the next
 * record is scored; the live thread count is bounded after 100 such inputs. The real verifier is used wherever the
 * pathology is real; two test doubles (a backtracking regex, a busy wait) stand in for unknown future hangs.
 */
class Scenario08VerifierBudgetTest {
    private static final Duration BUDGET = Duration.ofMillis(500);
    /** Scheduling slack on a loaded 2-core machine. */
    private static final long SLACK_MILLIS = 1500;

    private static long millis(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static Outcome timed(BudgetedVerifier v, String response, String reference) {
        Outcome[] out = new Outcome[1];
        long ms = millis(() -> out[0] = v.check(response, reference));
        assertTrue(ms <= BUDGET.toMillis() + SLACK_MILLIS, "returned after " + ms + " ms, budget " + BUDGET);
        assertFalse(out[0].correct() && out[0].status() != Status.OK);
        return out[0];
    }

    @Test
    void realPathologicalAnswersAreRefusedWithinTheBudgetAndTheNextIsGraded() {
        try (BudgetedVerifier v = new BudgetedVerifier(BUDGET, 2, BudgetedVerifier.DEFAULT_MAX_RESPONSE_CHARS,
                BudgetedVerifier.DEFAULT_MAX_ANSWER_CHARS, BudgetedVerifier.Checker.REAL)) {
            String oneMb = "\\boxed{" + "1".repeat(1 << 20) + "}";
            assertEquals(Status.TOO_LARGE, timed(v, oneMb, "1").status());
            String nested = "\\boxed{" + "\\frac{1}{".repeat(5000) + "2" + "}".repeat(5000) + "}";
            assertEquals(Status.TOO_LARGE, timed(v, nested, "1").status());
            // 200 kB of unclosed boxes: the extraction used to rescan the rest of the text for each (minutes).
            Outcome unclosed = timed(v, "\\boxed{".repeat(28_000), "1");
            assertEquals(Status.OK, unclosed.status());
            assertEquals("missing", unclosed.method());
            // Nesting at the answer limit: checked or refused as an error, never thrown, never hung.
            String deep = "\\boxed{" + "{".repeat(499) + "x" + "}".repeat(499) + "}";
            assertTrue(Status.OK == timed(v, deep, "x").status() || Status.ERROR == timed(v, deep, "x").status());
            Outcome next = timed(v, "<think>3 + 4 = 7</think> \\boxed{7}", "7");
            assertEquals(new Outcome(true, true, "string", Status.OK), next);
        }
    }

    /** A check stuck in catastrophic backtracking, over text that notices interrupts (as a cancellable check would). */
    private static final BudgetedVerifier.Checker BACKTRACKING = (response, reference) -> {
        boolean m = Pattern.compile("((a+)+)\\1?!x").matcher(new InterruptibleText(response)).matches();
        return new Outcome(m, false, "regex", Status.OK);
    };

    @Test
    void catastrophicBacktrackingTimesOutAndFreesItsWorker() {
        try (BudgetedVerifier v = new BudgetedVerifier(BUDGET, 1, 10_000, 1000, BACKTRACKING)) {
            String evil = "a".repeat(40) + "!"; // exponential: 24 a take ~2 s here, 40 would take hours
            for (int i = 0; i < 3; i++) {
                Outcome o = timed(v, evil, "x");
                assertEquals(new Outcome(false, false, "timeout", Status.TIMEOUT), o);
            }
            // With one worker, a fourth call could only succeed if the interrupted ones let go of it.
            assertEquals(Status.OK, timed(v, "aaaa", "x").status());
            assertEquals(3, v.timeouts());
            assertTrue(v.workerThreads() <= 1);
        }
    }

    @Test
    void hundredHangingInputsLeakNoThreads() throws InterruptedException {
        int threads = 2;
        // A check that ignores interrupts for 1.5 s: the worst kind, it cannot be cancelled.
        BudgetedVerifier.Checker stubborn = (response, reference) -> {
            long end = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return new Outcome(false, false, "late", Status.OK);
        };
        var mx = ManagementFactory.getThreadMXBean();
        int before = mx.getThreadCount();
        int peak = before;
        try (BudgetedVerifier v = new BudgetedVerifier(Duration.ofMillis(25), threads, 10_000, 1000, stubborn)) {
            Map<Status, Long> statuses = new java.util.EnumMap<>(Status.class);
            long t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                Outcome o = v.check("\\boxed{" + i + "}", "0");
                statuses.merge(o.status(), 1L, Long::sum);
                peak = Math.max(peak, mx.getThreadCount());
            }
            long totalMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(Map.of(Status.TIMEOUT, 100L), statuses);
            assertTrue(peak <= before + threads, "threads before " + before + ", peak " + peak);
            assertTrue(v.workerThreads() <= threads);
            // Each call waits for a worker at most its own 25 ms budget: far below 100 x 1.5 s.
            assertTrue(totalMs < 100 * (25 + 50), "100 calls took " + totalMs + " ms");
        }
        Thread.sleep(2000);
        assertTrue(mx.getThreadCount() <= before + threads, "threads after " + mx.getThreadCount() + ", before " + before);
    }

    @Test
    void aStepWithAPathologicalResponseIsScoredWithRewardZeroForIt() {
        AepoStepScorer scorer = new AepoStepScorer(AepoConfig.code(), Duration.ofMinutes(1), () -> 0L, null);
        String bomb = "<think>" + "x".repeat(300_000) + "</think> \\boxed{7}";
        String nested = "<think>t</think> \\boxed{" + "(".repeat(3000) + "7" + ")".repeat(3000) + "}";
        RolloutGroup g = TestGroups.group("run-s8", 8, 1, "g8", 64, 8, TestGroups.RIGHT, bomb, nested,
                TestGroups.WRONG);
        long[] elapsed = new long[1];
        List<ScoredBatch> out = new java.util.ArrayList<>();
        elapsed[0] = millis(() -> out.addAll(scorer.accept(g)));
        assertEquals(1, out.size());
        ScoredGroup sg = out.get(0).groups().get(0);
        Map<String, Double> accuracy = sg.trajectories().stream()
                .collect(Collectors.toMap(TrajectoryScore::trajectoryId, TrajectoryScore::accuracy));
        assertEquals(Map.of("g8-t0", 1.0, "g8-t1", 0.0, "g8-t2", 0.0, "g8-t3", 0.0), accuracy);
        assertTrue(elapsed[0] < 4 * (BudgetedVerifier.DEFAULT_BUDGET.toMillis()), "step took " + elapsed[0] + " ms");
        // The next step is scored normally.
        assertEquals(1, scorer.accept(TestGroups.group("run-s8", 9, 1, "g9", 64, 9, TestGroups.texts(2, 4))).size());
    }

    /** A CharSequence whose reads fail once the reading thread is interrupted. */
    private record InterruptibleText(String s) implements CharSequence {
        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted");
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new InterruptibleText(s.substring(start, end));
        }

        @Override
        public String toString() {
            return s;
        }
    }

}
