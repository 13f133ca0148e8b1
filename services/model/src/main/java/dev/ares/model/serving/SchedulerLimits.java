package dev.ares.model.serving;

import java.time.Duration;

/**
 * Admission limits of a {@link BatchScheduler} (reliability.md contract 4 and scenario 11).
 *
 * @param maxBatch          most sequences (a request with {@code n} choices counts {@code n}) decoded together
 * @param maxQueue          most requests waiting for a batch slot; one more is refused at once (HTTP 429)
 * @param maxQueueWait      longest a request waits for a slot before it is refused (HTTP 503)
 * @param retryAfterSeconds the {@code Retry-After} hint given with a refusal
 */
public record SchedulerLimits(int maxBatch, int maxQueue, Duration maxQueueWait, int retryAfterSeconds) {
    public SchedulerLimits {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        if (maxQueue < 0) {
            throw new IllegalArgumentException("maxQueue must be >= 0, got " + maxQueue);
        }
        if (maxQueueWait == null || maxQueueWait.isNegative() || maxQueueWait.isZero()) {
            throw new IllegalArgumentException("maxQueueWait must be positive, got " + maxQueueWait);
        }
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 1, got " + retryAfterSeconds);
        }
    }

    /** 16 sequences, 64 waiting requests, 30 s queue wait, retry after 1 s. */
    public static SchedulerLimits defaults() {
        return new SchedulerLimits(16, 64, Duration.ofSeconds(30), 1);
    }
}
