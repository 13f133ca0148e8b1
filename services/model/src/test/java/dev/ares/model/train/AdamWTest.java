package dev.ares.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link AdamW} against hand-computed updates: with gradient g on the first step the bias-corrected update is
 * g / (|g| + eps), i.e. the sign of g; clipping and state save/restore.
 */
class AdamWTest {
    /** Loss sum(c * w): the gradient of w is c. */
    private static void backward(NDArray w, float[] c) {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(w.mul(w.getManager().create(c)).sum());
        }
    }

    @Test
    void firstStepMovesBySignTimesLrAfterDecay() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, -2f, 3f});
            Map<String, NDArray> p = new LinkedHashMap<>();
            p.put("w", w);
            AdamW opt = new AdamW(p, 0.1, 0.9, 0.999, 1e-8, 0.5);
            backward(w, new float[] {4f, -0.5f, 2f});
            opt.step(0.01);
            // w * (1 - 0.01 * 0.5) - 0.01 * sign(g)
            assertArrayEquals(new float[] {1f * 0.995f - 0.01f, -2f * 0.995f + 0.01f, 3f * 0.995f - 0.01f},
                    w.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0f, 0f, 0f}, w.getGradient().toFloatArray(), 0f, "gradients zeroed");
            assertEquals(1, opt.steps());
        }
    }

    @Test
    void clippingScalesToTheBoundAndReportsTheNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {0f, 0f});
            NDArray b = m.create(new float[] {0f});
            Map<String, NDArray> p = new LinkedHashMap<>();
            p.put("a", a);
            p.put("b", b);
            AdamW opt = AdamW.withDefaults(p, 1e-3);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(a.mul(m.create(new float[] {3f, 0f})).sum().add(b.mul(m.create(new float[] {4f})).sum()));
            }
            assertEquals(5.0, opt.clipGradientNorm(1.0), 1e-6);
            assertArrayEquals(new float[] {0.6f, 0f}, a.getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.8f}, b.getGradient().toFloatArray(), 1e-6f);
            assertEquals(1.0, opt.clipGradientNorm(2.0), 1e-5, "below the bound: unchanged");
            assertArrayEquals(new float[] {0.6f, 0f}, a.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void restoredStateGivesTheSameNextStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] g1 = {0.3f, -1.2f};
            float[] g2 = {-0.7f, 0.4f};
            NDArray w1 = m.create(new float[] {0.5f, 0.25f});
            Map<String, NDArray> p1 = Map.of("w", w1);
            AdamW a = new AdamW(p1, 0.05, 0.9, 0.99, 1e-8, 0.01);
            backward(w1, g1);
            a.step();
            // a second optimiser restored from the first one's state, on a copy of the weights
            NDArray w2 = w1.duplicate();
            AdamW b = new AdamW(Map.of("w", w2), 0.05, 0.9, 0.99, 1e-8, 0.01);
            Map<String, NDArray> saved = new LinkedHashMap<>();
            a.state().forEach((k, v) -> saved.put(k, v.duplicate()));
            assertEquals(java.util.Set.of("w.exp_avg", "w.exp_avg_sq"), saved.keySet());
            b.load(saved, a.steps());
            backward(w1, g2);
            backward(w2, g2);
            a.step();
            b.step();
            assertArrayEquals(w1.toFloatArray(), w2.toFloatArray(), 0f);
            assertThrows(IllegalArgumentException.class, () -> b.load(Map.of("w.exp_avg", saved.get("w.exp_avg")), 1));
        }
    }

    /** Steps and clipping close their temporaries: the parameters' manager holds as many arrays after 5 steps as after 1. */
    @Test
    void stepsLeaveNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, 2f, 3f, 4f});
            AdamW opt = AdamW.withDefaults(Map.of("w", w), 1e-2);
            backward(w, new float[] {1f, -1f, 2f, 0.5f});
            opt.clipGradientNorm(1.0);
            opt.step();
            int after1 = m.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                backward(w, new float[] {1f, -1f, 2f, 0.5f});
                opt.clipGradientNorm(1.0);
                opt.step();
            }
            assertEquals(after1, m.getManagedArrays().size());
        }
    }
}
