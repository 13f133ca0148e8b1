package dev.ares.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ares.core.aepo.AepoInputException;
import dev.ares.core.aepo.KlDivergence.Aggregation;
import dev.ares.core.aepo.PolicyLoss;
import dev.ares.core.aepo.PolicyLossConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The NDArray clipped surrogate against the core pure-array reference and hand-computed edge cases. */
class NdPolicyLossTest {
    private static PolicyLossConfig cfg(Aggregation agg) {
        return new PolicyLossConfig(0.2, 0.3, 3.0, agg);
    }

    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void matchesThePureArrayLossOnRandomBatches(Aggregation agg) {
        int clippedSeen = 0;
        int dualSeen = 0;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (long seed = 0; seed < 300; seed++) {
                RandomBatch rb = new RandomBatch(seed);
                boolean perToken = seed % 2 == 0;
                double[] adv = perToken ? rb.advTok : rb.advSeqBroadcast();
                PolicyLoss.Result ref = PolicyLoss.ppoClipLoss(rb.logp, rb.old, adv, rb.mask, rb.b, rb.t,
                        0.2, 0.3, 3.0, agg);
                try (NDManager s = m.newSubManager()) {
                    NdPolicyLoss.Result got = NdPolicyLoss.compute(rb.bt(s, rb.logp), rb.bt(s, rb.old),
                            perToken ? rb.bt(s, rb.advTok) : rb.seq(s, rb.advSeq), rb.bt(s, rb.mask), cfg(agg));
                    String at = "seed " + seed;
                    assertEquals(ref.loss(), got.loss().getDouble(), 1e-9, at);
                    assertEquals(ref.clipFraction(), got.clipFraction(), 1e-9, at);
                    assertEquals(ref.dualClipFraction(), got.dualClipFraction(), 1e-9, at);
                    assertEquals(ref.approxKl(), got.approxKl(), 1e-9, at);
                    double[] per = got.perToken().toDoubleArray();
                    for (int k = 0; k < per.length; k++) {
                        assertEquals(PolicyLoss.tokenLoss(rb.logp[k], rb.old[k], adv[k], 0.2, 0.3, 3.0), per[k],
                                1e-9, at + " token " + k);
                    }
                    clippedSeen += ref.clipFraction() > 0 ? 1 : 0;
                    dualSeen += ref.dualClipFraction() > 0 ? 1 : 0;
                }
            }
        }
        assertTrue(clippedSeen > 50 && dualSeen > 10, "cases exercise the clips: " + clippedSeen + ", " + dualSeen);
    }

    @Test
    void float32InputsAgreeWithinSinglePrecision() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (long seed = 1000; seed < 1100; seed++) {
                RandomBatch rb = new RandomBatch(seed);
                PolicyLoss.Result ref = PolicyLoss.ppoClipLoss(rb.logp, rb.old, rb.advSeqBroadcast(), rb.mask, rb.b,
                        rb.t, 0.2, 0.3, 3.0, Aggregation.SEQ_MEAN_TOKEN_MEAN);
                try (NDManager s = m.newSubManager()) {
                    NdPolicyLoss.Result got = NdPolicyLoss.compute(rb.bt(s, rb.logp).toType(DataType.FLOAT32, false),
                            rb.bt(s, rb.old).toType(DataType.FLOAT32, false), rb.seq(s, rb.advSeq), rb.bt(s, rb.mask),
                            cfg(Aggregation.SEQ_MEAN_TOKEN_MEAN));
                    assertEquals(DataType.FLOAT32, got.loss().getDataType());
                    assertEquals(ref.loss(), got.loss().getFloat(), 1e-5 * Math.max(1, Math.abs(ref.loss())));
                }
            }
        }
    }

    /**
     * Five tokens, one per regime, values worked by hand from spec §8 (ε_low 0.2, ε_high 0.3, C 3):
     * <pre>
     *  A   r    unclipped  clipped   taken             loss  dloss/dlogp
     *  1   1.5  -1.5       -1.3      clipped (high)    -1.3  0
     * -1   0.5   0.5        0.8      clipped (low)      0.8  0
     * -1   4     4          1.3      dual (min with 3)  3    0
     * -1   2     2          1.3      unclipped          2    -A·r = 2
     *  2   0.5  -1         -1.6      unclipped         -1    -A·r = -1
     * </pre>
     */
    @Test
    void handWorkedRegimesAndTheirGradients() {
        double[] adv = {1, -1, -1, -1, 2};
        double[] r = {1.5, 0.5, 4, 2, 0.5};
        double[] expLoss = {-1.3, 0.8, 3, 2, -1};
        double[] expGrad = {0, 0, 0, 2, -1};
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            double[] old = {-1, -2, -0.5, -3, -1.5};
            double[] lp = new double[5];
            for (int k = 0; k < 5; k++) {
                lp[k] = old[k] + Math.log(r[k]);
            }
            NDArray logp = m.create(lp, new Shape(1, 5));
            logp.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NdPolicyLoss.Result res = NdPolicyLoss.compute(logp, m.create(old, new Shape(1, 5)),
                        m.create(adv, new Shape(1, 5)), m.ones(new Shape(1, 5)), cfg(Aggregation.TOKEN_MEAN));
                double[] per = res.perToken().toDoubleArray();
                for (int k = 0; k < 5; k++) {
                    assertEquals(expLoss[k], per[k], 1e-12, "token " + k);
                }
                assertEquals((-1.3 + 0.8 + 3 + 2 - 1) / 5, res.loss().getDouble(), 1e-12);
                // the clip fraction counts tokens whose clipped branch is strictly larger: rows 1 and 2, not the dual row
                assertEquals(2.0 / 5, res.clipFraction(), 1e-12);
                assertEquals(1.0 / 5, res.dualClipFraction(), 1e-12);
                gc.backward(res.loss());
            }
            double[] g = logp.getGradient().toDoubleArray();
            for (int k = 0; k < 5; k++) {
                assertEquals(expGrad[k] / 5, g[k], 1e-12, "gradient of token " + k);
            }
        }
    }

    @Test
    void fullyMaskedRowsAreSkippedAndAnEmptyMaskGivesZeroLossAndGradient() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // Row 0: two tokens with r = 1 and A = 1 (loss -1 each); row 1 fully masked with garbage values.
            NDArray logp = m.create(new double[] {-1, -2, Double.NaN, -1e9}, new Shape(2, 2));
            NDArray old = m.create(new double[] {-1, -2, 0, 0}, new Shape(2, 2));
            NDArray adv = m.create(new double[] {1, 7});
            NDArray mask = m.create(new boolean[] {true, true, false, false}, new Shape(2, 2));
            for (Aggregation agg : Aggregation.values()) {
                NdPolicyLoss.Result res = NdPolicyLoss.compute(logp, old, adv, mask, cfg(agg));
                assertEquals(-1.0, res.loss().getDouble(), 1e-12, agg.name());
            }
            NDArray x = m.create(new double[] {-1, -2, -3, -4}, new Shape(2, 2));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NdPolicyLoss.Result res = NdPolicyLoss.compute(x, old, adv, m.zeros(new Shape(2, 2)),
                        cfg(Aggregation.SEQ_MEAN_TOKEN_MEAN));
                assertEquals(0.0, res.loss().getDouble(), 1e-300);
                assertEquals(0.0, res.clipFraction(), 1e-300);
                assertEquals(0.0, res.approxKl(), 1e-300);
                gc.backward(res.loss());
            }
            for (double g : x.getGradient().toDoubleArray()) {
                assertEquals(0.0, g, 1e-300);
            }
        }
    }

    @Test
    void badShapesNameTheArgument() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray lp = m.zeros(new Shape(2, 3), DataType.FLOAT64);
            AepoInputException e = assertThrows(AepoInputException.class, () -> NdPolicyLoss.compute(lp,
                    m.zeros(new Shape(2, 4)), m.zeros(new Shape(2)), m.ones(new Shape(2, 3)),
                    PolicyLossConfig.code()));
            assertTrue(e.getMessage().contains("behaviourLogp"), e.getMessage());
            e = assertThrows(AepoInputException.class, () -> NdPolicyLoss.compute(lp, lp, m.zeros(new Shape(3)),
                    m.ones(new Shape(2, 3)), PolicyLossConfig.code()));
            assertTrue(e.getMessage().contains("advantages"), e.getMessage());
            e = assertThrows(AepoInputException.class, () -> NdPolicyLoss.compute(lp, lp, m.zeros(new Shape(2)),
                    m.ones(new Shape(3, 2)), PolicyLossConfig.code()));
            assertTrue(e.getMessage().contains("mask"), e.getMessage());
        }
    }
}
