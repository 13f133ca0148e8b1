package dev.ares.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ares.core.aepo.AepoInputException;
import dev.ares.core.aepo.KlConfig;
import dev.ares.core.aepo.KlDivergence;
import dev.ares.core.aepo.KlDivergence.Aggregation;
import dev.ares.core.aepo.KlDivergence.Estimator;
import dev.ares.core.aepo.PolicyLoss;
import dev.ares.core.aepo.PolicyLossConfig;
import org.junit.jupiter.api.Test;

/**
 * The full actor loss L = L_clip + coef·L_KL: its value against the core pure-array composition, and its DJL
 * autograd gradient against central finite differences of that pure-array composition.
 */
class AepoLossGradientTest {
    private static final double H = 1e-6;

    /** The reference loss from the core pure-array functions. */
    private static double pureLoss(RandomBatch rb, double[] logp, double[] adv, PolicyLossConfig pc, KlConfig kc) {
        double pg = PolicyLoss.ppoClipLoss(logp, rb.old, adv, rb.mask, rb.b, rb.t, pc.epsLow(), pc.epsHigh(),
                pc.dualClip(), pc.aggregation()).loss();
        double[] kl = KlDivergence.perToken(logp, rb.ref, kc.estimator());
        double[] w = KlDivergence.klWeights(rb.beta, rb.window, rb.b, rb.t, kc.rho());
        return pg + kc.coef() * KlDivergence.klLoss(kl, w, rb.mask, rb.b, rb.t, kc.aggregation());
    }

    private static KlConfig kl(KlConfig base, Estimator est, double coef, Aggregation agg) {
        return new KlConfig(est, coef, agg, base.controller(), base.betaInit(), base.rho(), base.secondChance(),
                base.secondChanceFactor(), base.secondChanceMinSoftCost(), base.betaTarget(), base.betaEmaRate(),
                base.betaDeadZone(), base.betaStep(), base.betaErrClip(), base.betaMin(), base.betaMax(),
                base.betaUpdateEvery(), base.kappaInit(), base.kappaDelta(), base.kappaStep(), base.kappaMin(),
                base.kappaMax());
    }

    @Test
    void valueAndAutogradGradientMatchThePureArrayLossAndItsFiniteDifferences() {
        int compared = 0;
        int kinks = 0;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (long seed = 0; seed < 120; seed++) {
                RandomBatch rb = new RandomBatch(seed);
                Aggregation agg = Aggregation.values()[(int) (seed % 2)];
                Estimator est = Estimator.values()[(int) (seed / 2 % 3)];
                PolicyLossConfig pc = new PolicyLossConfig(0.2, 0.3, 3.0, agg);
                KlConfig kc = kl(seed % 4 < 2 ? KlConfig.paper() : KlConfig.code(), est, 0.05 + seed % 5 * 0.1,
                        Aggregation.values()[(int) (seed / 3 % 2)]);
                boolean perToken = seed % 3 == 0;
                double[] adv = perToken ? rb.advTok : rb.advSeqBroadcast();
                double[] analytic;
                double value;
                try (NDManager s = m.newSubManager()) {
                    NDArray logp = rb.bt(s, rb.logp);
                    logp.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        AepoLoss.Result res = AepoLoss.compute(new AepoLoss.Inputs(logp, rb.bt(s, rb.old),
                                rb.bt(s, rb.ref), perToken ? rb.bt(s, rb.advTok) : rb.seq(s, rb.advSeq),
                                rb.bt(s, rb.mask), rb.bt(s, rb.window), rb.seq(s, rb.beta)), pc, kc);
                        value = res.loss().getDouble();
                        gc.backward(res.loss());
                    }
                    analytic = logp.getGradient().toDoubleArray();
                }
                String at = "seed " + seed;
                assertEquals(pureLoss(rb, rb.logp, adv, pc, kc), value, 1e-9, at);
                for (int k = 0; k < analytic.length; k++) {
                    double[] x = rb.logp.clone();
                    x[k] = rb.logp[k] + H;
                    double up = pureLoss(rb, x, adv, pc, kc);
                    x[k] = rb.logp[k] - H;
                    double down = pureLoss(rb, x, adv, pc, kc);
                    double base = pureLoss(rb, rb.logp, adv, pc, kc);
                    double right = (up - base) / H;
                    double left = (base - down) / H;
                    if (Math.abs(right - left) > 1e-4) {
                        kinks++; // a clip boundary lies within H: the derivative is one-sided there
                        continue;
                    }
                    assertEquals((up - down) / (2 * H), analytic[k], 1e-5 * Math.max(1, Math.abs(analytic[k])),
                            at + " token " + k);
                    compared++;
                    if (!rb.mask[k]) {
                        assertEquals(0.0, analytic[k], 0.0, at + " masked token " + k);
                    }
                }
            }
        }
        System.out.println("AepoLossGradientTest: " + compared + " token gradients compared, " + kinks
                + " skipped on a clip kink");
        assertTrue(compared > 1000, "gradients compared: " + compared + ", kinks skipped: " + kinks);
        assertTrue(kinks < compared / 100, "few tokens sit on a kink: " + kinks);
    }

    @Test
    void metricsAreTheUnweightedKlAndTheBehaviourK1() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (long seed = 500; seed < 560; seed++) {
                RandomBatch rb = new RandomBatch(seed);
                try (NDManager s = m.newSubManager()) {
                    AepoLoss.Result res = AepoLoss.compute(new AepoLoss.Inputs(rb.bt(s, rb.logp), rb.bt(s, rb.old),
                            rb.bt(s, rb.ref), rb.seq(s, rb.advSeq), rb.bt(s, rb.mask), rb.bt(s, rb.window),
                            rb.seq(s, rb.beta)), PolicyLossConfig.paper(), KlConfig.paper());
                    double[] k3 = KlDivergence.perToken(rb.logp, rb.ref, Estimator.K3);
                    assertEquals(KlDivergence.aggregate(k3, rb.mask, rb.b, rb.t, Aggregation.TOKEN_MEAN),
                            res.meanKl(), 1e-9);
                    assertEquals(KlDivergence.nonWindowSignal(k3, rb.window, rb.mask, rb.b, rb.t),
                            res.klControlSignal(), 1e-9);
                    PolicyLoss.Result pg = PolicyLoss.ppoClipLoss(rb.logp, rb.old, rb.advSeqBroadcast(), rb.mask,
                            rb.b, rb.t, 0.2, 0.3, 3.0, Aggregation.SEQ_MEAN_TOKEN_MEAN);
                    assertEquals(pg.approxKl(), res.approxKl(), 1e-9);
                    assertEquals(pg.clipFraction(), res.clipFraction(), 1e-9);
                    assertEquals(pg.dualClipFraction(), res.dualClipFraction(), 1e-9);
                    assertEquals(pg.loss(), res.policyLoss().getDouble(), 1e-9);
                }
            }
        }
    }

    @Test
    void referenceLogprobsAreRequiredWhenTheKlCoefficientIsNonZero() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            RandomBatch rb = new RandomBatch(7);
            AepoLoss.Inputs in = new AepoLoss.Inputs(rb.bt(m, rb.logp), rb.bt(m, rb.old), null, rb.seq(m, rb.advSeq),
                    rb.bt(m, rb.mask), null, null);
            AepoInputException e = assertThrows(AepoInputException.class,
                    () -> AepoLoss.compute(in, PolicyLossConfig.code(), KlConfig.code()));
            assertTrue(e.getMessage().contains("refLogp"), e.getMessage());
            KlConfig off = kl(KlConfig.code(), Estimator.K3, 0.0, Aggregation.TOKEN_MEAN);
            AepoLoss.Result res = AepoLoss.compute(in, PolicyLossConfig.code(), off);
            assertEquals(PolicyLoss.ppoClipLoss(rb.logp, rb.old, rb.advSeqBroadcast(), rb.mask, rb.b, rb.t, 0.2, 0.3,
                    3.0, Aggregation.TOKEN_MEAN).loss(), res.loss().getDouble(), 1e-9);
        }
    }
}
