package dev.ares.core.compute;

/**
 * A request refused by admission control (reliability.md contract 4): the queue is full (HTTP 429) or the request
 * waited longer than the queue timeout (HTTP 503). Either way the client may retry after {@link #retryAfterSeconds()}.
 */
public final class ServingRejectedException extends RuntimeException {
    /** Why the request was refused. */
    public enum Reason {
        /** More requests are waiting than the queue holds. */
        QUEUE_FULL,
        /** The request waited for a batch slot longer than the queue timeout. */
        QUEUE_TIMEOUT
    }

    private final Reason reason;
    private final int retryAfterSeconds;

    /**
     * @param retryAfterSeconds the {@code Retry-After} hint, at least 1
     */
    public ServingRejectedException(Reason reason, String message, int retryAfterSeconds) {
        super(message);
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 1, got " + retryAfterSeconds);
        }
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
