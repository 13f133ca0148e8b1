package dev.ares.core.compute;

import java.util.function.Supplier;

/**
 * Holds a consumer thread until its compute step is ready. A service decodes and validates a record first
 * (so malformed records are dead-lettered at once), then waits here before doing the work, so valid records
 * wait for a model instead of failing into the dead-letter topic.
 */
public final class ReadinessWait {
    private ReadinessWait() {
    }

    /**
     * Returns when {@code readiness} reports ready, polling every {@code pollMillis}.
     *
     * @throws IllegalStateException when the thread is interrupted while waiting (the record is then not
     *     acknowledged and will be delivered again)
     */
    public static void until(Supplier<Readiness> readiness, long pollMillis) {
        while (!readiness.get().ready()) {
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for readiness: " + readiness.get().reason(), e);
            }
        }
    }
}
