package dev.ares.core.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.ares.core.protocol.RecordFormatException.Reason;
import dev.ares.core.protocol.wire.RecordType;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A {@link RecordCodec} for the large records: protobuf inner message inside a {@link BinaryFrame} envelope.
 *
 * @param <T> record type
 * @param <W> generated protobuf message type
 */
final class BinaryRecordCodec<T, W extends MessageLite> implements RecordCodec<T> {
    /** Parses an inner message. */
    @FunctionalInterface
    interface Parser<W> {
        W parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    private final RecordType type;
    private final String recordName;
    private final int currentVersion;
    private final Function<T, Integer> versionOf;
    private final Function<T, W> toWire;
    private final Parser<W> parser;
    private final BiFunction<W, Integer, T> fromWire;

    BinaryRecordCodec(RecordType type, String recordName, int currentVersion, Function<T, Integer> versionOf,
                      Function<T, W> toWire, Parser<W> parser, BiFunction<W, Integer, T> fromWire) {
        this.type = type;
        this.recordName = recordName;
        this.currentVersion = currentVersion;
        this.versionOf = versionOf;
        this.toWire = toWire;
        this.parser = parser;
        this.fromWire = fromWire;
    }

    @Override
    public byte[] encode(T value) {
        Objects.requireNonNull(value, recordName + " to encode");
        return BinaryFrame.wrap(type, versionOf.apply(value), toWire.apply(value).toByteArray());
    }

    @Override
    public T decode(byte[] bytes) {
        BinaryFrame.Unwrapped unwrapped = BinaryFrame.unwrap(bytes, type, recordName, currentVersion);
        W wire;
        try {
            wire = parser.parse(unwrapped.payload());
        } catch (InvalidProtocolBufferException e) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "payload does not parse: " + e.getMessage(),
                    e);
        }
        try {
            return fromWire.apply(wire, unwrapped.schemaVersion());
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException(Reason.INVALID_FIELD, recordName, e.getMessage(), e);
        }
    }
}
