package dev.ares.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Property tests: decode(encode(x)) equals x for seeded random records of every type (issue 2 item 4). */
class CodecRoundTripTest {

    static Stream<Long> seeds() {
        return LongStream.range(0, 300).boxed();
    }

    private static <T> void assertRoundTrip(RecordCodec<T> codec, T value) {
        byte[] bytes = codec.encode(value);
        T back = codec.decode(bytes);
        assertEquals(value, back);
        assertEquals(value.hashCode(), back.hashCode());
        assertNotSame(value, back);
        // Encoding is deterministic: the decoded record encodes to the same bytes.
        assertArrayEquals(bytes, codec.encode(back));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void rolloutRequestRoundTrips(long seed) {
        assertRoundTrip(Codecs.rolloutRequest(), new RandomRecords(seed).rolloutRequest());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void rolloutGroupRoundTripsBitExact(long seed) {
        RolloutGroup group = new RandomRecords(seed).rolloutGroup();
        assertRoundTrip(Codecs.rolloutGroup(), group);
        RolloutGroup back = Codecs.rolloutGroup().decode(Codecs.rolloutGroup().encode(group));
        for (int i = 0; i < group.trajectories().size(); i++) {
            Trajectory a = group.trajectories().get(i);
            Trajectory b = back.trajectories().get(i);
            // Raw bit patterns, so -0.0f vs 0.0f and subnormals are checked too (lossless f32).
            assertArrayEquals(bits(a.sampledLogprobs()), bits(b.sampledLogprobs()));
            assertArrayEquals(bits(a.modelLogprobs()), bits(b.modelLogprobs()));
            assertArrayEquals(bits(a.entropies()), bits(b.entropies()));
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void scoredBatchRoundTrips(long seed) {
        assertRoundTrip(Codecs.scoredBatch(), new RandomRecords(seed).scoredBatch());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void checkpointEventRoundTrips(long seed) {
        assertRoundTrip(Codecs.checkpointEvent(), new RandomRecords(seed).checkpointEvent());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void trainEventRoundTrips(long seed) {
        assertRoundTrip(Codecs.trainEvent(), new RandomRecords(seed).trainEvent());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void deadLetterRoundTrips(long seed) {
        assertRoundTrip(Codecs.deadLetter(), new RandomRecords(seed).deadLetter());
    }

    @Test
    void binaryRecordsStartWithTheSchemaVersion() {
        // Protobuf wire format: field 1, wire type 0 (varint) is tag byte 0x08; the version 1 follows as 0x01.
        byte[] group = Codecs.rolloutGroup().encode(new RandomRecords(1).rolloutGroup());
        assertEquals(0x08, group[0]);
        assertEquals(RolloutGroup.SCHEMA_VERSION, group[1]);
        byte[] batch = Codecs.scoredBatch().encode(new RandomRecords(2).scoredBatch());
        assertEquals(0x08, batch[0]);
        assertEquals(ScoredBatch.SCHEMA_VERSION, batch[1]);
    }

    @Test
    void jsonRecordsStartWithTheSchemaVersion() {
        String prefix = "{\"schemaVersion\":1,";
        RandomRecords r = new RandomRecords(3);
        assertTrue(json(Codecs.rolloutRequest().encode(r.rolloutRequest())).startsWith(prefix));
        assertTrue(json(Codecs.checkpointEvent().encode(r.checkpointEvent())).startsWith(prefix));
        assertTrue(json(Codecs.trainEvent().encode(r.trainEvent())).startsWith(prefix));
        assertTrue(json(Codecs.deadLetter().encode(r.deadLetter())).startsWith(prefix));
    }

    @Test
    void jsonControlRecordsUseReadableStandardForms() {
        DeadLetter letter = new DeadLetter(null, new byte[] {1, 2, 3}, "java.lang.IllegalStateException", "boom",
                "ares.rollouts", 3, 17, java.time.Instant.parse("2026-11-26T06:00:00Z"));
        String text = json(Codecs.deadLetter().encode(letter));
        assertTrue(text.contains("\"originalBytes\":\"AQID\""), text); // base64 of 01 02 03
        assertTrue(text.contains("\"time\":\"2026-11-26T06:00:00Z\""), text);
        TrainEvent event = new TrainEvent("run-1", 5, java.util.Map.of("loss", Double.NaN),
                java.time.Instant.parse("2026-11-26T06:00:00Z"));
        String eventText = json(Codecs.trainEvent().encode(event));
        assertTrue(eventText.contains("\"loss\":\"NaN\""), eventText);
        assertTrue(Double.isNaN(Codecs.trainEvent().decode(eventText.getBytes(StandardCharsets.UTF_8))
                .metrics().get("loss")));
    }

    @Test
    void identicalLogprobArraysAreSentOnce() {
        BenchmarkRollouts data = new BenchmarkRollouts(5);
        SamplingParams untruncated = new SamplingParams(1.0, 1.0, 0, 4096, 1, List.of());
        Trajectory t = data.trajectory("t", 2048, untruncated, 0);
        assertArrayEquals(t.sampledLogprobs(), t.modelLogprobs());
        Trajectory differing = new Trajectory("t", t.tokenIds(), "", t.sampledLogprobs(), shift(t.modelLogprobs()),
                t.entropies(), t.triggers(), null, -1, t.finishReason(), t.policyVersion(), t.timings());
        int same = RolloutGroupWireMapper.toWire(t).getSerializedSize();
        int different = RolloutGroupWireMapper.toWire(differing).getSerializedSize();
        // The differing array costs one packed f32 field: tag (1 byte) + length varint of 8192 (2 bytes) + 4 * 2048;
        // the identical one costs only the flag field (tag + value: 2 bytes).
        assertEquals((1 + 2 + 4 * 2048) - 2, different - same);
    }

    private static float[] shift(float[] v) {
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.nextDown(out[i]);
        }
        return out;
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    private static String json(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
