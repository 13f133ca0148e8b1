package dev.ares.testkit;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.wire.Compression;
import dev.ares.core.protocol.wire.Envelope;
import dev.ares.core.protocol.wire.RolloutGroupWire;
import dev.ares.core.protocol.wire.TrajectoryWire;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The malformed rollout groups of reliability.md scenario 4, as the bytes a buggy or hostile producer would put on
 * {@code ares.rollouts}: built on the wire schema from a valid group, bypassing the Java records' checks. Each
 * entry maps a label to the bytes and to a fragment of the error message the decoder must give.
 */
public final class BadRollouts {
    /** One malformed encoding. */
    public record Bad(String label, byte[] bytes, String expectedReasonTag, String messageFragment) {
    }

    private BadRollouts() {
    }

    /**
     * @param valid a valid group with at least one trajectory of at least one token
     * @return by label: {@code garbage}, {@code unknown-version}, {@code length-mismatch}, {@code nan-logprob},
     *     {@code larger-than-n}
     */
    public static Map<String, Bad> from(RolloutGroup valid) {
        RolloutGroupWire wire = wireOf(Codecs.rolloutGroup().encode(valid));
        int version = wire.getSchemaVersion();
        TrajectoryWire t0 = wire.getTrajectories(0);
        Map<String, Bad> out = new LinkedHashMap<>();
        out.put("garbage", new Bad("garbage", ("not a rollout group " + valid.groupId()).getBytes(StandardCharsets.UTF_8),
                "malformed", "not a binary record envelope"));
        out.put("unknown-version", new Bad("unknown-version", frame(wire.toBuilder().setSchemaVersion(version + 1).build()),
                "unknown_version", "schema version " + (version + 1) + " is unknown"));
        out.put("length-mismatch", new Bad("length-mismatch", frame(wire.toBuilder().setTrajectories(0,
                t0.toBuilder().addEntropies(0.5f).build()).build()), "invalid_field",
                "entropies has length " + (t0.getEntropiesCount() + 1)));
        out.put("nan-logprob", new Bad("nan-logprob", frame(wire.toBuilder().setTrajectories(0,
                t0.toBuilder().setSampledLogprobs(0, Float.NaN).setModelLogprobsSameAsSampled(false)
                        .clearModelLogprobs().addAllModelLogprobs(t0.getSampledLogprobsList()).build()).build()),
                "invalid_field", "sampledLogprobs[0] must be finite and <= 0, got NaN"));
        int n = valid.requestedN();
        RolloutGroupWire.Builder larger = wire.toBuilder();
        for (int i = wire.getTrajectoriesCount(); i <= n; i++) {
            larger.addTrajectories(t0.toBuilder().setTrajectoryId(t0.getTrajectoryId() + "-extra" + i));
        }
        out.put("larger-than-n", new Bad("larger-than-n", frame(larger.build()), "invalid_field",
                "more than the request's n = " + n));
        return out;
    }

    private static RolloutGroupWire wireOf(byte[] encoded) {
        try {
            Envelope e = Envelope.parseFrom(encoded);
            byte[] payload = e.getCompression() == Compression.COMPRESSION_ZSTD
                    ? Zstd.decompress(e.getPayload().toByteArray(), (int) e.getPayloadSize())
                    : e.getPayload().toByteArray();
            return RolloutGroupWire.parseFrom(payload);
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("a valid encoding did not parse", ex);
        }
    }

    private static byte[] frame(RolloutGroupWire w) {
        byte[] payload = w.toByteArray();
        Envelope.Builder b = Envelope.newBuilder().setSchemaVersion(w.getSchemaVersion())
                .setRecordType(dev.ares.core.protocol.wire.RecordType.RECORD_TYPE_ROLLOUT_GROUP)
                .setCompression(Compression.COMPRESSION_NONE).setPayloadSize(payload.length)
                .setPayload(ByteString.copyFrom(payload));
        return b.build().toByteArray();
    }
}
