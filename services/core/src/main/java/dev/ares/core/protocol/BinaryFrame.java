package dev.ares.core.protocol;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.ares.core.protocol.RecordFormatException.Reason;
import dev.ares.core.protocol.wire.Compression;
import dev.ares.core.protocol.wire.Envelope;
import dev.ares.core.protocol.wire.RecordType;

import java.io.IOException;

/**
 * The outer layer of every binary record: a protobuf {@link Envelope} holding the schema version (field 1, the
 * first bytes on the wire), the record type, the compression, the uncompressed size and the payload (the inner
 * message, written last so that any truncation is detected). Payloads of at least {@link #COMPRESS_MIN_BYTES}
 * are compressed with zstd (with a content checksum), which keeps logprobs and entropies lossless f32 while the
 * encoder exploits repetition (see docs/protocol.md).
 */
final class BinaryFrame {
    /** Largest encoded record accepted by decode (Kafka messages are far smaller; see docs/benchmarks.md). */
    static final int MAX_ENCODED_BYTES = 64 * 1024 * 1024;
    /** Largest uncompressed payload accepted by decode. */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;
    /** Payloads smaller than this are sent uncompressed (compression would not pay for itself). */
    static final int COMPRESS_MIN_BYTES = 512;
    /** zstd level: 1 is the fastest standard level and compresses these payloads almost as well as 3. */
    static final int ZSTD_LEVEL = 1;

    private BinaryFrame() {
    }

    /** Wraps a serialized inner message. */
    static byte[] wrap(RecordType type, int schemaVersion, byte[] payload) {
        Compression compression = Compression.COMPRESSION_NONE;
        byte[] body = payload;
        if (payload.length >= COMPRESS_MIN_BYTES) {
            try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
                ctx.setLevel(ZSTD_LEVEL);
                ctx.setChecksum(true);
                byte[] compressed = ctx.compress(payload);
                if (compressed.length < payload.length) {
                    compression = Compression.COMPRESSION_ZSTD;
                    body = compressed;
                }
            }
        }
        return Envelope.newBuilder()
                .setSchemaVersion(schemaVersion)
                .setRecordType(type)
                .setCompression(compression)
                .setPayloadSize(payload.length)
                .setPayload(UnsafeByteOperations.unsafeWrap(body))
                .build()
                .toByteArray();
    }

    /**
     * Unwraps the envelope and returns the inner message bytes, checking type, version and sizes.
     *
     * @param recordName    record type name for error messages
     * @param currentVersion highest schema version this build reads
     */
    static Unwrapped unwrap(byte[] bytes, RecordType expectedType, String recordName, int currentVersion) {
        if (bytes == null) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "bytes are null");
        }
        if (bytes.length == 0) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "bytes are empty");
        }
        if (bytes.length > MAX_ENCODED_BYTES) {
            throw new RecordFormatException(Reason.TOO_LARGE, recordName, bytes.length
                    + " bytes exceed the limit of " + MAX_ENCODED_BYTES);
        }
        Envelope envelope;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true);
            envelope = Envelope.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "not a binary record envelope: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "unreadable envelope: " + e.getMessage(), e);
        }
        if (envelope.getSchemaVersion() == 0) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "envelope has no schema version");
        }
        if (envelope.getRecordType() != expectedType) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "envelope holds record type "
                    + envelope.getRecordTypeValue() + " (" + envelope.getRecordType() + "), expected " + expectedType);
        }
        if (envelope.getSchemaVersion() > currentVersion) {
            throw new RecordFormatException(Reason.UNKNOWN_VERSION, recordName, "schema version "
                    + Integer.toUnsignedString(envelope.getSchemaVersion()) + " is unknown (this build reads 1.."
                    + currentVersion + ")");
        }
        long size = envelope.getPayloadSize();
        if (size <= 0) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "envelope has no payload size");
        }
        if (size > MAX_PAYLOAD_BYTES) {
            throw new RecordFormatException(Reason.TOO_LARGE, recordName, "payload of " + size
                    + " bytes exceeds the limit of " + MAX_PAYLOAD_BYTES);
        }
        ByteString body = envelope.getPayload();
        byte[] payload;
        switch (envelope.getCompression()) {
            case COMPRESSION_NONE -> {
                if (body.size() != size) {
                    throw new RecordFormatException(Reason.MALFORMED, recordName, "payload has " + body.size()
                            + " bytes but the envelope declares " + size);
                }
                payload = body.toByteArray();
            }
            case COMPRESSION_ZSTD -> payload = decompress(body, (int) size, recordName);
            default -> throw new RecordFormatException(Reason.MALFORMED, recordName, "unknown compression "
                    + envelope.getCompressionValue());
        }
        return new Unwrapped(envelope.getSchemaVersion(), payload);
    }

    private static byte[] decompress(ByteString body, int size, String recordName) {
        byte[] compressed = body.toByteArray();
        try (ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
            byte[] out = ctx.decompress(compressed, size);
            if (out.length != size) {
                throw new RecordFormatException(Reason.MALFORMED, recordName, "zstd payload decompressed to "
                        + out.length + " bytes but the envelope declares " + size);
            }
            return out;
        } catch (ZstdException e) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "corrupt zstd payload: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof RecordFormatException rfe) {
                throw rfe;
            }
            throw new RecordFormatException(Reason.MALFORMED, recordName, "corrupt zstd payload: " + e, e);
        }
    }

    /** The inner message bytes and the schema version the envelope declared. */
    record Unwrapped(int schemaVersion, byte[] payload) {
    }
}
