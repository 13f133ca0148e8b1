package dev.ares.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SftBatches}: every example once, budgets kept, arrays shifted and masked. */
class SftBatchesTest {
    private static SftExample example(int length, int prompt, int seed) {
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = (seed * 31 + i * 7) % 384;
        }
        return new SftExample(ids, prompt, new SftRecord("x" + seed, "s", 1, "u", "r"));
    }

    @Test
    void splitsRespectBothBudgetsAndKeepEveryExampleOnce() {
        Random r = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            List<SftExample> step = new ArrayList<>();
            int n = 1 + r.nextInt(40);
            for (int i = 0; i < n; i++) {
                int len = 3 + r.nextInt(700);
                step.add(example(len, 1 + r.nextInt(len - 1), i));
            }
            int budget = 256 + r.nextInt(4000);
            List<List<SftExample>> micro = SftBatches.split(step, budget, 8);
            IdentityHashMap<SftExample, Boolean> seen = new IdentityHashMap<>();
            for (List<SftExample> rows : micro) {
                int w = SftBatches.width(rows.get(0).length());
                for (SftExample e : rows) {
                    assertTrue(e.length() <= rows.get(0).length(), "longest first");
                    assertEquals(null, seen.put(e, true), "example used twice");
                }
                if (rows.size() > 1) {
                    assertTrue((long) rows.size() * w <= budget, rows.size() + " x " + w + " > " + budget);
                    assertTrue((long) rows.size() * 8 * w * w <= SftBatches.ATTENTION_ELEMENTS);
                }
                assertEquals(0, w % SftBatches.ALIGN);
                assertTrue(w >= rows.get(0).length() - 1 && w < rows.get(0).length() - 1 + SftBatches.ALIGN);
            }
            assertEquals(step.size(), seen.size());
        }
    }

    @Test
    void arraysShiftTargetsAndMaskThePromptAndPadding() {
        SftExample a = example(5, 2, 1);   // ids a0..a4, loss on targets a2, a3, a4
        SftExample b = example(3, 1, 2);   // ids b0..b2, loss on targets b1, b2
        try (NDManager m = NDManager.newBaseManager()) {
            SftBatches.Micro x = SftBatches.arrays(List.of(a, b), m);
            int w = SftBatches.ALIGN;
            assertEquals(new ai.djl.ndarray.types.Shape(2, w), x.ids().getShape());
            long[] ids = x.ids().toLongArray();
            long[] tg = x.targets().toLongArray();
            long[] mask = x.mask().toLongArray();
            float[] loss = x.lossMask().toFloatArray();
            for (int t = 0; t < 4; t++) {
                assertEquals(a.ids()[t], ids[t]);
                assertEquals(a.ids()[t + 1], tg[t]);
                assertEquals(1, mask[t]);
                assertEquals(t >= 1 ? 1f : 0f, loss[t], "target index t+1 >= prompt length 2");
            }
            for (int t = 4; t < w; t++) {
                assertEquals(0, mask[t]);
                assertEquals(0f, loss[t]);
            }
            assertEquals(b.ids()[1], tg[w]);
            assertEquals(1f, loss[w]);
            assertEquals(1f, loss[w + 1]);
            assertEquals(0f, loss[w + 2]);
            float sum = 0;
            for (float f : loss) {
                sum += f;
            }
            assertEquals(a.targetCount() + b.targetCount(), sum, 0f);
        }
    }
}
