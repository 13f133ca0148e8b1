package dev.ares.rollout;

import dev.ares.core.compute.AbandonedWork;
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
 *
 * <p>Shutdown (reliability.md scenario 17): {@link #close(Duration)} takes no new request, gives the batch that is
 * generating at most the grace period to finish (its callers then publish and acknowledge as usual), and fails every
 * other waiting request with {@link AbandonedWork}, which the services' failure handler neither dead-letters nor
 * acknowledges: those records are delivered again after the restart.
 */
public final class GroupBatcher implements AutoCloseable {
    private record Pending(RolloutRequest request, CompletableFuture<RolloutGroup> result) {
    }

    private final Function<List<RolloutRequest>, List<Outcome>> engine;
    private final int maxGroups;
    private final long maxWaitNanos;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private final Object lock = new Object();
    private volatile boolean closed;
    /** The batch being generated, or empty. */
    private volatile List<Pending> running = List.of();

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
            throw new IllegalArgumentException("ares.rollout.batch.max-wait-ms must be >= 0, got " + maxWait.toMillis());
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
        Pending p = new Pending(request, new CompletableFuture<>());
        synchronized (lock) {
            if (closed) {
                throw new AbandonedWork("rollout batcher is closed (service stopping): request " + request.requestId()
                        + " not generated");
            }
            queue.add(p);
        }
        try {
            return p.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AbandonedWork("interrupted while waiting for the group of " + request.requestId(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AbandonedWork aw) {
                throw new AbandonedWork(aw.getMessage(), aw);
            }
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
                fail(batch, new AbandonedWork("rollout batcher interrupted (service stopping)"));
                return;
            }
            running = batch;
            try {
                run(batch);
            } finally {
                running = List.of();
            }
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

    /** {@link #close(Duration)} without a grace period: the running batch is abandoned too. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops taking requests: those not yet in a batch fail at once with {@link AbandonedWork}; the batch being
     * generated may finish within {@code grace} (its callers get their groups); if it does not, its callers fail with
     * {@link AbandonedWork} as well and the batching thread is interrupted.
     *
     * @return true when no generated group was abandoned (the running batch, if any, finished in time)
     */
    public boolean close(Duration grace) {
        synchronized (lock) {
            closed = true;
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new AbandonedWork("rollout batcher closed (service stopping) before the request was generated"));
        boolean finished;
        try {
            worker.join(Math.max(1, grace.toMillis()));
            finished = !worker.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            fail(running, new AbandonedWork("generation batch abandoned: not finished within the shutdown grace of "
                    + grace.toMillis() + " ms"));
            worker.interrupt();
        }
        return finished;
    }
}
