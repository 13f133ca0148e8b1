package dev.ares.core.protocol;

import java.util.Objects;

/**
 * Bytes that cannot be decoded into a protocol record. Services dead-letter the source record with this error
 * (architecture.md §3). The message names the record type and what is wrong.
 */
public final class RecordFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why decoding failed. */
    public enum Reason {
        /** Null, empty, truncated or otherwise unparseable bytes. */
        MALFORMED,
        /** A schema version this build does not know. */
        UNKNOWN_VERSION,
        /** The encoded or decoded size exceeds the codec's limit. */
        TOO_LARGE,
        /** Well-formed bytes whose content violates the record's invariants. */
        INVALID_FIELD
    }

    private final Reason reason;
    private final String recordType;

    /**
     * @param reason     why decoding failed
     * @param recordType simple name of the record type (e.g. {@code RolloutGroup})
     * @param detail     what is wrong
     * @param cause      underlying parser error, or {@code null}
     */
    public RecordFormatException(Reason reason, String recordType, String detail, Throwable cause) {
        super(recordType + ": " + reason + ": " + detail, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.recordType = Objects.requireNonNull(recordType, "recordType");
    }

    public RecordFormatException(Reason reason, String recordType, String detail) {
        this(reason, recordType, detail, null);
    }

    /** Why decoding failed. */
    public Reason reason() {
        return reason;
    }

    /** Simple name of the record type that failed to decode. */
    public String recordType() {
        return recordType;
    }
}
