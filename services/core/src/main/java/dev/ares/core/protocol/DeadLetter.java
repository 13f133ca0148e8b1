package dev.ares.core.protocol;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record that could not be processed, as published to {@code <source topic>.dlq} (architecture.md §3):
 * the original bytes untouched, the error, and where it came from. Encoded as JSON by {@link Codecs#deadLetter()}
 * (bytes as base64).
 *
 * @param schemaVersion schema version of this record, 1..{@link #SCHEMA_VERSION}
 * @param originalKey   the source record's key bytes, or {@code null} if it had none (copied in and out)
 * @param originalBytes the source record's value bytes, or {@code null} for a tombstone (copied in and out)
 * @param errorClass    fully qualified class name of the error; non-blank
 * @param errorMessage  the error's message; non-null (may be empty)
 * @param sourceTopic   topic the record was read from; non-blank
 * @param partition     partition it was read from, {@code >= 0}
 * @param offset        offset it was read at, {@code >= 0}
 * @param time          when it was dead-lettered (UTC instant)
 */
public record DeadLetter(int schemaVersion, byte[] originalKey, byte[] originalBytes, String errorClass,
                         String errorMessage, String sourceTopic, int partition, long offset, Instant time) {
    /** The schema version this build writes. */
    public static final int SCHEMA_VERSION = 1;

    public DeadLetter {
        Checks.schemaVersion(schemaVersion, SCHEMA_VERSION, "DeadLetter");
        originalKey = originalKey == null ? null : originalKey.clone();
        originalBytes = originalBytes == null ? null : originalBytes.clone();
        Checks.nonBlank(errorClass, "DeadLetter.errorClass");
        Checks.nonNull(errorMessage, "DeadLetter.errorMessage");
        Checks.nonBlank(sourceTopic, "DeadLetter.sourceTopic");
        Checks.atLeast(partition, 0, "DeadLetter.partition");
        Checks.nonNegative(offset, "DeadLetter.offset");
        Checks.nonNull(time, "DeadLetter.time");
    }

    /** Creates a dead letter of the current {@link #SCHEMA_VERSION}. */
    public DeadLetter(byte[] originalKey, byte[] originalBytes, String errorClass, String errorMessage,
                      String sourceTopic, int partition, long offset, Instant time) {
        this(SCHEMA_VERSION, originalKey, originalBytes, errorClass, errorMessage, sourceTopic, partition, offset, time);
    }

    /** Creates a dead letter for {@code error}, using its class name and message (an empty message if it has none). */
    public static DeadLetter of(byte[] originalKey, byte[] originalBytes, Throwable error, String sourceTopic,
                                int partition, long offset, Instant time) {
        Objects.requireNonNull(error, "error");
        String message = error.getMessage() == null ? "" : error.getMessage();
        return new DeadLetter(originalKey, originalBytes, error.getClass().getName(), message, sourceTopic, partition,
                offset, time);
    }

    /** Copy of the original key bytes, or {@code null}. */
    @Override
    public byte[] originalKey() {
        return originalKey == null ? null : originalKey.clone();
    }

    /** Copy of the original value bytes, or {@code null}. */
    @Override
    public byte[] originalBytes() {
        return originalBytes == null ? null : originalBytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DeadLetter other)) {
            return false;
        }
        return schemaVersion == other.schemaVersion && partition == other.partition && offset == other.offset
                && Arrays.equals(originalKey, other.originalKey) && Arrays.equals(originalBytes, other.originalBytes)
                && errorClass.equals(other.errorClass) && errorMessage.equals(other.errorMessage)
                && sourceTopic.equals(other.sourceTopic) && time.equals(other.time);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(schemaVersion, errorClass, errorMessage, sourceTopic, partition, offset, time);
        h = 31 * h + Arrays.hashCode(originalKey);
        return 31 * h + Arrays.hashCode(originalBytes);
    }

    @Override
    public String toString() {
        return "DeadLetter[sourceTopic=" + sourceTopic + ", partition=" + partition + ", offset=" + offset
                + ", errorClass=" + errorClass + ", errorMessage=" + errorMessage + ", keyBytes="
                + (originalKey == null ? "null" : originalKey.length) + ", valueBytes="
                + (originalBytes == null ? "null" : originalBytes.length) + ", time=" + time + "]";
    }
}
