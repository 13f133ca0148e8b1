package dev.ares.core.aepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link AepoScorer#scoreBatch(List, ControllerState, AepoConfig)} across readings and flags. */
class AepoScorerTest {
    private static final double TOL = 1e-9;

    /** A batch of groups with given correct counts; trajectory j of a group has j trigger-window events at τ 1. */
    private static List<GroupInput> batch(int[] correctCounts, int g, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<GroupInput> out = new ArrayList<>();
        for (int gi = 0; gi < correctCounts.length; gi++) {
            List<TrajectoryInput> ts = new ArrayList<>();
            for (int j = 0; j < g; j++) {
                int len = 60;
                float[] h = new float[len];
                boolean[] trig = new boolean[len];
                for (int p = 0; p < len; p++) {
                    h[p] = (float) (0.1 * rnd.nextDouble());
                }
                // j separated events: trigger at 10k, followed by a window of entropy 2
                for (int e = 0; e < j % 5; e++) {
                    int at = 10 * e;
                    trig[at] = true;
                    for (int p = at + 1; p <= at + 4; p++) {
                        h[p] = 2.0f;
                    }
                }
                ts.add(TrajectoryInput.of(j < correctCounts[gi], true, h, trig));
            }
            out.add(new GroupInput("g" + gi, ts));
        }
        return out;
    }

    @Test
    void grpoConfigRewardsAccuracyOnlyAndKeepsEveryGroup() {
        AepoConfig cfg = AepoConfig.grpo().withFixedTau(1.0);
        List<GroupInput> in = batch(new int[] {8, 6, 4, 1, 0}, 8, 1);
        ControllerState state = ControllerState.initial(cfg);
        BatchResult r = AepoScorer.scoreBatch(in, state, cfg);
        AepoConfig aepo = AepoConfig.code().withFixedTau(1.0);
        BatchResult shaped = AepoScorer.scoreBatch(in, ControllerState.initial(aepo), aepo);
        double shapedDiff = 0;
        for (int gi = 0; gi < r.groups().size(); gi++) {
            GroupResult g = r.groups().get(gi);
            assertTrue(g.keep(), "no online filter in GRPO: group " + gi);
            for (int j = 0; j < 8; j++) {
                TrajectoryResult t = g.trajectories().get(j);
                assertEquals(0.0, t.entropyReward(), TOL);
                assertEquals(j < new int[] {8, 6, 4, 1, 0}[gi] ? 1.0 : 0.0, t.overall(), TOL);
                shapedDiff += Math.abs(shaped.groups().get(gi).trajectories().get(j).entropyReward());
            }
        }
        assertTrue(shapedDiff > 0, "the same batch under AEPO has entropy shaping: the comparison is not vacuous");
        assertEquals(KlConfig.Controller.NONE, cfg.kl().controller());
        assertEquals(1.0, cfg.kl().rho());
    }

    @Test
    void codeReadingScoresEachResponseAgainstItsOwnBucket() {
        AepoConfig cfg = AepoConfig.code().withFixedTau(1.0);
        List<GroupInput> in = batch(new int[] {8, 6, 4, 1, 0}, 8, 1);
        BatchResult r = AepoScorer.scoreBatch(in, ControllerState.initial(cfg), cfg);
        assertEquals(List.of(Bucket.EASY, Bucket.EASY, Bucket.MEDIUM, Bucket.HARD, Bucket.HARD),
                r.groups().stream().map(GroupResult::bucket).toList());
        // all-correct and all-wrong groups are dropped by the accuracy filter
        assertEquals(List.of(false, true, true, true, false), r.groups().stream().map(GroupResult::keep).toList());
        ShapingConstants c = ShapingConstants.official();
        for (GroupResult g : r.groups()) {
            double target = r.stats().targets().getOrNaN(g.bucket().ordinal());
            for (int j = 0; j < 8; j++) {
                TrajectoryResult t = g.trajectories().get(j);
                assertEquals(j % 5, t.hweCount(), "events of " + g.groupId() + "/" + j);
                boolean acc = j < (int) Math.round(g.passRate() * 8);
                double e = EntropyShaping.codeTerm(g.bucket().ordinal(), acc, j % 5, target, 0.5, c, true);
                assertEquals(e, t.entropyReward(), TOL);
                assertEquals((acc ? 1 : 0) + e, t.overall(), TOL);
            }
            assertEquals(0.0, g.trajectories().stream().mapToDouble(TrajectoryResult::advantage).sum(), 1e-9);
        }
        // every group has mean N = (0+1+2+3+4+0+1+2)/8 = 1.625 → targets round(1.625) = 2
        assertEquals(2.0, r.stats().targets().easy(), 0.0);
        // α moves by 0.05·(ḡ − T): easy/medium −0.01875, hard +0.01875
        assertEquals(0.5 - 0.01875, r.state().alpha().easy(), TOL);
        assertEquals(0.5 + 0.01875, r.state().alpha().hard(), TOL);
        assertEquals(1L, r.state().step());
        assertNull(r.state().tau(), "a fixed τ never enters the state");
    }

    @Test
    void officialB1FlagScoresEverythingAsEasyWithTargetZero() {
        AepoConfig cfg = AepoConfig.code().withFixedTau(1.0);
        cfg = cfg.withReward(cfg.reward().withOfficialB1AllEasy(true));
        BatchResult r = AepoScorer.scoreBatch(batch(new int[] {1}, 8, 2), ControllerState.initial(cfg), cfg);
        GroupResult g = r.groups().get(0);
        assertEquals(Bucket.HARD, g.bucket(), "the bucket is still reported correctly");
        ShapingConstants c = ShapingConstants.official();
        // correct N = 0 → 1.0; incorrect N = 2 → 0.186738 (spec §15 Example 4, B1 row)
        assertEquals(1.0, g.trajectories().get(0).overall(), 1e-6);
        assertEquals(0.186738, g.trajectories().get(2).overall(), 1e-6);
        assertEquals(EntropyShaping.codeTerm(0, false, 4, 0, 0.5, c, true), g.trajectories().get(4).overall(), TOL);
    }

    @Test
    void codeThresholdIsLaggedAndSmoothed() {
        AepoConfig cfg = AepoConfig.code();
        List<GroupInput> in = batch(new int[] {5, 3}, 8, 3);
        BatchResult first = AepoScorer.scoreBatch(in, ControllerState.initial(cfg), cfg);
        assertEquals("batch", first.stats().tauOrigin());
        assertNotNull(first.state().tau());
        // initialised to the first kept-batch median, no −1 sentinel (B5)
        assertEquals(first.stats().tauStatistic(), first.state().tau(), TOL);
        BatchResult second = AepoScorer.scoreBatch(in, first.state(), cfg);
        assertEquals("state", second.stats().tauOrigin());
        assertEquals(first.state().tau(), second.stats().tauUsed(), TOL);
        assertEquals(0.99 * first.state().tau() + 0.01 * second.stats().tauStatistic(), second.state().tau(), TOL);
    }

    @Test
    void paperReadingUsesTheLaggedTargetAndPenalisesOnlyIncorrectAnswers() {
        AepoConfig cfg = AepoConfig.paper().withFixedTau(1.0);
        List<GroupInput> in = batch(new int[] {4}, 8, 4);
        BatchResult first = AepoScorer.scoreBatch(in, ControllerState.initial(cfg), cfg);
        // no previous target: λ = 0, no shaping
        first.groups().get(0).trajectories().forEach(t -> assertEquals(0.0, t.entropyReward(), 0.0));
        assertEquals(1.625, first.state().laggedTargets().medium(), TOL);
        // second step with a lower lagged target: λ = (1.625 − 1)/(var + ε) > 0
        ControllerState lowered = new ControllerState(1, null, first.state().alpha(),
                new BucketTargets(null, 1.0, null), first.state().beta(), first.state().kappa());
        BatchResult second = AepoScorer.scoreBatch(in, lowered, cfg);
        double var = 0;
        int[] ns = {0, 1, 2, 3, 4, 0, 1, 2};
        for (int x : ns) {
            var += (x - 1.625) * (x - 1.625);
        }
        var /= 8;
        double lam = 0.625 / (var + 1e-6);
        assertEquals(lam, second.stats().lambda().medium(), TOL);
        for (int j = 0; j < 8; j++) {
            double e = second.groups().get(0).trajectories().get(j).entropyReward();
            double expected = j < 4 ? 0.0 : -lam * Math.abs(ns[j] - 1.0);
            assertEquals(expected, e, TOL, "trajectory " + j);
        }
    }

    @Test
    void stateAndResultsRoundTripThroughJackson() throws Exception {
        ObjectMapper om = new ObjectMapper();
        AepoConfig cfg = AepoConfig.code();
        BatchResult r = AepoScorer.scoreBatch(batch(new int[] {5, 2}, 8, 5), ControllerState.initial(cfg), cfg);
        String json = om.writeValueAsString(r.state());
        ControllerState back = om.readValue(json, ControllerState.class);
        assertEquals(r.state(), back);
        assertTrue(json.contains("\"alpha\""), json);
        AepoConfig cfgBack = om.readValue(om.writeValueAsString(AepoConfig.paper()), AepoConfig.class);
        assertEquals(AepoConfig.paper(), cfgBack);
        assertFalse(om.writeValueAsString(r.stats()).contains("NaN"));
    }

    @Test
    void badInputIsRejectedWithItsLocation() {
        AepoConfig cfg = AepoConfig.code();
        float[] h = {0.1f, Float.NaN, 0.2f, 0.3f, 0.4f, 0.5f};
        List<GroupInput> in = List.of(new GroupInput("bad", List.of(TrajectoryInput.of(true, true, h,
                new boolean[6]))));
        AepoInputException e = assertThrows(AepoInputException.class,
                () -> AepoScorer.scoreBatch(in, ControllerState.initial(cfg), cfg));
        assertTrue(e.getMessage().contains("group bad, trajectory 0: entropy[1]"), e.getMessage());
        assertThrows(AepoInputException.class, () -> new GroupInput(" ", List.of()));
        List<GroupInput> dup = List.of(batch(new int[] {1}, 2, 1).get(0), batch(new int[] {1}, 2, 1).get(0));
        assertThrows(AepoInputException.class, () -> AepoScorer.scoreBatch(dup, ControllerState.initial(cfg), cfg));
    }
}
