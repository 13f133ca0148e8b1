package dev.ares.core.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A fault-injection point inside {@link CheckpointStore#write} (reliability.md scenarios 1 and 3: "crash during
 * checkpoint write"). The store calls {@link #at} at each {@link Phase}; a test hook throws there (the
 * "exception" flavour: the write fails and cleans up) or halts the JVM (the "halt" flavour: the process dies
 * and leaves its temporary directory behind). Production stores use {@link #NONE}.
 */
@FunctionalInterface
public interface CheckpointFaultHook {
    /** A hook that does nothing. */
    CheckpointFaultHook NONE = (phase, version, dir) -> {
    };

    /** The points of a write, in order. */
    enum Phase {
        /** The writer callback returned; nothing is fsynced yet. */
        FILES_WRITTEN,
        /** Every file and sub-directory of the temporary directory is fsynced; no manifest yet. */
        SHARDS_SYNCED,
        /** The manifest is written and fsynced inside the temporary directory; not yet renamed into place. */
        MANIFEST_SYNCED,
        /** The directory has its final name and the root is fsynced: the checkpoint is committed. */
        COMMITTED
    }

    /**
     * @param phase   the point reached
     * @param version the version being written
     * @param dir     the directory written so far (the temporary one before {@link Phase#COMMITTED})
     */
    void at(Phase phase, long version, Path dir) throws IOException;
}
