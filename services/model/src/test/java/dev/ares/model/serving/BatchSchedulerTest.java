package dev.ares.model.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.ares.core.compute.ContextLengthExceededException;
import dev.ares.core.compute.ServingRejectedException;
import dev.ares.core.protocol.FinishReason;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.GenerationResult;
import dev.ares.model.generation.Generator;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Continuous batching on the qwen2-tiny fixture: joins mid-batch equal standalone generation, limits, cancel. */
class BatchSchedulerTest {
    private static QwenModel model;
    private static int[] input0;
    private static int[] greedy;

    @BeforeAll
    static void load() throws IOException {
        model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.dir("qwen2-tiny").resolve("expected.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            input0 = Arrays.stream(f.load("input_ids", m, null).toLongArray()).limit(17).mapToInt(l -> (int) l).toArray();
            long[] g = f.load("greedy_ids", m, null).toLongArray();
            greedy = Arrays.stream(g).skip(17).mapToInt(l -> (int) l).toArray();
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Collects the events of one request. */
    static final class Collect implements SequenceListener {
        final int n;
        final List<List<SampledToken>> tokens = new ArrayList<>();
        final StringBuilder[] deltas;
        final String[] texts;
        final FinishReason[] reasons;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicInteger count = new AtomicInteger();
        volatile BatchScheduler.Ticket ticket;
        volatile int cancelAfter = Integer.MAX_VALUE;
        final AtomicInteger afterCancel = new AtomicInteger();

        Collect(int n) {
            this.n = n;
            deltas = new StringBuilder[n];
            texts = new String[n];
            reasons = new FinishReason[n];
            for (int i = 0; i < n; i++) {
                tokens.add(new ArrayList<>());
                deltas[i] = new StringBuilder();
            }
        }

        @Override
        public void onStart() {
            started.countDown();
        }

        @Override
        public void onToken(int choice, SampledToken token, String textDelta) {
            if (count.get() >= cancelAfter) {
                afterCancel.incrementAndGet();
            }
            tokens.get(choice).add(token);
            deltas[choice].append(textDelta);
            if (count.incrementAndGet() == cancelAfter) {
                ticket.cancel();
            }
        }

        @Override
        public void onFinish(int choice, FinishReason reason, String textDelta, String text) {
            deltas[choice].append(textDelta);
            texts[choice] = text;
            reasons[choice] = reason;
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        @Override
        public void onError(RuntimeException error) {
            done.completeExceptionally(error);
        }

        int[] ids(int choice) {
            return tokens.get(choice).stream().mapToInt(SampledToken::id).toArray();
        }
    }

    /** The running gauge is updated after the step that finished the last sequence: wait (bounded) for it. */
    private static void awaitIdle(BatchScheduler s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.running() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(0, s.running());
    }

    private static BatchScheduler scheduler(SchedulerLimits limits, AtomicLong clock) {
        return new BatchScheduler(model, ids -> Arrays.toString(ids), Set.of(), limits, clock::get, "test");
    }

    private static SchedulerLimits limits(int batch, int queue) {
        return new SchedulerLimits(batch, queue, Duration.ofSeconds(5), 1);
    }

    @Test
    void requestsJoiningARunningBatchGetTheFixtureAndStandaloneResults() throws Exception {
        int[] other = Arrays.copyOfRange(input0, 3, 9);
        GenerationParams sampled = new GenerationParams(20, 0.9, 0.95, 0, 1234, Set.of(), List.of(), 3);
        List<GenerationResult> alone = new Generator(model).generate(List.of(other, other), sampled);
        try (BatchScheduler s = scheduler(limits(8, 8), new AtomicLong())) {
            Collect first = new Collect(2);
            first.ticket = s.submit(other, sampled, 2, first);
            first.started.await(30, TimeUnit.SECONDS);
            while (first.count.get() < 6 && !first.done.isDone()) {
                Thread.sleep(1);
            }
            Collect fixture = new Collect(1);
            fixture.ticket = s.submit(input0, GenerationParams.greedy(24), 1, fixture);
            fixture.done.get(60, TimeUnit.SECONDS);
            first.done.get(60, TimeUnit.SECONDS);
            assertArrayEquals(greedy, fixture.ids(0), "greedy ids of the fixture while sharing the batch");
            assertEquals(FinishReason.LENGTH, fixture.reasons[0]);
            for (int c = 0; c < 2; c++) {
                GenerationResult ref = alone.get(c);
                assertArrayEquals(ref.ids(), first.ids(c), "choice " + c + " equals the standalone generator");
                for (int t = 0; t < ref.ids().length; t++) {
                    SampledToken tok = first.tokens.get(c).get(t);
                    assertEquals(ref.sampledLogprobs()[t], tok.sampledLogprob(), 1e-4);
                    assertEquals(ref.modelLogprobs()[t], tok.modelLogprob(), 1e-4);
                    assertEquals(ref.entropies()[t], tok.entropy(), 1e-4);
                    assertEquals(3, tok.alternatives().length);
                    assertEquals(ref.alternatives().get(t)[0].id(), tok.alternatives()[0].id());
                }
                assertEquals(first.texts[c], first.deltas[c].toString(), "deltas concatenate to the text");
            }
            awaitIdle(s);
            assertEquals(2, s.admitted());
        }
    }

    @Test
    void fullQueueIsRefusedAtOnceAndAnOldRequestTimesOut() throws Exception {
        AtomicLong clock = new AtomicLong();
        try (BatchScheduler s = scheduler(limits(2, 1), clock)) {
            Collect running = new Collect(2);
            running.ticket = s.submit(input0, GenerationParams.greedy(200), 2, running);
            running.started.await(30, TimeUnit.SECONDS);
            Collect queued = new Collect(1);
            queued.ticket = s.submit(input0, GenerationParams.greedy(4), 1, queued);
            ServingRejectedException full = assertThrows(ServingRejectedException.class,
                    () -> s.submit(input0, GenerationParams.greedy(4), 1, new Collect(1)));
            assertEquals(ServingRejectedException.Reason.QUEUE_FULL, full.reason());
            clock.addAndGet(Duration.ofSeconds(6).toNanos());
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> queued.done.get(30, TimeUnit.SECONDS));
            ServingRejectedException timeout = (ServingRejectedException) e.getCause();
            assertEquals(ServingRejectedException.Reason.QUEUE_TIMEOUT, timeout.reason());
            assertTrue(s.running() <= 2);
            running.ticket.cancel();
        }
    }

    @Test
    void cancelledRequestStopsWithinOneStepAndFreesItsSlotsForTheQueue() throws Exception {
        try (BatchScheduler s = scheduler(limits(2, 4), new AtomicLong())) {
            Collect victim = new Collect(2);
            victim.cancelAfter = 6;                       // 3 decode steps of 2 rows
            victim.ticket = s.submit(input0, GenerationParams.greedy(200), 2, victim);
            Collect next = new Collect(1);
            next.ticket = s.submit(input0, GenerationParams.greedy(24), 1, next);
            next.done.get(60, TimeUnit.SECONDS);
            assertArrayEquals(greedy, next.ids(0));
            assertEquals(0, victim.afterCancel.get(), "no event after cancel");
            assertTrue(!victim.done.isDone(), "a cancelled request gets no completion");
            // 6 tokens before the cancel (counted by the listener) plus the fixture's 24; at most one more step of 2
            long generated = s.generated();
            assertTrue(generated >= 30 && generated <= 32, "tokens generated: " + generated);
            awaitIdle(s);
        }
    }

    @Test
    void inputThatCannotRunIsRefusedBeforeTheModel() {
        try (BatchScheduler s = scheduler(limits(2, 4), new AtomicLong())) {
            int context = s.context();
            assertThrows(ContextLengthExceededException.class,
                    () -> s.submit(new int[context], GenerationParams.greedy(1), 1, new Collect(1)));
            assertThrows(IllegalArgumentException.class, () -> s.submit(new int[] {1, 99999}, GenerationParams.greedy(1), 1,
                    new Collect(1)));
            assertThrows(IllegalArgumentException.class, () -> s.submit(input0, GenerationParams.greedy(1), 3, new Collect(3)));
            assertEquals(0, s.admitted());
            Collect drained = new Collect(1);
            CountDownLatch gone = new CountDownLatch(1);
            s.drain(gone::countDown);
            assertNull(s.submit(input0, GenerationParams.greedy(1), 1, drained), "a draining scheduler takes no work");
        }
    }
}
