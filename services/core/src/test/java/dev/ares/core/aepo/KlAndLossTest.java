package dev.ares.core.aepo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Entropy estimators, KL estimators and weights, the clipped surrogate and the KL controllers. */
class KlAndLossTest {
    private static final double TOL = 1e-6;

    @Test
    void exactEntropyOfSoftmax() {
        // uniform over 5 tokens: ln 5; p = (1/3, 2/3): 0.636514; temperature 2 halves the logits
        float[] logits = {0, 0, 0, 0, 0, 0, (float) Math.log(2), -1e9f, -1e9f, -1e9f, 0, (float) (2 * Math.log(2)),
            -1e9f, -1e9f, -1e9f};
        double[] h = Entropy.tokenEntropy(logits, 3, 5, 1.0);
        assertEquals(1.609438, h[0], TOL);
        assertEquals(0.636514, h[1], TOL);
        assertEquals(0.636514, Entropy.tokenEntropy(new float[] {0, (float) (2 * Math.log(2))}, 1, 2, 2.0)[0], TOL);
        assertThrows(AepoInputException.class, () -> Entropy.tokenEntropy(logits, 3, 5, 0.0));
    }

    @Test
    void topKEntropyWithAndWithoutTheTailBucket() {
        float[] lp = {(float) Math.log(0.5), (float) Math.log(0.3)};
        assertEquals(0.707765, Entropy.topkEntropy(lp, 1, 2, Entropy.Tail.NONE)[0], TOL);
        assertEquals(1.029653, Entropy.topkEntropy(lp, 1, 2, Entropy.Tail.BUCKET)[0], TOL);
        assertThrows(AepoInputException.class,
                () -> Entropy.topkEntropy(new float[] {0.5f, -1f}, 1, 2, Entropy.Tail.NONE));
    }

    @Test
    void estimatorsAndClamps() {
        assertEquals(0.2, KlDivergence.estimate(KlDivergence.Estimator.K1, -0.5, -0.7), 1e-12);
        assertEquals(0.02, KlDivergence.estimate(KlDivergence.Estimator.K2, -0.5, -0.7), 1e-12);
        assertEquals(10.0, KlDivergence.k3(-30, 0), 0.0, "value clamp");
        assertEquals(10.0, KlDivergence.k3(0, -30), 0.0, "log-ratio clamp then value clamp");
        assertEquals(Math.exp(-3) + 3 - 1, KlDivergence.k3(0, -3), 1e-12);
    }

    @Test
    void sequenceScalesFollowTheController() {
        ControllerState s = ControllerState.initial(AepoConfig.code())
                .withBeta(new BetaControllerState(new BetaBucket(Math.log(2.0), 0, 0, true), BetaBucket.initial(1.0),
                        BetaBucket.initial(0.5), 3))
                .withKappa(new BucketValues(1.5, 1.0, 0.8));
        int[] bucket = {0, 0, 2};
        boolean[] correct = {false, true, false};
        double[] soft = {0.6, 0.6, 0.6};
        // code: β_d, second chance 0.67 for the easy incorrect response with soft cost ≥ 0.5
        assertArrayEquals(new double[] {2.0 * 0.67, 2.0, 0.5},
                KlDivergence.sequenceScales(bucket, correct, soft, s, KlConfig.code()), 1e-12);
        // paper: β_d (1.0) × κ_d, no second chance
        assertArrayEquals(new double[] {1.5, 1.5, 0.8},
                KlDivergence.sequenceScales(bucket, correct, soft, s, KlConfig.paper()), 1e-12);
        assertThrows(AepoInputException.class,
                () -> KlDivergence.klWeights(new double[] {1}, new boolean[] {true}, 1, 1, 0.0));
    }

    @Test
    void clippedSurrogateAggregatesAndCountsClips() {
        double ln15 = Math.log(1.5);
        double[] old = {-1, -1, -1, -1};
        double[] logp = {-1, -1 + ln15, -1 + Math.log(0.5), -1};
        double[] adv = {1, 1, -2, -2};
        boolean[] mask = {true, true, true, false};
        PolicyLoss.Result tok = PolicyLoss.ppoClipLoss(logp, old, adv, mask, 2, 2, 0.2, 0.3, 3.0,
                KlDivergence.Aggregation.TOKEN_MEAN);
        // token losses: −1, max(−1.5, −1.3) = −1.3, max(1.0, 1.6) = 1.6
        assertEquals((-1 - 1.3 + 1.6) / 3, tok.loss(), 1e-9);
        assertEquals(2.0 / 3, tok.clipFraction(), 1e-12);
        assertEquals(0.0, tok.dualClipFraction(), 0.0);
        assertEquals(-(ln15 + Math.log(0.5)) / 3, tok.approxKl(), 1e-12);
        PolicyLoss.Result seq = PolicyLoss.ppoClipLoss(logp, old, adv, mask, 2, 2, 0.2, 0.3, 3.0,
                KlDivergence.Aggregation.SEQ_MEAN_TOKEN_MEAN);
        assertEquals(((-1 - 1.3) / 2 + 1.6) / 2, seq.loss(), 1e-9);
        // dual clip: ratio 4 with A = −1 → min(max(4, 1.3), 3) = 3
        PolicyLoss.Result dual = PolicyLoss.ppoClipLoss(new double[] {Math.log(4)}, new double[] {0},
                new double[] {-1}, new boolean[] {true}, 1, 1, 0.2, 0.3, 3.0, KlDivergence.Aggregation.TOKEN_MEAN);
        assertEquals(3.0, dual.loss(), 1e-12);
        assertEquals(1.0, dual.dualClipFraction(), 0.0);
    }

    @Test
    void logBetaControllerHasADeadZoneAndATickPeriod() {
        KlConfig base = KlConfig.code();
        BetaControllerState s = BetaControllerState.initial(base);
        // first call initialises KL̂ to cur = 0.0101: e = 0.01 is inside the dead zone → β unchanged
        BetaControllerState s1 = KlControllers.logBetaUpdate(s, new double[] {0.0101, Double.NaN, Double.NaN}, base);
        assertEquals(0.0101, s1.easy().klEma(), 1e-15);
        assertEquals(1.0, s1.easy().beta(), 0.0);
        assertEquals(1, s1.ticks());
        // a period of 100 calls: no update on tick 1 even with a large error
        KlConfig every100 = new KlConfig(base.estimator(), base.coef(), base.aggregation(), base.controller(),
                base.betaInit(), base.rho(), base.secondChance(), base.secondChanceFactor(),
                base.secondChanceMinSoftCost(), base.betaTarget(), base.betaEmaRate(), base.betaDeadZone(),
                base.betaStep(), base.betaErrClip(), base.betaMin(), base.betaMax(), 100, base.kappaInit(),
                base.kappaDelta(), base.kappaStep(), base.kappaMin(), base.kappaMax());
        BetaControllerState t = KlControllers.logBetaUpdate(s, new double[] {0.05, 0.05, 0.05}, every100);
        assertEquals(1.0, t.hard().beta(), 0.0);
        // on an update tick the step is 0.05·clip(ê, ±0.2): ê = 0.03·(0.05/0.01 − 1) = 0.12
        BetaControllerState u = KlControllers.logBetaUpdate(s, new double[] {0.05, 0.05, 0.05}, base);
        assertEquals(Math.exp(0.05 * 0.12), u.hard().beta(), 1e-12);
    }

    @Test
    void kappaIsClippedToItsBounds() {
        assertEquals(10.0, KlControllers.kappaUpdate(9.0, 10.0, 0.01, 0.1, 0.1, 10.0), 0.0);
        assertEquals(0.1, KlControllers.kappaUpdate(0.105, 0.0, 0.01, 0.1, 0.1, 10.0), 0.0);
        BucketValues k = KlControllers.kappaUpdate(BucketValues.all(1.0), new double[] {0.02, Double.NaN, 0.01},
                KlConfig.paper());
        assertEquals(new BucketValues(1.1, 1.0, 1.0), k);
    }
}
