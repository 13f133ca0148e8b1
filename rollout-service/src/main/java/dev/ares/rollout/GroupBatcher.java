package dev.ares.rollout;

import dev.ares.core.compute.RolloutEngine.Outcome;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Collects rollout requests handed in by concurrent consumer threads into generation batches (issue 6: several
 * groups share one generation batch; docs/rollout.md). One daemon thread takes the first waiting request, waits at
 * most {@code maxWait} for more, up to {@code maxGroups}, and hands the batch to the engine; requests that arrive
 * while a batch runs form the next one. Each caller blocks in {@link #submit} until its own group exists, so the
 * consumer publishes and acknowledges every record itself: a record is acknowledged only after its group is
 * published, and a refused request fails only its own record.
 */
public final class GroupBatcher implements AutoCloseable {
    private record Pending(RolloutRequest request, CompletableFuture<RolloutGroup> result) {
    }

    private final Function<List<RolloutRequest>, List<Outcome>> engine;
    private final int maxGroups;
    private final long maxWaitNanos;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    /**
     * @param engine    generates a batch: one outcome per request, in order (normally
     *                  {@code RolloutEngine::generateAll})
     * @param maxGroups most requests per batch, {@code >= 1}
     * @param maxWait   longest wait for more requests once one is waiting, {@code >= 0}
     */
    public GroupBatcher(Function<List<RolloutRequest>, List<Outcome>> engine, int maxGroups, Duration maxWait) {
        if (maxGroups < 1) {
            throw new IllegalArgumentException("ares.rollout.batch.max-groups must be >= 1, got " + maxGroups);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("ares.rollout.batch.max-wait must be >= 0, got " + maxWait);
        }
        this.engine = engine;
        this.maxGroups = maxGroups;
        this.maxWaitNanos = maxWait.toNanos();
        this.worker = new Thread(this::loop, "rollout-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Generates the group of {@code request} in the next batch and returns it.
     *
     * @throws IllegalArgumentException when the engine refuses this request (it is then dead-lettered)
     * @throws IllegalStateException    when the batch failed as a whole or the batcher is closed
     */
    public RolloutGroup submit(RolloutRequest request) {
        if (closed) {
            throw new IllegalStateException("rollout batcher is closed");
        }
        Pending p = new Pending(request, new CompletableFuture<>());
        queue.add(p);
        try {
            return p.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the group of " + request.requestId(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw new IllegalArgumentException(iae.getMessage(), iae);
            }
            throw new IllegalStateException("generation batch failed: " + cause.getMessage(), cause);
        }
    }

    private void loop() {
        while (!closed) {
            List<Pending> batch = new ArrayList<>();
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxGroups) {
                    long left = deadline - System.nanoTime();
                    Pending more = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (more == null) {
                        break;
                    }
                    batch.add(more);
                }
            } catch (InterruptedException e) {
                fail(batch, new IllegalStateException("rollout batcher interrupted"));
                return;
            }
            run(batch);
        }
    }

    private void run(List<Pending> batch) {
        List<RolloutRequest> requests = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            requests.add(p.request());
        }
        try {
            List<Outcome> out = engine.apply(requests);
            if (out.size() != batch.size()) {
                throw new IllegalStateException("engine returned " + out.size() + " outcomes for " + batch.size()
                        + " requests");
            }
            for (int i = 0; i < batch.size(); i++) {
                Outcome o = out.get(i);
                if (o.error() != null) {
                    batch.get(i).result().completeExceptionally(o.error());
                } else {
                    batch.get(i).result().complete(o.group());
                }
            }
        } catch (RuntimeException e) {
            fail(batch, e);
        }
    }

    private static void fail(List<Pending> batch, RuntimeException e) {
        for (Pending p : batch) {
            p.result().completeExceptionally(e);
        }
    }

    /** Stops the batching thread; requests still waiting fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new IllegalStateException("rollout batcher is closed"));
    }
}
