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
     * @throws AbandonedWork when the thread is interrupted while waiting (the service is stopping: the record is
     *     then neither dead-lettered nor acknowledged, and is delivered again after the restart)
     */
    public static void until(Supplier<Readiness> readiness, long pollMillis) {
        until(readiness, pollMillis, () -> false);
    }

    /**
     * Returns when {@code readiness} reports ready, polling every {@code pollMillis}, unless the service stops first.
     *
     * @param stopping true once the service has begun to stop (reliability.md scenario 17)
     * @throws AbandonedWork when {@code stopping} turns true or the thread is interrupted while waiting: the record is
     *     then neither dead-lettered nor acknowledged, and is delivered again after the restart
     */
    public static void until(Supplier<Readiness> readiness, long pollMillis, java.util.function.BooleanSupplier stopping) {
        while (!readiness.get().ready()) {
            if (stopping.getAsBoolean()) {
                throw new AbandonedWork("service stopping while waiting for readiness: " + readiness.get().reason());
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AbandonedWork("interrupted while waiting for readiness: " + readiness.get().reason(), e);
            }
        }
    }
}
