package dev.ares.core.aepo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every worked example of aepo-spec.md §15, exact to 1e−6. */
class SpecExamplesTest {
    private static final double TOL = 1e-6;
    private static final float[] H = {0.2f, 1.5f, 2.1f, 0.3f, 1.9f, 2.5f, 0.4f, 0.1f, 1.2f, 0.6f};
    // tokens: so, wait, x, =, but, maybe, 2, ., thus, done
    private static final boolean[] TRIG = {false, true, false, false, true, true, false, false, true, false};

    @Test
    void example1WindowMeansAndPaddedPercentile() {
        assertArrayEquals(new double[] {1.45, 1.7, 1.275, 1.225, 1.05, 0.575},
                Windows.windowMean(H, 4, Windows.Mode.FORWARD_EXCLUSIVE), TOL);
        assertArrayEquals(new double[] {1.025, 1.45, 1.7, 1.275, 1.225, 1.05, 0.575},
                Windows.windowMean(H, 4, Windows.Mode.FORWARD_INCLUSIVE), TOL);

        // batch form with the code's running-mean padding
        Windows.Result r = Windows.windowMean(H, all(10), 1, 10, 4, Windows.Mode.FORWARD_EXCLUSIVE);
        double[] q = Quantiles.seqQuantile(r.mean(), r.valid(), new int[] {10}, H, 1, 10, 0.95,
                Quantiles.Pad.RUNNING_MEAN);
        assertEquals(1.5875, q[0], TOL);
        double[] padded = {1.45, 1.7, 1.275, 1.225, 1.05, 0.575, 1.2125, 1.2125, 1.2125, 1.2125};
        double[] buf = java.util.Arrays.copyOf(Windows.windowMean(H, 4, Windows.Mode.FORWARD_EXCLUSIVE), 10);
        int cnt = Quantiles.padRunningMean(buf, 6, 10);
        assertEquals(10, cnt);
        assertArrayEquals(padded, buf, TOL);
        assertEquals(1.5875, Quantiles.quantile(padded, 0.95), TOL);

        // no complete window (3 tokens, w = 4): the official list is [H_0, mean([H_0]), mean([H_0, H_0])]
        float[] shortH = {0.7f, 2.0f, 3.0f};
        Windows.Result sr = Windows.windowMean(shortH, all(3), 1, 3, 4, Windows.Mode.FORWARD_EXCLUSIVE);
        assertEquals(0.7, Quantiles.seqQuantile(sr.mean(), sr.valid(), new int[] {3}, shortH, 1, 3, 0.95,
                Quantiles.Pad.RUNNING_MEAN)[0], TOL);
        assertEquals(Double.NaN, Quantiles.seqQuantile(sr.mean(), sr.valid(), new int[] {3}, shortH, 1, 3, 0.95,
                Quantiles.Pad.IGNORE)[0]);
        TrajectoryInput shortT = TrajectoryInput.of(true, true, shortH, new boolean[3]);
        AepoConfig cfg = AepoConfig.code();
        BatchResult br = AepoScorer.scoreBatch(List.of(new GroupInput("s", List.of(shortT, shortT))),
                ControllerState.initial(cfg), cfg);
        assertEquals(0.7, br.groups().get(0).trajectories().get(0).sequenceQuantile(), TOL);
    }

    @Test
    void example2HweSelectionUnderTheThreeRules() {
        double[] ex = Windows.windowMean(H, 4, Windows.Mode.FORWARD_EXCLUSIVE);
        HweEvents.SeqStats code = HweEvents.countSequence(H, TRIG, 0, 10, ex, ex.length, 1.2,
                HweEvents.Rule.WINDOW_TRIGGER, null);
        assertEquals(1, code.count());
        assertEquals(2, code.invalidTriggers());
        assertEquals(0.5, code.softCost(), TOL);

        HweEvents.SeqStats appH = HweEvents.countSequence(H, TRIG, 0, 10, ex, ex.length, 1.2,
                HweEvents.Rule.TOKEN_TRIGGER, null);
        assertEquals(4, appH.count());

        double[] in = Windows.windowMean(H, 4, Windows.Mode.FORWARD_INCLUSIVE);
        boolean[] events = new boolean[10];
        HweEvents.SeqStats alg1 = HweEvents.countSequence(H, TRIG, 0, 10, in, in.length, 1.2,
                HweEvents.Rule.WINDOW_ONLY, events);
        assertEquals(4, alg1.count());
        assertArrayEquals(new boolean[] {false, true, true, true, true, false, false, false, false, false}, events);

        // batch-form event mask agrees with the per-sequence count
        Windows.Result r = Windows.windowMean(H, all(10), 1, 10, 4, Windows.Mode.FORWARD_EXCLUSIVE);
        boolean[] m = HweEvents.hweEvents(r.mean(), r.valid(), TRIG, 1.2);
        assertArrayEquals(new int[] {1}, HweEvents.hweCount(m, 1, 10));
        // the validated window of wait@1 covers tokens 2..5
        boolean[] wmask = HweEvents.hweWindowMask(m, 1, 10, 4, Windows.Mode.FORWARD_EXCLUSIVE);
        assertArrayEquals(new boolean[] {false, false, true, true, true, true, false, false, false, false}, wmask);

        double[] perSeq = {1.5875, 1.10, 2.30};
        assertEquals(1.5875, Threshold.batchThreshold(perSeq, Threshold.Reduce.MEDIAN), TOL);
        assertEquals(1.6625, Threshold.batchThreshold(perSeq, Threshold.Reduce.MEAN), TOL);
        assertEquals(1.401875, Threshold.ema(1.40, 1.5875, 0.99), TOL);
    }

    @Test
    void example3BucketsTargetsAndAlpha() {
        int[] counts = {8, 6, 5, 3, 2, 0};
        Bucket[] expected = {Bucket.EASY, Bucket.EASY, Bucket.MEDIUM, Bucket.MEDIUM, Bucket.HARD, Bucket.HARD};
        double[] pass = {1.0, 0.75, 0.625, 0.375, 0.25, 0.0};
        for (int i = 0; i < counts.length; i++) {
            boolean[] acc = new boolean[8];
            for (int j = 0; j < counts[i]; j++) {
                acc[j] = true;
            }
            double p = Buckets.passRate(acc, new int[8], 1)[0];
            assertEquals(pass[i], p, TOL);
            assertEquals(expected[i], Buckets.bucket(p, 2.0 / 3.0, 1.0 / 3.0));
        }
        Buckets.BucketStats bs = Buckets.bucketStats(new double[] {20, 30, 35}, new int[] {0, 0, 0}, new int[0],
                new int[0]);
        assertEquals(28.333333, bs.meanOfGroupMeans()[0], TOL);
        double[] t = Buckets.bucketTargets(bs.meanOfGroupMeans(), true);
        assertEquals(28.0, t[0], 0.0);
        BucketValues a = EntropyShaping.alphaUpdate(BucketValues.all(0.5), bs.meanOfGroupMeans(), t, 0.05, 0, 2);
        assertEquals(0.516667, a.easy(), TOL);
        assertEquals(0.5, a.medium(), 0.0);
    }

    @Test
    void example4HierarchicalRewardCodeFormula() {
        ShapingConstants c = ShapingConstants.official();
        // case, bucket, acc, N, T, expected E, expected overall
        Object[][] cases = {
            {"a", 0, true, 51, 28, -0.5, 0.5},
            {"b", 0, true, 20, 28, 0.0, 1.0},
            {"c", 0, true, 34, 28, -0.065323, 0.934677},
            {"d", 1, false, 84, 55, 0.399105, 0.399105},
            {"e", 1, false, 24, 55, 0.2, 0.2},
            {"f", 1, true, 40, 55, -0.007774, 0.992226},
            {"g", 2, true, 30, 40, 0.474835, 1.474835},
            {"h", 2, true, 10, 40, -0.233333, 0.766667},
            {"i", 2, false, 60, 40, 0.528478, 0.528478},
            {"j", 0, false, 28, 28, 0.15, 0.15},
        };
        for (Object[] row : cases) {
            int d = (Integer) row[1];
            boolean acc = (Boolean) row[2];
            double e = EntropyShaping.codeTerm(d, acc, (Integer) row[3], (Integer) row[4], 0.5, c, true);
            assertEquals((Double) row[5], e, TOL, "E of case " + row[0]);
            double overall = Rewards.overallReward(new boolean[] {acc}, new double[] {e}, null, 0)[0];
            assertEquals((Double) row[6], overall, TOL, "overall of case " + row[0]);
            // the B10 guard does not change any worked example
            assertEquals(e, EntropyShaping.codeTerm(d, acc, (Integer) row[3], (Integer) row[4], 0.5, c, false), 0);
        }
        assertEquals(0.379948, EntropyShaping.codeTerm(1, false, 84, 55, 0.476, c, true), TOL);
        assertEquals(0.1904, EntropyShaping.codeTerm(1, false, 24, 55, 0.476, c, true), TOL);

        // shipped-config bug B1: easy, T = 0
        int[] ns = {0, 1, 2, 5};
        double[] correct = {1.0, 1.0, 0.958333, 0.5};
        double[] wrong = {0.15, 0.15, 0.186738, 0.264239};
        for (int i = 0; i < ns.length; i++) {
            assertEquals(correct[i], 1 + EntropyShaping.codeTerm(0, true, ns[i], 0, 0.5, c, true), TOL);
            assertEquals(wrong[i], EntropyShaping.codeTerm(0, false, ns[i], 0, 0.5, c, true), TOL);
        }

        // paper-literal: lagged target 40, bucket mean 46, variance 64
        double[] lam = EntropyShaping.lambdaClosedForm(new double[] {0, 0, 46}, new double[] {0, 0, 64},
                new double[] {Double.NaN, Double.NaN, 40}, 1e-9);
        assertEquals(0.09375, lam[2], TOL);
        double[] r = EntropyShaping.shapingPaper(new int[] {30}, new double[] {Double.NaN, Double.NaN, 40},
                new int[] {2}, new boolean[] {false}, lam);
        assertEquals(-0.9375, r[0], TOL);
        // same-batch target: λ = 0 and R = 0 (defect B6)
        double[] lam0 = EntropyShaping.lambdaClosedForm(new double[] {0, 0, 46}, new double[] {0, 0, 64},
                new double[] {Double.NaN, Double.NaN, 46}, 1e-9);
        assertEquals(0.0, lam0[2], 0.0);

        double[] rewards = {1, 1, 1, 1, 1, 0.5, 0.15, 0.15};
        double[] adv = Advantages.grpoAdvantage(rewards, new int[8], 1, 1e-6, true);
        double[] expected = {0.696895, 0.696895, 0.696895, 0.696895, 0.696895, -0.570187, -1.457144, -1.457144};
        assertArrayEquals(expected, adv, TOL);
        double mean = java.util.Arrays.stream(rewards).average().orElseThrow();
        assertEquals(0.725, mean, TOL);
        double ss = 0;
        for (double x : rewards) {
            ss += (x - mean) * (x - mean);
        }
        assertEquals(0.394606, Math.sqrt(ss / 7), TOL);
    }

    @Test
    void example5KlBudgetControllersAndColdStart() {
        double[] logp = {-0.5, -1.0, -2.0};
        double[] ref = {-0.7, -1.0, -1.5};
        double[] k3 = KlDivergence.perToken(logp, ref, KlDivergence.Estimator.K3);
        assertArrayEquals(new double[] {0.018731, 0, 0.148721}, k3, TOL);
        boolean[] mask = {true, true, true};
        double tokenMean = KlDivergence.klLoss(k3, null, mask, 1, 3, KlDivergence.Aggregation.TOKEN_MEAN);
        assertEquals(0.055817, tokenMean, TOL);
        assertEquals(0.00055817, 0.01 * tokenMean, 1e-8);

        boolean[] window = {false, false, true};
        double[] beta = KlDivergence.klWeights(new double[] {1.0}, window, 1, 3, 0.5);
        assertArrayEquals(new double[] {1, 1, 0.5}, beta, 0);
        assertEquals(0.031030, KlDivergence.klLoss(k3, beta, mask, 1, 3,
                KlDivergence.Aggregation.SEQ_MEAN_TOKEN_MEAN), TOL);

        double ctrl = KlDivergence.nonWindowSignal(k3, window, mask, 1, 3);
        assertEquals(0.006244, ctrl, TOL);
        assertEquals(0.962436, KlControllers.kappaUpdate(1.0, ctrl, 0.01, 0.1, 0.1, 10), TOL);

        // code β controller at an update tick: KL̂ = 0.02 → e = 1.0, ê_prev = 0 → ê = 0.03, β = exp(0.05·0.03)
        KlConfig cfg = KlConfig.code();
        BetaControllerState s0 = new BetaControllerState(new BetaBucket(0.0, 0.02, 0.0, true),
                BetaBucket.initial(1.0), BetaBucket.initial(1.0), 0);
        BetaControllerState s1 = KlControllers.logBetaUpdate(s0, new double[] {0.02, Double.NaN, Double.NaN}, cfg);
        assertEquals(0.03, s1.easy().errEma(), TOL);
        assertEquals(1.0015011, s1.easy().beta(), 1e-7);
        assertEquals(1.0, s1.medium().beta(), 0.0);

        assertEquals(6200, ColdStart.coldstartTargetLength(0.25, 8000, 800), TOL);
        assertEquals(3500, ColdStart.coldstartTargetLength(0.625, 8000, 800), TOL);
        assertEquals(1, ColdStart.selectByLength(new int[] {9000, 6100, 4000}, 6200));
    }

    @Test
    void example4GroupThroughTheScorerMatchesTheHandComputation() {
        // one hard group (2 of 8 correct) with fixed τ: every N_HE is 0, so target 0 and E from the table
        List<TrajectoryInput> ts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ts.add(TrajectoryInput.of(i < 2, true, H, new boolean[10]));
        }
        AepoConfig cfg = AepoConfig.code().withFixedTau(1.2);
        BatchResult r = AepoScorer.scoreBatch(List.of(new GroupInput("g0", ts)), ControllerState.initial(cfg), cfg);
        GroupResult g = r.groups().get(0);
        assertEquals(Bucket.HARD, g.bucket());
        // hard, correct, N = 0, T = 0: Δ = 0 ≥ −1 → +0.6·σ(1/3); incorrect: 1.0·0.6·σ(0) = 0.3
        double eCorrect = 0.6 / (1 + Math.exp(-1.0 / 3.0));
        assertEquals(1 + eCorrect, g.trajectories().get(0).overall(), TOL);
        assertEquals(0.3, g.trajectories().get(7).overall(), TOL);
    }

    private static boolean[] all(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }
}
