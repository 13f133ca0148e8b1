package dev.ares.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.ares.core.protocol.RecordFormatException.Reason;
import dev.ares.core.protocol.wire.Compression;
import dev.ares.core.protocol.wire.Envelope;
import dev.ares.core.protocol.wire.RecordType;
import dev.ares.core.protocol.wire.RolloutGroupWire;
import dev.ares.core.protocol.wire.ScoredBatchWire;
import dev.ares.core.protocol.wire.TrajectoryWire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Decoding bad bytes raises a typed {@link RecordFormatException} naming the record (issue 2 item 4). */
class CodecErrorTest {

    /** One valid encoded sample per codec (small, so every prefix can be tried). */
    static Stream<Arguments> codecs() {
        RandomRecords r = new RandomRecords(42);
        return Stream.of(
                Arguments.of("RolloutRequest", Codecs.rolloutRequest(), Codecs.rolloutRequest().encode(r.rolloutRequest())),
                Arguments.of("RolloutGroup", Codecs.rolloutGroup(), Codecs.rolloutGroup().encode(smallGroup())),
                Arguments.of("ScoredBatch", Codecs.scoredBatch(), Codecs.scoredBatch().encode(r.scoredBatch())),
                Arguments.of("CheckpointEvent", Codecs.checkpointEvent(),
                        Codecs.checkpointEvent().encode(r.checkpointEvent())),
                Arguments.of("TrainEvent", Codecs.trainEvent(), Codecs.trainEvent().encode(r.trainEvent())),
                Arguments.of("DeadLetter", Codecs.deadLetter(), Codecs.deadLetter().encode(r.deadLetter())));
    }

    private static RolloutGroup smallGroup() {
        Trajectory t = new Trajectory("t0", new int[] {151_642, 7, 300}, "a b", new float[] {-0.5f, -1e-3f, -2f},
                new float[] {-0.5f, -1e-3f, -2f}, new float[] {1.25f, 0.01f, 3f}, new boolean[] {false, true, false},
                null, -1, FinishReason.EOS, 2, new Timings(12, 5, 3));
        return new RolloutGroup("run", 3, 2, "g", "req", "42", "synthetic/arith",
                new SamplingParams(1.0, 1.0, 0, 64, 9, List.of()), new int[] {1, 2}, List.of(t));
    }

    private static RecordFormatException decodeFails(RecordCodec<?> codec, byte[] bytes, Reason reason) {
        RecordFormatException e = assertThrows(RecordFormatException.class, () -> codec.decode(bytes));
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void nullAndEmptyAreMalformed(String name, RecordCodec<?> codec, byte[] valid) {
        RecordFormatException e = decodeFails(codec, null, Reason.MALFORMED);
        assertEquals(name, e.recordType());
        assertTrue(e.getMessage().startsWith(name + ": MALFORMED"), e.getMessage());
        decodeFails(codec, new byte[0], Reason.MALFORMED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void everyProperPrefixIsMalformed(String name, RecordCodec<?> codec, byte[] valid) {
        codec.decode(valid); // the full record is fine
        for (int len = 0; len < valid.length; len++) {
            byte[] prefix = Arrays.copyOf(valid, len);
            RecordFormatException e = assertThrows(RecordFormatException.class, () -> codec.decode(prefix),
                    "prefix of length " + len);
            assertEquals(Reason.MALFORMED, e.reason(), "prefix of length " + len + ": " + e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void randomGarbageIsRejectedWithATypedError(String name, RecordCodec<?> codec, byte[] valid) {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 500; i++) {
            byte[] garbage = new byte[1 + rnd.nextInt(300)];
            for (int j = 0; j < garbage.length; j++) {
                garbage[j] = (byte) rnd.nextInt(256);
            }
            RecordFormatException e = assertThrows(RecordFormatException.class, () -> codec.decode(garbage));
            assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void flippedBytesNeverDecodeSilentlyToAnotherTypeOfError(String name, RecordCodec<?> codec, byte[] valid) {
        // A flipped byte either still decodes (e.g. inside a string) or fails with a typed error, never another
        // exception type.
        for (int i = 0; i < valid.length; i++) {
            byte[] copy = valid.clone();
            copy[i] ^= (byte) 0x5A;
            try {
                codec.decode(copy);
            } catch (RecordFormatException expected) {
                assertEquals(name, expected.recordType());
            }
        }
    }

    @Test
    void compressedRecordTruncatedAnywhereIsMalformed() {
        RolloutGroup group = new BenchmarkRollouts(3).group("g", 2, 400,
                new SamplingParams(1.0, 1.0, 0, 512, 1, List.of()), 4);
        byte[] bytes = Codecs.rolloutGroup().encode(group);
        assertEquals(Compression.COMPRESSION_ZSTD, envelope(bytes).getCompression());
        for (int len = 0; len < bytes.length; len++) {
            byte[] prefix = Arrays.copyOf(bytes, len);
            assertEquals(Reason.MALFORMED, assertThrows(RecordFormatException.class,
                    () -> Codecs.rolloutGroup().decode(prefix)).reason(), "prefix " + len);
        }
    }

    @Test
    void corruptedCompressedPayloadFailsTheChecksum() {
        RolloutGroup group = new BenchmarkRollouts(4).group("g", 2, 400,
                new SamplingParams(1.0, 1.0, 0, 512, 1, List.of()), 0);
        Envelope env = envelope(Codecs.rolloutGroup().encode(group));
        byte[] payload = env.getPayload().toByteArray();
        payload[payload.length / 2] ^= 0x01;
        byte[] corrupted = env.toBuilder().setPayload(ByteString.copyFrom(payload)).build().toByteArray();
        decodeFails(Codecs.rolloutGroup(), corrupted, Reason.MALFORMED);
    }

    @Test
    void unknownBinaryVersionIsReported() {
        Envelope env = envelope(Codecs.rolloutGroup().encode(smallGroup()));
        byte[] future = env.toBuilder().setSchemaVersion(RolloutGroup.SCHEMA_VERSION + 1).build().toByteArray();
        RecordFormatException e = decodeFails(Codecs.rolloutGroup(), future, Reason.UNKNOWN_VERSION);
        assertTrue(e.getMessage().contains("schema version 2"), e.getMessage());

        Envelope batch = envelope(Codecs.scoredBatch().encode(new RandomRecords(1).scoredBatch()));
        decodeFails(Codecs.scoredBatch(), batch.toBuilder().setSchemaVersion(99).build().toByteArray(),
                Reason.UNKNOWN_VERSION);
    }

    @Test
    void unknownJsonVersionIsReported() {
        String json = new String(Codecs.checkpointEvent().encode(new RandomRecords(3).checkpointEvent()),
                StandardCharsets.UTF_8);
        byte[] future = json.replaceFirst("\"schemaVersion\":1", "\"schemaVersion\":7").getBytes(StandardCharsets.UTF_8);
        RecordFormatException e = decodeFails(Codecs.checkpointEvent(), future, Reason.UNKNOWN_VERSION);
        assertTrue(e.getMessage().startsWith("CheckpointEvent: UNKNOWN_VERSION: schema version 7"), e.getMessage());
        byte[] missing = json.replaceFirst("\"schemaVersion\":1,", "").getBytes(StandardCharsets.UTF_8);
        decodeFails(Codecs.checkpointEvent(), missing, Reason.MALFORMED);
    }

    @Test
    void aRecordOfAnotherTypeIsMalformed() {
        byte[] group = Codecs.rolloutGroup().encode(smallGroup());
        RecordFormatException e = decodeFails(Codecs.scoredBatch(), group, Reason.MALFORMED);
        assertTrue(e.getMessage().contains("RECORD_TYPE_ROLLOUT_GROUP"), e.getMessage());
    }

    @Test
    void inconsistentArrayLengthsAreInvalidFields() {
        RolloutGroupWire wire = RolloutGroupWireMapper.toWire(smallGroup());
        TrajectoryWire t = wire.getTrajectories(0);

        TrajectoryWire shortEntropies = t.toBuilder().clearEntropies().addEntropies(1f).addEntropies(2f).build();
        RecordFormatException e = decodeFails(Codecs.rolloutGroup(), frame(wire, shortEntropies), Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("entropies has length 2 but tokenIds has length 3"), e.getMessage());

        TrajectoryWire longModel = t.toBuilder().setModelLogprobsSameAsSampled(false)
                .addAllModelLogprobs(List.of(-1f, -1f, -1f, -1f)).build();
        decodeFails(Codecs.rolloutGroup(), frame(wire, longModel), Reason.INVALID_FIELD);

        TrajectoryWire shortSampled = t.toBuilder().clearSampledLogprobs().addSampledLogprobs(-1f).build();
        decodeFails(Codecs.rolloutGroup(), frame(wire, shortSampled), Reason.INVALID_FIELD);

        TrajectoryWire triggerBeyondEnd = t.toBuilder().setTriggers(ByteString.copyFrom(new byte[] {0x10})).build();
        e = decodeFails(Codecs.rolloutGroup(), frame(wire, triggerBeyondEnd), Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("triggers flags token 4"), e.getMessage());

        TrajectoryWire both = t.toBuilder().addModelLogprobs(-1f).build();
        decodeFails(Codecs.rolloutGroup(), frame(wire, both), Reason.INVALID_FIELD);
    }

    @Test
    void invalidBinaryFieldValuesNameTheField() {
        RolloutGroupWire wire = RolloutGroupWireMapper.toWire(smallGroup());
        TrajectoryWire positive = wire.getTrajectories(0).toBuilder().setSampledLogprobs(1, 0.5f)
                .setModelLogprobsSameAsSampled(false).addAllModelLogprobs(List.of(-1f, -1f, -1f)).build();
        RecordFormatException e = decodeFails(Codecs.rolloutGroup(), frame(wire, positive), Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("sampledLogprobs[1] must be finite and <= 0, got 0.5"), e.getMessage());

        TrajectoryWire badFinish = wire.getTrajectories(0).toBuilder().setFinishReasonValue(42).build();
        e = decodeFails(Codecs.rolloutGroup(), frame(wire, badFinish), Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("finishReason has unknown value 42"), e.getMessage());

        RolloutGroupWire noGroupCount = wire.toBuilder().clearGroupsInStep().build();
        e = decodeFails(Codecs.rolloutGroup(), frame(noGroupCount), Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("RolloutGroup.groupsInStep must be >= 1, got 0"), e.getMessage());

        RolloutGroupWire noSampling = wire.toBuilder().clearSampling().build();
        e = decodeFails(Codecs.rolloutGroup(), frame(noSampling), Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("RolloutGroup.sampling is missing"), e.getMessage());

        ScoredBatchWire batch = ScoredBatchWireMapper.toWire(new RandomRecords(9).scoredBatch());
        byte[] noStats = envelopeFor(RecordType.RECORD_TYPE_SCORED_BATCH, batch.toBuilder().clearStats().build()
                .toByteArray());
        e = decodeFails(Codecs.scoredBatch(), noStats, Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("ScoredBatch.stats is missing"), e.getMessage());
    }

    @Test
    void invalidJsonFieldsAreInvalidFieldsNamingTheField() {
        RolloutRequest request = new RandomRecords(11).rolloutRequest();
        String json = new String(Codecs.rolloutRequest().encode(request), StandardCharsets.UTF_8);
        String zeroN = json.replaceFirst("\"n\":\\d+", "\"n\":0");
        RecordFormatException e = decodeFails(Codecs.rolloutRequest(), zeroN.getBytes(StandardCharsets.UTF_8),
                Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("RolloutRequest.n must be >= 1, got 0"), e.getMessage());

        String missingStep = json.replaceFirst("\"step\":\\d+,", "");
        decodeFails(Codecs.rolloutRequest(), missingStep.getBytes(StandardCharsets.UTF_8), Reason.INVALID_FIELD);

        String missingGroupCount = json.replaceFirst("\"groupsInStep\":\\d+,", "");
        assertTrue(missingGroupCount.length() < json.length(), "the JSON names groupsInStep: " + json);
        decodeFails(Codecs.rolloutRequest(), missingGroupCount.getBytes(StandardCharsets.UTF_8), Reason.INVALID_FIELD);
        String zeroGroups = json.replaceFirst("\"groupsInStep\":\\d+", "\"groupsInStep\":0");
        e = decodeFails(Codecs.rolloutRequest(), zeroGroups.getBytes(StandardCharsets.UTF_8), Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("RolloutRequest.groupsInStep must be >= 1, got 0"), e.getMessage());

        String extra = json.replaceFirst("\\{\"schemaVersion\":1,", "{\"schemaVersion\":1,\"surprise\":true,");
        e = decodeFails(Codecs.rolloutRequest(), extra.getBytes(StandardCharsets.UTF_8), Reason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("surprise"), e.getMessage());

        String badEnum = json.replaceFirst("\"explorationMode\":\"[A-Z_]+\"", "\"explorationMode\":\"GREEDY\"");
        decodeFails(Codecs.rolloutRequest(), badEnum.getBytes(StandardCharsets.UTF_8), Reason.INVALID_FIELD);

        String duplicate = json.replaceFirst("\\{\"schemaVersion\":1,", "{\"schemaVersion\":1,\"schemaVersion\":1,");
        decodeFails(Codecs.rolloutRequest(), duplicate.getBytes(StandardCharsets.UTF_8), Reason.MALFORMED);

        String trailing = json + "{}";
        decodeFails(Codecs.rolloutRequest(), trailing.getBytes(StandardCharsets.UTF_8), Reason.MALFORMED);

        decodeFails(Codecs.trainEvent(), "[1,2,3]".getBytes(StandardCharsets.UTF_8), Reason.MALFORMED);
    }

    @Test
    void oversizedInputIsTooLarge() {
        byte[] huge = new byte[BinaryFrame.MAX_ENCODED_BYTES + 1];
        decodeFails(Codecs.rolloutGroup(), huge, Reason.TOO_LARGE);
        byte[] hugeJson = new byte[JsonRecordCodec.MAX_ENCODED_BYTES + 1];
        Arrays.fill(hugeJson, (byte) ' ');
        decodeFails(Codecs.trainEvent(), hugeJson, Reason.TOO_LARGE);

        Envelope env = envelope(Codecs.rolloutGroup().encode(smallGroup()));
        byte[] declaredHuge = env.toBuilder().setPayloadSize(BinaryFrame.MAX_PAYLOAD_BYTES + 1L).build().toByteArray();
        decodeFails(Codecs.rolloutGroup(), declaredHuge, Reason.TOO_LARGE);
    }

    private static Envelope envelope(byte[] bytes) {
        try {
            return Envelope.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] frame(RolloutGroupWire wire, TrajectoryWire replacement) {
        return frame(wire.toBuilder().setTrajectories(0, replacement).build());
    }

    private static byte[] frame(RolloutGroupWire wire) {
        return envelopeFor(RecordType.RECORD_TYPE_ROLLOUT_GROUP, wire.toByteArray());
    }

    private static byte[] envelopeFor(RecordType type, byte[] payload) {
        return Envelope.newBuilder().setSchemaVersion(1).setRecordType(type)
                .setCompression(Compression.COMPRESSION_NONE).setPayloadSize(payload.length)
                .setPayload(ByteString.copyFrom(payload)).build().toByteArray();
    }
}
