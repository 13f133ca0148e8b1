package dev.ares.kafkalocal;

/**
 * The local broker could not be started (missing jars, early exit, readiness timeout) or stopped.
 * The message says what happened and, when a child process ran, ends with the tail of its log.
 */
public class BrokerStartException extends RuntimeException {

    /** @param message what failed, with the log tail where there is one */
    public BrokerStartException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying error
     */
    public BrokerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
