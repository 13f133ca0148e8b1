package dev.ares.model.learner;

import dev.ares.core.checkpoint.CheckpointFaultHook;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fault-injection points of one {@link ModelLearnerLoop#train} call (reliability.md scenario 1: "crash after
 * consume, after optimizer step, during checkpoint write, after checkpoint before offset commit"; scenario 15: a
 * long optimizer step). Production loops use {@link #NONE}; a test sets a hook that throws (the "exception"
 * flavour of a crash), halts the JVM, or blocks.
 */
public interface LearnerFaultHook {
    /** A hook that does nothing. */
    LearnerFaultHook NONE = new LearnerFaultHook() {
    };

    /** Points of a train call, in order. */
    enum Point {
        /** The batch was received and triaged; nothing is trained or recorded yet. */
        AFTER_CONSUME,
        /** The optimizer step changed the weights; the ledger, offsets and counters are not updated yet. */
        AFTER_OPTIMIZER_STEP,
        /**
         * The step's checkpoint is committed on disk; the call has not returned, so the consumer has not
         * acknowledged (committed the offset of) the batch yet.
         */
        AFTER_CHECKPOINT
    }

    /**
     * Called at each {@link Point}.
     *
     * @param point the point reached
     * @param step  the step number of the batch being processed
     */
    default void at(Point point, long step) {
    }

    /**
     * Called at each phase of the learner's checkpoint write ({@link CheckpointFaultHook}: files written, shards
     * synced, manifest synced, committed).
     *
     * @param phase   the phase reached
     * @param version the checkpoint version being written
     * @param dir     the directory written so far
     */
    default void atCheckpoint(CheckpointFaultHook.Phase phase, long version, Path dir) throws IOException {
    }
}
