package dev.ares.kafkalocal;

/** A topic operation failed: the broker is unreachable, or topics.yaml asks for something Kafka cannot do. */
public class TopicAdminException extends RuntimeException {

    /**
     * @param message what failed, naming the topic and bootstrap servers
     * @param cause   the Kafka error, or null
     */
    public TopicAdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
