package dev.ares.kafkalocal;

import java.nio.file.Path;

/**
 * A {@code topics.yaml} that cannot be read or does not follow the schema described in
 * {@link TopicsFile}. The message names the file and, where known, the topic and field at fault.
 */
public class TopicsFileException extends RuntimeException {

    private final Path file;

    /**
     * @param file    the file being read (may be null for in-memory text)
     * @param message what is wrong, naming topic and field
     * @param cause   the underlying parse error, or null
     */
    public TopicsFileException(Path file, String message, Throwable cause) {
        super((file == null ? "topics.yaml" : file.toString()) + ": " + message, cause);
        this.file = file;
    }

    /** The file that was read, or null for in-memory text. */
    public Path file() {
        return file;
    }
}
