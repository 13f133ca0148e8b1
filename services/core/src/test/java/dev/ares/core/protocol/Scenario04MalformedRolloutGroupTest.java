package dev.ares.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.io.PathRefusedException;
import dev.ares.core.protocol.wire.RecordType;
import dev.ares.core.protocol.wire.RolloutGroupWire;
import dev.ares.core.protocol.wire.TrajectoryWire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 4, the decoder part (tier U): the five malformed rollout groups of the scenario are
 * refused by {@link Codecs#rolloutGroup()} itself, so every consumer of {@code ares.rollouts} (reward service,
 * learner, tools) refuses them the same way, and {@link DeadLetterReason#of} gives the metric tag the services
 * count under {@code ares.records.dlq{reason}}. The bad bytes are built on the wire schema directly, bypassing the
 * Java records' own checks, as a buggy or hostile producer would. The service part (the dead-letter topic, its
 * headers, the committed offset, the metric) is {@code Scenario04DeadLetterServiceTest} in reward-service.
 */
class Scenario04MalformedRolloutGroupTest {
    private static final SamplingParams SAMPLING = new SamplingParams(1.0, 1.0, 0, 16, 3, List.of());

    private static Trajectory trajectory(String id) {
        return new Trajectory(id, new int[] {5, 6, 7}, "x", new float[] {-0.1f, -0.2f, -0.3f},
                new float[] {-0.1f, -0.2f, -0.3f}, new float[] {1f, 2f, 0.5f}, new boolean[3], null, -1,
                FinishReason.EOS, 1, new Timings(3, 1, 3));
    }

    /** A valid group of 2 trajectories answering a request of n = 2. */
    static RolloutGroup valid() {
        return new RolloutGroup("run-s4", 4, 1, "g-s4", "req-s4", "7", "synthetic/arith", SAMPLING, new int[] {1, 2},
                List.of(trajectory("t0"), trajectory("t1")), 2);
    }

    private static byte[] frame(RolloutGroupWire wire) {
        return BinaryFrame.wrap(RecordType.RECORD_TYPE_ROLLOUT_GROUP, wire.getSchemaVersion(), wire.toByteArray());
    }

    private static RecordFormatException refused(byte[] bytes, DeadLetterReason expected) {
        RecordFormatException e = assertThrows(RecordFormatException.class, () -> Codecs.rolloutGroup().decode(bytes));
        assertEquals(expected, DeadLetterReason.of(e), e.getMessage());
        assertEquals("RolloutGroup", e.recordType());
        return e;
    }

    @Test
    void bytesThatDoNotDecodeAreMalformed() {
        refused("not a rollout group".getBytes(StandardCharsets.UTF_8), DeadLetterReason.MALFORMED);
        byte[] ok = Codecs.rolloutGroup().encode(valid());
        refused(java.util.Arrays.copyOf(ok, ok.length - 3), DeadLetterReason.MALFORMED);
    }

    @Test
    void unknownSchemaVersionIsNamed() {
        RolloutGroupWire wire = RolloutGroupWireMapper.toWire(valid()).toBuilder()
                .setSchemaVersion(RolloutGroup.SCHEMA_VERSION + 1).build();
        RecordFormatException e = refused(frame(wire), DeadLetterReason.UNKNOWN_VERSION);
        assertTrue(e.getMessage().contains("schema version " + (RolloutGroup.SCHEMA_VERSION + 1) + " is unknown"),
                e.getMessage());
    }

    @Test
    void tokenLogprobAndEntropyArraysOfDifferentLengthAreInvalid() {
        RolloutGroupWire wire = RolloutGroupWireMapper.toWire(valid());
        TrajectoryWire t = wire.getTrajectories(1).toBuilder().clearEntropies().addEntropies(1f).build();
        RecordFormatException e = refused(frame(wire.toBuilder().setTrajectories(1, t).build()),
                DeadLetterReason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("Trajectory[t1].entropies has length 1 but tokenIds has length 3"),
                e.getMessage());
        TrajectoryWire fewerLogprobs = wire.getTrajectories(0).toBuilder().clearSampledLogprobs()
                .addSampledLogprobs(-1f).addSampledLogprobs(-1f).build();
        e = refused(frame(wire.toBuilder().setTrajectories(0, fewerLogprobs).build()), DeadLetterReason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("Trajectory[t0].sampledLogprobs"), e.getMessage());
    }

    @Test
    void nanLogprobIsInvalid() {
        RolloutGroupWire wire = RolloutGroupWireMapper.toWire(valid());
        TrajectoryWire t = wire.getTrajectories(0).toBuilder().setSampledLogprobs(2, Float.NaN).build();
        RecordFormatException e = refused(frame(wire.toBuilder().setTrajectories(0, t).build()),
                DeadLetterReason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("Trajectory[t0].sampledLogprobs[2] must be finite and <= 0, got NaN"),
                e.getMessage());
    }

    @Test
    void groupLargerThanTheRequestsNIsInvalid() {
        RolloutGroupWire wire = RolloutGroupWireMapper.toWire(valid());
        TrajectoryWire third = RolloutGroupWireMapper.toWire(trajectory("t2"));
        RolloutGroupWire tooMany = wire.toBuilder().addTrajectories(third).build();
        assertEquals(2, tooMany.getRequestedN());
        RecordFormatException e = refused(frame(tooMany), DeadLetterReason.INVALID_FIELD);
        assertTrue(e.getMessage().contains("has 3 trajectories, more than the request's n = 2"), e.getMessage());
        // The same group with n = 3 on the wire is fine: the check is against the request, not a constant.
        assertEquals(3, Codecs.rolloutGroup().decode(frame(tooMany.toBuilder().setRequestedN(3).build()))
                .trajectories().size());
        // The Java record refuses it too, so a producer cannot even build it.
        assertThrows(IllegalArgumentException.class, () -> new RolloutGroup("r", 0, 1, "g", "q", "", "s", SAMPLING,
                new int[0], List.of(trajectory("a"), trajectory("b")), 1));
    }

    @Test
    void aValidGroupRoundTripsWithItsRequestedN() {
        RolloutGroup g = valid();
        RolloutGroup back = Codecs.rolloutGroup().decode(Codecs.rolloutGroup().encode(g));
        assertEquals(g, back);
        assertEquals(2, back.requestedN());
        // Encodings from before the field existed (requested_n absent = 0) read as "as many as it holds".
        RolloutGroupWire old = RolloutGroupWireMapper.toWire(g).toBuilder().clearRequestedN().build();
        assertEquals(2, Codecs.rolloutGroup().decode(frame(old)).requestedN());
    }

    @Test
    void deadLetterReasonsLookThroughWrappersAndKnowEveryKind() {
        assertEquals(DeadLetterReason.TOO_LARGE, DeadLetterReason.of(new RuntimeException("wrapped",
                new RecordFormatException(RecordFormatException.Reason.TOO_LARGE, "X", "big"))));
        assertEquals(DeadLetterReason.PATH_REFUSED, DeadLetterReason.of(new IllegalStateException("w",
                new PathRefusedException("CheckpointEvent.uri", "file:///etc", Path.of("/ckpt"), "outside"))));
        assertEquals(DeadLetterReason.REJECTED, DeadLetterReason.of(new IllegalArgumentException("inconsistent")));
        assertEquals(DeadLetterReason.PROCESSING_ERROR, DeadLetterReason.of(new IllegalStateException("x")));
        assertEquals(DeadLetterReason.PROCESSING_ERROR, DeadLetterReason.of(null));
        assertEquals("unknown_version", DeadLetterReason.UNKNOWN_VERSION.tag());
    }
}
