package dev.ares.core.aepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded invariants of whole scored batches in both readings. */
class ScorerPropertyTest {

    private static List<GroupInput> randomBatch(SplittableRandom rnd) {
        int groups = 1 + rnd.nextInt(12);
        int size = 2 + rnd.nextInt(8);
        List<GroupInput> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            double p = rnd.nextDouble();
            List<TrajectoryInput> ts = new ArrayList<>();
            for (int j = 0; j < size; j++) {
                int len = rnd.nextInt(300);
                float[] h = new float[len];
                boolean[] trig = new boolean[len];
                for (int i = 0; i < len; i++) {
                    h[i] = (float) (rnd.nextDouble() < 0.15 ? 1 + 3 * rnd.nextDouble() : 0.5 * rnd.nextDouble());
                    trig[i] = rnd.nextDouble() < 0.08;
                }
                ts.add(TrajectoryInput.of(rnd.nextDouble() < p, rnd.nextBoolean(), h, trig));
            }
            out.add(new GroupInput("g" + g, ts));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22})
    void scoredBatchesKeepTheirInvariantsOverSeveralSteps(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (AepoConfig cfg : List.of(AepoConfig.code(), AepoConfig.paper())) {
            ControllerState state = ControllerState.initial(cfg);
            for (int step = 0; step < 3; step++) {
                List<GroupInput> batch = randomBatch(rnd);
                BatchResult r = AepoScorer.scoreBatch(batch, state, cfg);
                assertEquals(step + 1, r.state().step());
                for (int gi = 0; gi < batch.size(); gi++) {
                    GroupResult g = r.groups().get(gi);
                    GroupInput in = batch.get(gi);
                    int correct = 0;
                    double advSum = 0;
                    for (int j = 0; j < in.trajectories().size(); j++) {
                        TrajectoryInput t = in.trajectories().get(j);
                        TrajectoryResult x = g.trajectories().get(j);
                        correct += t.correct() ? 1 : 0;
                        advSum += x.advantage();
                        assertEquals((t.correct() ? 1 : 0) + x.entropyReward(), x.overall(), 1e-12);
                        assertTrue(x.hweCount() >= 0 && x.hweCount() <= t.length());
                        assertEquals(x.hweCount() == 0, x.hweSpans().length == 0, "spans iff events");
                        if (cfg.reading() == Reading.CODE) {
                            double cap = r.stats().alphaUsed().get(g.bucket())
                                    * ShapingConstants.official().capScale().get(g.bucket());
                            assertTrue(Math.abs(x.entropyReward()) <= cap + 1e-12);
                        } else {
                            assertTrue(x.entropyReward() <= 0 && (!t.correct() || x.entropyReward() == 0),
                                    "paper shaping penalises only incorrect answers");
                        }
                    }
                    assertEquals(0.0, advSum, 1e-9, "advantages of group " + g.groupId());
                    double pass = (double) correct / in.trajectories().size();
                    assertEquals(pass, g.passRate(), 1e-12);
                    assertEquals(Buckets.bucket(pass, 2.0 / 3.0, 1.0 / 3.0), g.bucket());
                    assertEquals(correct > 0 && correct < in.trajectories().size(), g.keep(), "accuracy filter");
                }
                double a = r.state().alpha().easy();
                assertTrue(a >= 0 && a <= 2);
                state = r.state();
            }
        }
    }
}
