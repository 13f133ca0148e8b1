package dev.ares.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.compute.Readiness;
import dev.ares.core.scoring.AepoStepScorer;
import dev.ares.testkit.Records;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link RestoringStepScorer}: DOWN with the reason while the restore fails, then the restored scorer. */
class RestoringStepScorerTest {

    private static Readiness awaitReady(RestoringStepScorer s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!s.readiness().ready() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return s.readiness();
    }

    @Test
    void retriesUntilTheFactorySucceedsAndReportsWhyItWaits() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        AepoStepScorer made = ScoredBatches.freshScorer();
        RestoringStepScorer s = new RestoringStepScorer(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("broker at 127.0.0.1:1 did not answer");
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return made;
        }, Duration.ofMillis(10));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (calls.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Readiness down = s.readiness();
            assertFalse(down.ready());
            assertTrue(down.reason().contains("(attempt 2): broker at 127.0.0.1:1 did not answer"), down.reason());
            assertEquals(Set.of(), s.openSteps());
            assertEquals(List.of(), s.expire(Long.MAX_VALUE));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> s.accept(Records.group(Records.request("g", 0, 2), 4, 1)));
            assertTrue(e.getMessage().contains("not ready"), e.getMessage());

            release.countDown();
            assertTrue(awaitReady(s).ready());
            assertEquals(made.readiness(), s.readiness());
            s.accept(Records.group(Records.request("run-test", "g", 0, 2, 2), 4, 1));
            assertEquals(Set.of(0L), made.openSteps());
            assertEquals(Set.of(0L), s.openSteps());
            assertEquals(3, calls.get());
        } finally {
            s.close();
        }
    }
}
