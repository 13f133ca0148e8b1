package dev.ares.testkit;

import dev.ares.core.protocol.BatchStats;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.CheckpointKind;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.FinishReason;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.Timings;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.protocol.TrajectoryScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builders of valid protocol records for tests: deterministic for a seed, with per-token arrays shaped like
 * real rollouts (entropies in [0, 4) nats, logprobs below zero).
 */
public final class Records {
    private Records() {
    }

    /** A request for {@code n} samples of a small arithmetic prompt, the only group of its step. */
    public static RolloutRequest request(String groupId, long step, int n) {
        return request("run-test", groupId, step, n);
    }

    /** A request of run {@code runId} for {@code n} samples of a small arithmetic prompt, the only group of its step. */
    public static RolloutRequest request(String runId, String groupId, long step, int n) {
        return request(runId, groupId, step, 1, n);
    }

    /**
     * A request of run {@code runId} for {@code n} samples of a small arithmetic prompt (reference answer "7"),
     * one of {@code groupsInStep} groups the learner scheduled for {@code step}.
     */
    public static RolloutRequest request(String runId, String groupId, long step, int groupsInStep, int n) {
        Prompt prompt = new Prompt(List.of(new ChatMessage("user", "What is 3 + 4?")), List.of(), "7", "addition", 0.9);
        return new RolloutRequest("req-" + groupId, groupId, runId, step, groupsInStep, 0, prompt, n,
                new SamplingParams(1.0, 1.0, 0, 16, 7L, List.of()), ExplorationMode.IID, 0, 0.0, 0);
    }

    /** A group answering {@code request} with trajectories of {@code tokens} tokens each. */
    public static RolloutGroup group(RolloutRequest request, int tokens, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Trajectory> trajectories = new ArrayList<>();
        for (int i = 0; i < request.n(); i++) {
            int[] ids = new int[tokens];
            float[] lp = new float[tokens];
            float[] ent = new float[tokens];
            boolean[] trig = new boolean[tokens];
            for (int t = 0; t < tokens; t++) {
                ids[t] = rnd.nextInt(384);
                lp[t] = (float) -rnd.nextDouble(0.0, 6.0);
                ent[t] = (float) rnd.nextDouble(0.0, 4.0);
                trig[t] = rnd.nextInt(20) == 0;
            }
            trajectories.add(new Trajectory(request.groupId() + "-t" + i, ids, "answer \\boxed{7}", lp, lp.clone(), ent, trig,
                    null, -1, FinishReason.EOS, request.policyVersion(), new Timings(5, 12, tokens)));
        }
        return new RolloutGroup(request.runId(), request.step(), request.groupsInStep(), request.groupId(),
                request.requestId(), request.prompt().referenceAnswer(), request.prompt().source(), request.sampling(),
                new int[] {1, 2, 3}, trajectories, request.n());
    }

    /** A batch of the given groups, all kept, with zero advantages. */
    public static ScoredBatch batch(long step, List<RolloutGroup> groups) {
        List<ScoredGroup> scored = new ArrayList<>();
        for (RolloutGroup g : groups) {
            List<TrajectoryScore> ts = new ArrayList<>();
            for (Trajectory t : g.trajectories()) {
                ts.add(new TrajectoryScore(t.trajectoryId(), 1.0, 1.0, 0, List.of(), 0.0, 1.0, 0.0));
            }
            scored.add(new ScoredGroup(g.groupId(), 1.0, Bucket.EASY, true, ts, g));
        }
        return new ScoredBatch(groups.isEmpty() ? "run-test" : groups.get(0).runId(), step, scored,
                new BatchStats(0.5, Map.of(Bucket.EASY, 0.0), Map.of()), false);
    }

    /** A full-weights checkpoint event of {@code version}. */
    public static CheckpointEvent checkpoint(long version) {
        return new CheckpointEvent("ares-demo", version, version, "file:///tmp/ckpt/v" + version, CheckpointKind.FULL, null,
                "0".repeat(64), Map.of("loss", 0.5));
    }
}
