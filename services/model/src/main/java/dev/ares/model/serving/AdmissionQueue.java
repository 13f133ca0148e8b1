package dev.ares.model.serving;

import dev.ares.core.compute.ServingRejectedException;
import dev.ares.model.generation.GenerationParams;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The waiting room of a {@link BatchScheduler} (reliability.md contract 4): requests wait here in arrival order until
 * their choices fit in the running batch. Enforces the queue length ({@code QUEUE_FULL} at once) and hands out the
 * requests that waited longer than the queue wait ({@code QUEUE_TIMEOUT}); tracks draining and closing. Submitters
 * call {@link #offer}; the scheduler thread calls {@link #next} once per decode step.
 */
final class AdmissionQueue {
    /**
     * What the scheduler does next.
     *
     * @param admit   requests to prefill and add to the batch now, in arrival order
     * @param expired requests that waited too long; they get {@code QUEUE_TIMEOUT}
     * @param exit    true when the loop must end (closed, or drained and idle, or interrupted)
     */
    record Admission(List<Job> admit, List<Job> expired, boolean exit) {
    }

    private final SchedulerLimits limits;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private volatile int waiting;
    private volatile boolean draining;
    private volatile boolean closed;
    private Runnable whenDrained;

    /** @param nanoClock monotonic nanoseconds (queue-wait deadlines; tests inject a fake clock) */
    AdmissionQueue(SchedulerLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
    }

    /**
     * Queues a request (already validated).
     *
     * @return its job, or null when the scheduler is draining or closed
     * @throws ServingRejectedException when {@code maxQueue} requests already wait
     */
    Job offer(int[] prompt, dev.ares.model.vision.ImageFeatures images, GenerationParams params, int n,
              SequenceListener listener) {
        lock.lock();
        try {
            if (draining || closed) {
                return null;
            }
            if (queue.size() >= limits.maxQueue()) {
                throw new ServingRejectedException(ServingRejectedException.Reason.QUEUE_FULL, "the request queue is full ("
                        + limits.maxQueue() + " waiting); retry later", limits.retryAfterSeconds());
            }
            Job job = new Job(this::wake, prompt, images, params, n, listener, nanoClock.getAsLong());
            queue.add(job);
            waiting = queue.size();
            work.signal();
            return job;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until there is something to do and says what: drops cancelled requests, expires those that waited longer
     * than {@code maxQueueWait}, admits queued requests in arrival order while {@code busy + n <= maxBatch}. Blocks
     * (until a submission, a cancellation, a deadline or at most 1 s) only while the batch is empty and nothing was
     * admitted or expired.
     *
     * @param busy  live sequences in the running batch
     * @param idle  true when the running batch holds no rows at all
     */
    Admission next(int busy, boolean idle) {
        while (true) {
            List<Job> admit = new ArrayList<>();
            List<Job> expired = new ArrayList<>();
            lock.lock();
            try {
                long now = nanoClock.getAsLong();
                long waitLimit = limits.maxQueueWait().toNanos();
                for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
                    Job j = it.next();
                    if (j.cancelled) {
                        it.remove();
                    } else if (now - j.enqueuedAt > waitLimit) {
                        it.remove();
                        expired.add(j);
                    }
                }
                int slots = busy;
                while (!closed && !queue.isEmpty() && slots + queue.peek().n <= limits.maxBatch()) {
                    Job j = queue.poll();
                    slots += j.n;
                    admit.add(j);
                }
                waiting = queue.size();
                if (closed || draining && queue.isEmpty() && idle && admit.isEmpty()) {
                    return new Admission(admit, expired, true);
                }
                if (!idle || !admit.isEmpty() || !expired.isEmpty()) {
                    return new Admission(admit, expired, false);
                }
                long timeout = queue.isEmpty() ? TimeUnit.SECONDS.toNanos(1)
                        : Math.max(1, queue.peek().enqueuedAt + waitLimit - now + 1);
                work.awaitNanos(timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Admission(admit, expired, true);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Takes every request still waiting (shutdown). */
    List<Job> takeAll() {
        lock.lock();
        try {
            List<Job> all = new ArrayList<>(queue);
            queue.clear();
            waiting = 0;
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for a slot. */
    int waiting() {
        return waiting;
    }

    /** Stops accepting requests; {@code whenDrained} is handed to the scheduler thread when it ends. */
    void drain(Runnable whenDrained) {
        lock.lock();
        try {
            this.whenDrained = whenDrained;
            draining = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** What runs once the loop ended after {@link #drain}, or null. */
    Runnable whenDrained() {
        lock.lock();
        try {
            return whenDrained;
        } finally {
            lock.unlock();
        }
    }

    /** Makes the next {@link #next} end the loop. */
    void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting {@link #next} (a cancellation arrived); never blocks. */
    void wake() {
        if (lock.tryLock()) {
            try {
                work.signal();
            } finally {
                lock.unlock();
            }
        }
    }
}
