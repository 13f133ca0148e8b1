package dev.ares.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ares.core.aepo.AepoInputException;
import dev.ares.core.aepo.KlDivergence;
import dev.ares.core.aepo.KlDivergence.Aggregation;
import dev.ares.core.aepo.KlDivergence.Estimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The NDArray KL estimators, weights and loss against the core pure-array reference and analytic gradients. */
class NdKlDivergenceTest {

    @ParameterizedTest
    @EnumSource(Estimator.class)
    void estimatorsWeightsAndLossMatchThePureArrayVersion(Estimator est) {
        int clampedK3 = 0;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (long seed = 0; seed < 300; seed++) {
                RandomBatch rb = new RandomBatch(seed);
                double rho = seed % 3 == 0 ? 1.0 : 0.1 + 0.9 * ((seed * 37) % 100) / 100.0;
                double[] refKl = KlDivergence.perToken(rb.logp, rb.ref, est);
                double[] refW = KlDivergence.klWeights(rb.beta, rb.window, rb.b, rb.t, rho);
                try (NDManager s = m.newSubManager()) {
                    String at = est + " seed " + seed;
                    NDArray kl = NdKlDivergence.perToken(rb.bt(s, rb.logp), rb.bt(s, rb.ref), est);
                    double[] got = kl.toDoubleArray();
                    for (int k = 0; k < got.length; k++) {
                        assertEquals(refKl[k], got[k], 1e-9 * Math.max(1, Math.abs(refKl[k])), at + " token " + k);
                        clampedK3 += est == Estimator.K3 && Math.abs(got[k]) == KlDivergence.K3_VALUE_CLAMP ? 1 : 0;
                    }
                    NDArray w = NdKlDivergence.weights(rb.seq(s, rb.beta), rb.bt(s, rb.window), rb.t, rho);
                    double[] gotW = w.toDoubleArray();
                    for (int k = 0; k < gotW.length; k++) {
                        assertEquals(refW[k], gotW[k], 1e-12, at + " weight " + k);
                    }
                    for (Aggregation agg : Aggregation.values()) {
                        double expected = KlDivergence.klLoss(refKl, refW, rb.mask, rb.b, rb.t, agg);
                        double actual = NdKlDivergence.loss(kl, w, rb.bt(s, rb.mask), agg).getDouble();
                        assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), at + " " + agg);
                    }
                    assertEquals(KlDivergence.nonWindowSignal(refKl, rb.window, rb.mask, rb.b, rb.t),
                            NdKlDivergence.nonWindowSignal(kl, rb.bt(s, rb.window), rb.bt(s, rb.mask)), 1e-9, at);
                }
            }
        }
        if (est == Estimator.K3) {
            assertTrue(clampedK3 > 0, "some random cases hit the k3 value clamp");
        }
    }

    /**
     * Analytic per-token derivatives with respect to log π_θ, with x = log π_θ − log π_ref: k1' = 1, k2' = x,
     * k3' = 1 − e^{−x} inside the clamps (d = −x) and 0 where d or the value is clamped.
     */
    @ParameterizedTest
    @EnumSource(Estimator.class)
    void gradientsEqualTheAnalyticDerivatives(Estimator est) {
        double[] lp = {-1.0, -2.0, -0.5, -3.0, -0.1, -40.0};
        double[] ref = {-1.5, -0.5, -0.5, -30.0, -0.4, -0.5};
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray logp = m.create(lp, new Shape(2, 3));
            logp.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray kl = NdKlDivergence.perToken(logp, m.create(ref, new Shape(2, 3)), est);
                gc.backward(kl.sum());
            }
            double[] g = logp.getGradient().toDoubleArray();
            for (int k = 0; k < lp.length; k++) {
                double x = lp[k] - ref[k];
                double d = -x;
                double expected = switch (est) {
                    case K1 -> 1.0;
                    case K2 -> x;
                    case K3 -> Math.abs(d) > KlDivergence.K3_LOG_RATIO_CLAMP
                            || Math.exp(d) - d - 1 > KlDivergence.K3_VALUE_CLAMP ? 0.0 : 1.0 - Math.exp(d);
                };
                assertEquals(expected, g[k], 1e-12, est + " token " + k);
            }
        }
    }

    @Test
    void windowTokensAreRelaxedByRhoAndBadInputsAreNamed() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray beta = m.create(new double[] {2.0, 0.5});
            NDArray window = m.create(new boolean[] {true, false, false, true}, new Shape(2, 2));
            assertArrayEqualsWithin(new double[] {2 * 0.67, 2, 0.5, 0.5 * 0.67},
                    NdKlDivergence.weights(beta, window, 2, 0.67).toDoubleArray());
            assertArrayEqualsWithin(new double[] {2, 2, 0.5, 0.5},
                    NdKlDivergence.weights(beta, null, 2, 0.67).toDoubleArray());
            AepoInputException e = assertThrows(AepoInputException.class,
                    () -> NdKlDivergence.weights(beta, window, 2, 1.5));
            assertTrue(e.getMessage().contains("rho"), e.getMessage());
            e = assertThrows(AepoInputException.class, () -> NdKlDivergence.weights(beta, window, 3, 0.5));
            assertTrue(e.getMessage().contains("window"), e.getMessage());
            e = assertThrows(AepoInputException.class, () -> NdKlDivergence.perToken(m.zeros(new Shape(2, 2)),
                    m.zeros(new Shape(2, 3)), Estimator.K3));
            assertTrue(e.getMessage().contains("refLogp"), e.getMessage());
        }
    }

    private static void assertArrayEqualsWithin(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12, "index " + i);
        }
    }
}
