package dev.ares.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.ares.core.protocol.wire.Compression;
import dev.ares.core.protocol.wire.Envelope;
import dev.ares.core.protocol.wire.RecordType;
import dev.ares.core.protocol.wire.RolloutGroupWire;
import dev.ares.core.protocol.wire.TrajectoryWire;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The binary encoding is standard protobuf (protobuf.dev "Encoding": varints, packed repeated fields, little-endian
 * fixed32 floats), checked against byte sequences worked out by hand from that specification, and it evolves the
 * protobuf way (unknown fields are skipped).
 */
class WireFormatTest {

    private static RolloutGroup tinyGroup() {
        Trajectory t = new Trajectory("t", new int[] {1, 300, 151_642}, "", new float[] {-0.5f, -2f, -0.5f},
                new float[] {-0.5f, -2f, -0.5f}, new float[] {1f, 0f, 2f}, new boolean[] {false, true, false}, null, -1,
                FinishReason.EOS, 0, new Timings(0, 0, 3));
        return new RolloutGroup("r", 1, 3, "g", "q", "", "s", new SamplingParams(1.0, 1.0, 0, 8, 0, List.of()),
                new int[0], List.of(t));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void smallRecordHasTheDocumentedEnvelopeLayout() throws Exception {
        byte[] encoded = Codecs.rolloutGroup().encode(tinyGroup());
        byte[] payload = RolloutGroupWireMapper.toWire(tinyGroup()).toByteArray();
        assertTrue(payload.length < 128, "the tiny payload is below the compression threshold and one varint byte");
        // 08 01: field 1 (schema_version) = 1; 10 01: field 2 (record_type) = ROLLOUT_GROUP; compression NONE (0) is
        // the proto3 default and not written; 20 n: field 4 (payload_size) = n; 2A n: field 5 (payload), n bytes.
        byte[] header = bytes(0x08, 0x01, 0x10, 0x01, 0x20, payload.length, 0x2A, payload.length);
        assertArrayEquals(header, Arrays.copyOf(encoded, header.length));
        assertArrayEquals(payload, Arrays.copyOfRange(encoded, header.length, encoded.length));
    }

    @Test
    void perTokenArraysArePackedProtobufFields() {
        byte[] trajectory = RolloutGroupWireMapper.toWire(tinyGroup().trajectories().get(0)).toByteArray();
        // token_ids (field 2, packed): tag 0x12, length 6; 1 -> 01; 300 = 2*128 + 44 -> AC 02;
        // 151642 = 9*16384 + 32*128 + 90 -> DA A0 09.
        assertTrue(indexOf(trajectory, bytes(0x12, 6, 0x01, 0xAC, 0x02, 0xDA, 0xA0, 0x09)) >= 0);
        // sampled_logprobs (field 4, packed f32): tag 0x22, length 12; -0.5f = 0xBF000000, -2f = 0xC0000000 (LE).
        assertTrue(indexOf(trajectory, bytes(0x22, 12, 0, 0, 0, 0xBF, 0, 0, 0, 0xC0, 0, 0, 0, 0xBF)) >= 0);
        // model logprobs equal the sampled ones: flag field 5 = true (28 01), no field 6 (tag 0x32).
        assertTrue(indexOf(trajectory, bytes(0x28, 0x01)) >= 0);
        // entropies (field 7): tag 0x3A, length 12; 1f = 0x3F800000, 0f, 2f = 0x40000000.
        assertTrue(indexOf(trajectory, bytes(0x3A, 12, 0, 0, 0x80, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0x40)) >= 0);
        // triggers (field 8, bytes): token 1 is a trigger -> bit 1 -> one byte 0x02.
        assertTrue(indexOf(trajectory, bytes(0x42, 1, 0x02)) >= 0);
    }

    @Test
    void groupsInStepIsVarintField11() {
        byte[] group = RolloutGroupWireMapper.toWire(tinyGroup()).toByteArray();
        // groups_in_step (field 11, varint): tag (11 << 3) | 0 = 0x58, value 3.
        assertTrue(indexOf(group, bytes(0x58, 0x03)) >= 0);
    }

    @Test
    void unknownFieldsFromANewerWriterAreSkipped() throws Exception {
        RolloutGroup group = tinyGroup();
        RolloutGroupWire wire = RolloutGroupWireMapper.toWire(group);
        UnknownFieldSet extra = UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
                .build();
        TrajectoryWire t = wire.getTrajectories(0).toBuilder().setUnknownFields(extra).build();
        byte[] payload = wire.toBuilder().setTrajectories(0, t).setUnknownFields(extra).build().toByteArray();
        byte[] framed = Envelope.newBuilder().setSchemaVersion(1).setRecordType(RecordType.RECORD_TYPE_ROLLOUT_GROUP)
                .setCompression(Compression.COMPRESSION_NONE).setPayloadSize(payload.length)
                .setPayload(ByteString.copyFrom(payload)).build().toByteArray();
        assertEquals(group, Codecs.rolloutGroup().decode(framed));
    }
}
