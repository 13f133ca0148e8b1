package dev.ares.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Constructor invariants of the protocol records: bad values fail with a message naming the field. */
class RecordValidationTest {
    private static final SamplingParams SAMPLING = new SamplingParams(1.0, 1.0, 0, 64, 1, List.of());

    private static Trajectory trajectory(String id, int[] ids, float[] lp, float[] h, boolean[] trig) {
        return new Trajectory(id, ids, "t", lp, lp, h, trig, null, -1, FinishReason.LENGTH, 0, new Timings(1, 1, 1));
    }

    private static void fails(String expectedMessagePart, Runnable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(e.getMessage().contains(expectedMessagePart), e.getMessage());
    }

    @Test
    void trajectoryArraysMustHaveTheSameLength() {
        fails("Trajectory[t].entropies has length 1 but tokenIds has length 2", () -> trajectory("t",
                new int[] {1, 2}, new float[] {-1f, -1f}, new float[] {0f}, new boolean[2]));
        fails("Trajectory[t].triggers has length 3 but tokenIds has length 2", () -> trajectory("t",
                new int[] {1, 2}, new float[] {-1f, -1f}, new float[] {0f, 0f}, new boolean[3]));
    }

    @Test
    void trajectoryValuesAreChecked() {
        fails("sampledLogprobs[0] must be finite and <= 0", () -> trajectory("t", new int[] {1},
                new float[] {Float.NaN}, new float[] {0f}, new boolean[1]));
        fails("entropies[0] must be finite and >= 0", () -> trajectory("t", new int[] {1},
                new float[] {-1f}, new float[] {-0.5f}, new boolean[1]));
        fails("tokenIds[0] must be >= 0", () -> trajectory("t", new int[] {-3},
                new float[] {-1f}, new float[] {0f}, new boolean[1]));
        fails("branchPosition must be -1 without a branchParent", () -> new Trajectory("t", new int[0], "", new float[0],
                new float[0], new float[0], new boolean[0], null, 0, FinishReason.EOS, 0, new Timings(0, 0, 0)));
        fails("branchPosition must be in [0, 0]", () -> new Trajectory("t", new int[0], "", new float[0],
                new float[0], new float[0], new boolean[0], "p", 1, FinishReason.EOS, 0, new Timings(0, 0, 0)));
    }

    @Test
    void trajectoriesAreImmutableAndCompareByContent() {
        int[] ids = {5, 6};
        float[] lp = {-1f, -2f};
        Trajectory a = trajectory("t", ids, lp, new float[] {0.1f, 0.2f}, new boolean[] {true, false});
        ids[0] = 99;
        lp[0] = -7f;
        assertEquals(5, a.tokenId(0));
        assertEquals(-1f, a.sampledLogprob(0));
        a.tokenIds()[1] = 42;
        assertEquals(6, a.tokenId(1));
        Trajectory b = trajectory("t", new int[] {5, 6}, new float[] {-1f, -2f}, new float[] {0.1f, 0.2f},
                new boolean[] {true, false});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        Trajectory c = trajectory("t", new int[] {5, 6}, new float[] {-1f, -2f}, new float[] {0.1f, 0.2f},
                new boolean[] {false, false});
        assertNotEquals(a, c);
        assertEquals(1, a.triggerCount());
    }

    @Test
    void groupRequiresUniqueIdsAndKnownBranchParents() {
        Trajectory t = trajectory("t", new int[] {1}, new float[] {-1f}, new float[] {0f}, new boolean[1]);
        fails("duplicate id t", () -> new RolloutGroup("r", 0, 1, "g", "q", "", "s", SAMPLING, new int[0],
                List.of(t, t)));
        Trajectory orphan = new Trajectory("u", new int[] {1}, "", new float[] {-1f}, new float[] {-1f},
                new float[] {0f}, new boolean[1], "missing", 0, FinishReason.EOS, 0, new Timings(0, 0, 1));
        fails("names branchParent missing", () -> new RolloutGroup("r", 0, 1, "g", "q", "", "s", SAMPLING,
                new int[0], List.of(t, orphan)));
        fails("RolloutGroup.trajectories must contain at least one", () -> new RolloutGroup("r", 0, 1, "g", "q", "",
                "s", SAMPLING, new int[0], List.of()));
        fails("RolloutGroup.groupsInStep must be >= 1, got 0", () -> new RolloutGroup("r", 0, 0, "g", "q", "", "s",
                SAMPLING, new int[0], List.of(t)));
    }

    @Test
    void scoredGroupScoresMustAlignWithTheRollout() {
        Trajectory t = trajectory("t", new int[] {1, 2}, new float[] {-1f, -1f}, new float[] {0f, 0f}, new boolean[2]);
        RolloutGroup g = new RolloutGroup("r", 0, 1, "g", "q", "", "s", SAMPLING, new int[0], List.of(t));
        TrajectoryScore wrongId = new TrajectoryScore("x", 1, 1, 0, List.of(), 0, 1, 0);
        fails("scores x but the rollout's trajectory 0 is t",
                () -> new ScoredGroup("g", 1, Bucket.EASY, true, List.of(wrongId), g));
        TrajectoryScore farWindow = new TrajectoryScore("t", 1, 1, 1, List.of(new WindowSpan(1, 3)), 0, 1, 0);
        fails("beyond the trajectory length 2", () -> new ScoredGroup("g", 1, Bucket.EASY, true, List.of(farWindow), g));
        fails("ScoredGroup[h].rollout has groupId g", () -> new ScoredGroup("h", 1, Bucket.EASY, true, List.of(), g));
        ScoredGroup ok = new ScoredGroup("g", 1, Bucket.EASY, true,
                List.of(new TrajectoryScore("t", 1, 1, 0, List.of(), 0, 1, 0)), g);
        BatchStats stats = new BatchStats(1.0, Map.of(Bucket.HARD, 2.0), Map.of());
        fails("belongs to run r, not other", () -> new ScoredBatch("other", 0, List.of(ok), stats, false));
        fails("duplicate group id g", () -> new ScoredBatch("r", 0, List.of(ok, ok), stats, false));
    }

    @Test
    void controlRecordsValidate() {
        fails("RolloutRequest.branchBudget must be 0 in IID mode", () -> new RolloutRequest("q", "g", "r", 0, 1,
                0, new Prompt(List.of(new ChatMessage("user", "hi")), List.of(), "", "s", null), 4, SAMPLING,
                ExplorationMode.IID, 2, 1.0, 0));
        fails("RolloutRequest.groupsInStep must be >= 1, got 0", () -> new RolloutRequest("q", "g", "r", 0, 0,
                0, new Prompt(List.of(new ChatMessage("user", "hi")), List.of(), "", "s", null), 4, SAMPLING,
                ExplorationMode.IID, 0, 1.0, 0));
        fails("Prompt.imageRefs[0] must be an absolute URI", () -> new Prompt(List.of(new ChatMessage("user", "hi")),
                List.of("relative/path.png"), "", "s", null));
        fails("CheckpointEvent.baseVersion is required for a LORA checkpoint", () -> new CheckpointEvent("m", 3, 3,
                "file:///c/", CheckpointKind.LORA, null, "0".repeat(64), Map.of()));
        fails("CheckpointEvent.manifestSha256 must be 64 lowercase hex digits", () -> new CheckpointEvent("m", 3, 3,
                "file:///c/", CheckpointKind.FULL, null, "ABC", Map.of()));
        fails("RolloutRequest.schemaVersion 2 is not supported", () -> new RolloutRequest(2, "q", "g", "r", 0, 1, 0,
                new Prompt(List.of(new ChatMessage("user", "hi")), List.of(), "", "s", null), 1, SAMPLING,
                ExplorationMode.IID, 0, 1.0, 0));
        fails("SamplingParams.topP must be in (0, 1]", () -> new SamplingParams(1.0, 0.0, 0, 1, 0, List.of()));
        fails("DeadLetter.sourceTopic must not be blank", () -> new DeadLetter(null, null, "E", "", " ", 0, 0,
                Instant.EPOCH));
    }

    @Test
    void metricMapsAreSortedImmutableCopies() {
        Map<String, Double> m = new HashMap<>();
        m.put("b", 2.0);
        m.put("a", 1.0);
        TrainEvent e = new TrainEvent("r", 1, m, Instant.EPOCH);
        m.put("c", 3.0);
        assertEquals(List.of("a", "b"), List.copyOf(e.metrics().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> e.metrics().put("z", 0.0));
    }
}
