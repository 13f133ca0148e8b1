package dev.ares.model.learner;

import dev.ares.core.protocol.BatchStats;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.FinishReason;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.Timings;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.protocol.WindowSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded scored batches over the 384-token vocabulary of the tiny fixtures: groups of {@code n} trajectories of
 * 3..8 response tokens after a 4-token prompt, GRPO-like advantages (correct = +1, wrong = −1), one validated window
 * per correct trajectory, buckets cycling easy/medium/hard, behaviour log-probabilities of a uniform policy.
 */
final class LearnerBatches {
    private LearnerBatches() {
    }

    static ScoredBatch batch(String run, long step, int groups, int n, long policyVersion, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 31 + step);
        List<ScoredGroup> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            String gid = run + "-s" + step + "-g" + g;
            int[] prompt = new int[4];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = 3 + rnd.nextInt(380);
            }
            List<Trajectory> ts = new ArrayList<>();
            List<TrajectoryScore> sc = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int len = 3 + rnd.nextInt(6);
                int[] ids = new int[len];
                float[] lp = new float[len];
                float[] ent = new float[len];
                boolean[] trig = new boolean[len];
                for (int i = 0; i < len; i++) {
                    ids[i] = 3 + rnd.nextInt(380);
                    lp[i] = (float) -Math.log(384);
                    ent[i] = (float) rnd.nextDouble(0, 4);
                    trig[i] = i == 1;
                }
                String id = gid + "-t" + k;
                ts.add(new Trajectory(id, ids, "t", lp, lp, ent, trig, null, -1, FinishReason.EOS, policyVersion,
                        new Timings(1, prompt.length, len)));
                boolean correct = k % 2 == 0;
                List<WindowSpan> w = correct ? List.of(new WindowSpan(1, Math.min(len, 3))) : List.of();
                sc.add(new TrajectoryScore(id, correct ? 1 : 0, 1, w.size(), w, 0, correct ? 1 : 0, correct ? 1 : -1));
            }
            RolloutGroup rg = new RolloutGroup(run, step, groups, gid, gid + "-r", "7", "addition",
                    new SamplingParams(1, 1, 0, 8, 1, List.of()), prompt, ts);
            out.add(new ScoredGroup(gid, 0.5, Bucket.values()[g % 3], true, sc, rg));
        }
        return new ScoredBatch(run, step, out, new BatchStats(1.0, Map.of(), Map.of()), false);
    }
}
