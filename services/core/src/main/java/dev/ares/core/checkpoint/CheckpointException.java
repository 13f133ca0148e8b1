package dev.ares.core.checkpoint;

/**
 * A checkpoint store operation failed: an I/O error, a refused path, a version that is not allowed, or a
 * checkpoint that does not verify. The message names the version and the path. A checkpoint whose files do not
 * match its manifest is the subclass {@link CorruptCheckpointException}.
 */
public class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
