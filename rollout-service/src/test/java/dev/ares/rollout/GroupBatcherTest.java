package dev.ares.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.compute.RolloutEngine.Outcome;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.testkit.Records;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link GroupBatcher} with a recording engine function (no model, no broker). */
class GroupBatcherTest {

    /** An engine that records its batches and refuses group ids starting with "bad". */
    static final class Recording {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();

        List<Outcome> apply(List<RolloutRequest> reqs) {
            List<String> ids = new ArrayList<>();
            List<Outcome> out = new ArrayList<>();
            for (RolloutRequest r : reqs) {
                ids.add(r.groupId());
                out.add(r.groupId().startsWith("bad") ? new Outcome(null, new IllegalArgumentException("refused " + r.groupId()))
                        : new Outcome(Records.group(r, 4, r.groupId().hashCode()), null));
            }
            batches.add(ids);
            return out;
        }
    }

    @Test
    void concurrentRequestsShareBatchesAndEachCallerGetsItsOwnGroup() throws Exception {
        Recording engine = new Recording();
        int callers = 12;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try (GroupBatcher b = new GroupBatcher(engine::apply, 5, Duration.ofMillis(300))) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RolloutGroup>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String gid = (i == 7 ? "bad-" : "g-") + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return b.submit(Records.request(gid, 3, 2));
                }));
            }
            go.countDown();
            for (int i = 0; i < callers; i++) {
                if (i == 7) {
                    Future<RolloutGroup> f = results.get(i);
                    Throwable e = assertThrows(java.util.concurrent.ExecutionException.class, f::get).getCause();
                    assertTrue(e instanceof IllegalArgumentException && e.getMessage().equals("refused bad-7"), e.toString());
                } else {
                    assertEquals("g-" + i, results.get(i).get().groupId());
                }
            }
            int total = 0;
            for (List<String> batch : engine.batches) {
                assertTrue(batch.size() <= 5, "at most max-groups per batch: " + batch);
                total += batch.size();
            }
            assertEquals(callers, total, "every request in exactly one batch");
            assertTrue(engine.batches.size() < callers, "requests waiting together share a batch: " + engine.batches);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBatchWideFailureFailsItsCallersAndTheNextBatchRuns() {
        boolean[] failNext = {true};
        try (GroupBatcher b = new GroupBatcher(reqs -> {
            if (failNext[0]) {
                failNext[0] = false;
                throw new IllegalStateException("no model loaded");
            }
            return new Recording().apply(reqs);
        }, 4, Duration.ZERO)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.submit(Records.request("g-1", 1, 2)));
            assertTrue(e.getMessage().contains("no model loaded"), e.getMessage());
            assertEquals("g-2", b.submit(Records.request("g-2", 1, 2)).groupId());
        }
    }

    @Test
    void badSettingsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GroupBatcher(r -> List.of(), 0, Duration.ZERO))
                .getMessage().contains("max-groups"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new GroupBatcher(r -> List.of(), 1, Duration.ofMillis(-1))).getMessage().contains("max-wait"));
    }
}
