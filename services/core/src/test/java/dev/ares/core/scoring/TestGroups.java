package dev.ares.core.scoring;

import dev.ares.core.protocol.FinishReason;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.Timings;
import dev.ares.core.protocol.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Rollout groups for the scorer tests: given response texts, seeded entropies in [0, 4) nats and triggers. */
final class TestGroups {
    static final SamplingParams SAMPLING = new SamplingParams(1.0, 1.0, 0, 64, 7L, List.of());
    static final String RIGHT = "<think>3 plus 4 is 7</think> The answer is \\boxed{7}.";
    static final String WRONG = "<think>3 plus 4 is 8</think> \\boxed{8}";
    static final String UNBOXED = "<think>easy</think> 7";

    private TestGroups() {
    }

    /** A group of {@code texts.length} trajectories of {@code tokens} tokens, reference answer "7". */
    static RolloutGroup group(String runId, long step, int groupsInStep, String groupId, int tokens, long seed,
                              String... texts) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Trajectory> ts = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            int[] ids = new int[tokens];
            float[] lp = new float[tokens];
            float[] h = new float[tokens];
            boolean[] trig = new boolean[tokens];
            for (int t = 0; t < tokens; t++) {
                ids[t] = rnd.nextInt(384);
                lp[t] = (float) -rnd.nextDouble(0.01, 6.0);
                h[t] = (float) rnd.nextDouble(0.0, 4.0);
                trig[t] = rnd.nextInt(6) == 0;
            }
            ts.add(new Trajectory(groupId + "-t" + i, ids, texts[i], lp, lp.clone(), h, trig, null, -1,
                    FinishReason.EOS, 0, new Timings(1, 3, tokens)));
        }
        return new RolloutGroup(runId, step, groupsInStep, groupId, "req-" + groupId, "7", "addition", SAMPLING,
                new int[] {1, 2, 3}, ts);
    }

    /** {@code correct} right answers followed by wrong ones, {@code size} in all. */
    static String[] texts(int correct, int size) {
        String[] out = new String[size];
        for (int i = 0; i < size; i++) {
            out[i] = i < correct ? RIGHT : (i % 2 == 0 ? WRONG : UNBOXED);
        }
        return out;
    }
}
