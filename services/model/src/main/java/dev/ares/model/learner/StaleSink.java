package dev.ares.model.learner;

import dev.ares.core.protocol.ScoredBatch;

/**
 * Receives the over-stale groups of a batch when the learner diverts them instead of dropping them
 * ({@link dev.ares.core.learner.StalePolicy#DIVERT}; reliability.md scenario 6). Called from
 * {@link ModelLearnerLoop#train} before the batch is recorded: a crash before the next checkpoint repeats the batch,
 * so a sink sees a group at least once and its readers dedupe by group id.
 */
@FunctionalInterface
public interface StaleSink {
    /** A sink that discards everything. */
    StaleSink NONE = batch -> {
    };

    /**
     * @param stale a batch with the same run id and step as the consumed one, holding only its stale groups
     *              (never empty)
     */
    void divert(ScoredBatch stale);
}
