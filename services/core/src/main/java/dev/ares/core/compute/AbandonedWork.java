package dev.ares.core.compute;

/**
 * Thrown by a consumer when it gives up a record because its service is stopping (reliability.md scenario 17): the
 * record is valid and was not processed, so it must be neither dead-lettered nor acknowledged. Its offset is then not
 * committed, and the record is delivered again after the restart (or to another member of the consumer group); the
 * duplicates this can cause are removed downstream by group and trajectory id. The services' failure handler
 * ({@code service-support/ShutdownAbandon}) recognises this type anywhere in the cause chain.
 */
public class AbandonedWork extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was abandoned and why, e.g. {@code "rollout batcher closed: service stopping"} */
    public AbandonedWork(String message) {
        super(message);
    }

    /** @param message what was abandoned and why; {@code cause} the interruption or failure that ended the wait */
    public AbandonedWork(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when {@code error} or one of its causes is an {@link AbandonedWork}. */
    public static boolean in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AbandonedWork) {
                return true;
            }
            if (t.getCause() == t) {
                return false;
            }
        }
        return false;
    }
}
