package dev.ares.core.protocol;

/**
 * Encodes and decodes one protocol record type to and from the bytes of a Kafka record value
 * (architecture.md §3). Implementations are thread-safe; obtain them from {@link Codecs}.
 *
 * @param <T> the record type
 */
public interface RecordCodec<T> {
    /**
     * Encodes {@code value}; the bytes carry the record's schema version.
     *
     * @throws NullPointerException if {@code value} is null
     */
    byte[] encode(T value);

    /**
     * Decodes bytes written by {@link #encode}.
     *
     * @throws RecordFormatException with {@link RecordFormatException.Reason#MALFORMED} for null, empty,
     *                               truncated or garbage bytes, {@link RecordFormatException.Reason#UNKNOWN_VERSION}
     *                               for a schema version this build does not know,
     *                               {@link RecordFormatException.Reason#TOO_LARGE} above the size limit, and
     *                               {@link RecordFormatException.Reason#INVALID_FIELD} when a field violates the
     *                               record's invariants (e.g. per-token arrays of different lengths)
     */
    T decode(byte[] bytes) throws RecordFormatException;
}
