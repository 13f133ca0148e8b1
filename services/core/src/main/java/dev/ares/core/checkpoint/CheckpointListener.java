package dev.ares.core.checkpoint;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Observes a {@link CheckpointStore}: services bind these callbacks to their metrics (the store is plain Java and
 * knows no metrics library). The store calls {@link #rejected} once per refused checkpoint (reliability.md
 * scenario 2, metric {@code ares.checkpoint.rejected}) and {@link #written} once per committed one. Callbacks run
 * on the caller's thread and must not throw.
 *
 * <p>Besides the listener given to a store, listeners {@link #register registered} process-wide are told too, so
 * a service counts the rejections of every store it opens (the serving path opens one per checkpoint event)
 * without passing a listener through each call site.
 */
public interface CheckpointListener {
    /** A listener that does nothing. */
    CheckpointListener NONE = new CheckpointListener() {
    };

    /** A checkpoint was refused; nothing of it was or will be loaded. */
    default void rejected(CorruptCheckpointException e) {
    }

    /** A checkpoint was committed (its directory renamed into place). */
    default void written(Checkpoint checkpoint) {
    }

    /**
     * Registers a process-wide listener.
     *
     * @return a handle whose {@code close()} unregisters it
     */
    static AutoCloseable register(CheckpointListener listener) {
        Objects.requireNonNull(listener, "listener");
        Global.LISTENERS.add(listener);
        return () -> Global.LISTENERS.remove(listener);
    }

    /** The process-wide listeners (internal). */
    final class Global {
        static final List<CheckpointListener> LISTENERS = new CopyOnWriteArrayList<>();

        private Global() {
        }

        static void rejected(CheckpointListener own, CorruptCheckpointException e) {
            own.rejected(e);
            for (CheckpointListener l : LISTENERS) {
                l.rejected(e);
            }
        }

        static void written(CheckpointListener own, Checkpoint c) {
            own.written(c);
            for (CheckpointListener l : LISTENERS) {
                l.written(c);
            }
        }
    }
}
