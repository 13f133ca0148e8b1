package dev.ares.core.protocol;

import dev.ares.core.io.PathRefusedException;
import java.util.Locale;

/**
 * Why a record was dead-lettered, as a small closed set fit for a metric tag ({@code ares.records.dlq{reason}},
 * reliability.md scenario 4). Every consumer classifies its failures with {@link #of(Throwable)}, so the same bad
 * record gets the same reason on every topic.
 */
public enum DeadLetterReason {
    /** Bytes that do not decode ({@link RecordFormatException.Reason#MALFORMED}). */
    MALFORMED,
    /** A schema version this build does not read ({@link RecordFormatException.Reason#UNKNOWN_VERSION}). */
    UNKNOWN_VERSION,
    /** Above the codec's size limit ({@link RecordFormatException.Reason#TOO_LARGE}). */
    TOO_LARGE,
    /**
     * Well-formed bytes whose content violates the record's invariants: per-token arrays of different lengths,
     * a NaN logprob, a group larger than its request's n ({@link RecordFormatException.Reason#INVALID_FIELD}).
     */
    INVALID_FIELD,
    /** A file reference that leaves its configured root ({@link PathRefusedException}). */
    PATH_REFUSED,
    /** A decodable record the consumer refused as inconsistent with its state (an {@link IllegalArgumentException}). */
    REJECTED,
    /** Any other failure while processing the record. */
    PROCESSING_ERROR;

    /**
     * Classifies a failure, looking through wrapping exceptions (the first cause that is one of the known types
     * decides).
     *
     * @param error the failure a record was nacked with; null is {@link #PROCESSING_ERROR}
     */
    public static DeadLetterReason of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordFormatException rfe) {
                return switch (rfe.reason()) {
                    case MALFORMED -> MALFORMED;
                    case UNKNOWN_VERSION -> UNKNOWN_VERSION;
                    case TOO_LARGE -> TOO_LARGE;
                    case INVALID_FIELD -> INVALID_FIELD;
                };
            }
            if (t instanceof PathRefusedException) {
                return PATH_REFUSED;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return REJECTED;
            }
        }
        return PROCESSING_ERROR;
    }

    /** The metric tag value: the lower-case name, e.g. {@code invalid_field}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
